/**
 * A run with nothing new (the engine issue): `letsflow run` over a source whose every object is
 * already committed should cost about the same whatever the history behind it. Variants: `run`
 * (the timed run over a cache a complete run left; compare demo3d with demo12d) and `startup`
 * (`letsflow --help`: node, tsx and the CLI's modules, the floor under any CLI run).
 *
 * The complete run is untimed set-up, done once per version of the code and kept in bench/.data
 * (it takes far longer than the timed run). The reps run on that cache itself, not on copies:
 * after a run with nothing new there is still nothing new, so every rep starts from the same
 * state whatever such a run writes, and copying ~12k files per rep would cost more than the rep.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { caseArgs, DATA_DIR, loadFixture, REPO_DIR, runReps, type Fixture } from '../common.js';
import { cliUsage, outcomeOf, runCli } from '../cli.js';
import { filesUnder } from '../engineFixtures.js';

const args = caseArgs();
const { fixture: name, variant } = args;
if (variant !== 'run' && variant !== 'startup') throw new Error(`cli-noop: unknown variant ${variant}`);
const fixture = await loadFixture(name);
const usage = cliUsage();

/** A hash of what the CLI runs (src/ and the locked dependencies): a cache is only "complete" for the code that wrote it. */
async function codeKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const key of await filesUnder(path.join(REPO_DIR, 'src'))) hash.update(key).update(await readFile(path.join(REPO_DIR, 'src', key)));
  return hash.update(await readFile(path.join(REPO_DIR, 'package-lock.json'))).digest('hex').slice(0, 12);
}

/** The cache folder a complete `letsflow run` over the fixture leaves, made unless this code already made it. */
async function completedCache(f: Fixture): Promise<string> {
  const stem = `${f.name}-${f.contentKey}.done-`;
  const dir = path.join(DATA_DIR, `${stem}${await codeKey()}`);
  if (existsSync(dir)) return dir;
  // Caches other code left are stale, and large.
  for (const entry of await readdir(DATA_DIR)) if (entry.startsWith(stem)) await rm(path.join(DATA_DIR, entry), { recursive: true, force: true });
  const partial = `${dir}.partial`;
  process.stderr.write(`    cli-noop: a complete run over ${f.name} first (untimed, kept for this code)\n`);
  const run = await runCli(['run', '--source', f.dir, '--cache', partial]);
  if (run.code !== 0) throw new Error(`cli-noop: the complete run over ${f.name} failed: ${outcomeOf(run)}`);
  await rename(partial, dir);
  return dir;
}

const cache = variant === 'run' ? await completedCache(fixture) : '';

await runReps(`cli-noop/${variant}`, args, {
  rep: async () => {
    const run = usage.add(await runCli(variant === 'run' ? ['run', '--source', fixture.dir, '--cache', cache] : ['--help']));
    if (run.code !== 0) throw new Error(`cli-noop/${variant}: ${outcomeOf(run)}`);
    // Where the summary line is still the one this was written against, it must say nothing was processed.
    const processed = /(\d+) of \d+ objects processed/.exec(run.stdout);
    if (processed && processed[1] !== '0') throw new Error(`cli-noop/run: ${processed[0]}, so the run had something new`);
    return { events: 0, outcome: outcomeOf(run) };
  },
  finish: async () => ({ note: variant === 'run' ? `${fixture.objects.length} committed objects, nothing new` : 'letsflow --help: start-up only' }),
  childRssKiB: usage.childRssKiB,
  childCpuMs: usage.childCpuMs,
});
