/**
 * Peak RSS on an object of 300k distinct paths (the engine issue): one real-time object of one
 * day, every request to a path of its own, through `letsflow run --no-raw`. Summaries bound their
 * per-path figures, so memory should not grow with the number of distinct paths; code that keeps
 * them all may instead run out of memory or fail to serialize a summary (RangeError in
 * JSON.stringify). Either way the case reports what happened: a failed run is a finding here,
 * not a failed case. Killed at TIME_LIMIT_MS.
 */
import { rm } from 'node:fs/promises';
import { caseArgs, loadFixture, runReps } from '../common.js';
import { cliUsage, freshCacheDir, outcomeOf, runCli } from '../cli.js';

const TIME_LIMIT_MS = 60_000;

const args = caseArgs();
const { fixture: name, variant } = args;
if (variant !== 'noraw') throw new Error(`cli-paths: unknown variant ${variant}`);
const fixture = await loadFixture(name);
const usage = cliUsage();
let cache = '';
let outcome = '';

await runReps('cli-paths/noraw', args, {
  before: async () => {
    cache = await freshCacheDir();
  },
  rep: async () => {
    const run = usage.add(await runCli(['run', '--no-raw', '--source', fixture.dir, '--cache', cache], { timeoutMs: TIME_LIMIT_MS }));
    outcome = outcomeOf(run);
    return { events: run.code === 0 ? fixture.events : 0, outcome };
  },
  after: async () => {
    await rm(cache, { recursive: true, force: true });
  },
  finish: async () => ({ note: `${outcome}; ${fixture.events.toLocaleString('en-US')} distinct paths in one object` }),
  childRssKiB: usage.childRssKiB,
  childCpuMs: usage.childCpuMs,
});
