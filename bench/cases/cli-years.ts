/**
 * 29 events spanning eleven years (the engine issue): one standard log object whose events fall
 * in 29 different months from 2014 to 2025. What a run writes should follow the events, not the
 * calendar between them: the targets are < 2,000 files in the cache folder and < 10 s. The run
 * is killed at TIME_LIMIT_MS (code that writes every window in between takes minutes); the files
 * are then what it had written by that time, a lower bound.
 */
import { rm } from 'node:fs/promises';
import { caseArgs, loadFixture, runReps } from '../common.js';
import { cliUsage, countFiles, freshCacheDir, outcomeOf, runCli } from '../cli.js';

const TIME_LIMIT_MS = 60_000;

const args = caseArgs();
const { fixture: name, variant } = args;
if (variant !== 'run') throw new Error(`cli-years: unknown variant ${variant}`);
const fixture = await loadFixture(name);
const usage = cliUsage();
let cache = '';
let outcome = '';
let files = 0;

await runReps('cli-years/run', args, {
  before: async () => {
    cache = await freshCacheDir();
  },
  rep: async () => {
    const run = usage.add(await runCli(['run', '--format', 'cloudfront-standard', '--source', fixture.dir, '--cache', cache], { timeoutMs: TIME_LIMIT_MS }));
    outcome = outcomeOf(run);
    if (!run.timedOut && run.code !== 0) throw new Error(`cli-years: ${outcome}`);
    return { events: run.timedOut ? 0 : fixture.events, outcome };
  },
  inspect: async () => ({ files: (files = await countFiles(cache)) }),
  after: async () => {
    await rm(cache, { recursive: true, force: true });
  },
  finish: async () => ({ note: `${outcome}; ${files.toLocaleString('en-US')} files in the cache folder` }),
  childRssKiB: usage.childRssKiB,
  childCpuMs: usage.childCpuMs,
});
