import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoObjects } from '../../src/pipelines/cloudfront/demoData.js';
import { committedState, differences, killCliAfter, runCli } from '../../scripts/crashHarness.js';

const CLI = join(import.meta.dirname, '../../bin/letsflow.js');
/**
 * The demo's days are months before this machine's clock, so under the default idle bound (a
 * day) every window would be final at once. With the bound out of reach, finality follows the
 * data alone, so the runs also recompute partial windows, and the whole committed state,
 * checkpoint included, must match a clean run.
 */
const DATA_FINALITY = ['--idle', String(1e9)];

describe('e2e: crash safety of letsflow run and serve', () => {
  let dir: string;
  let clean: Map<string, string>;
  /** How long a whole clean run takes here: kill points are drawn as fractions of it, so they land inside runs on a fast or slow machine. */
  let runMs: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-crash-'));
    await writeDemoObjects({ dir: join(dir, 'logs'), days: 0.5, requestsPerHour: 300, seed: 11 });
    const started = performance.now();
    expect(await runCli(['run', '--source', 'logs', '--cache', 'clean', ...DATA_FINALITY], dir)).toBe(0);
    runMs = performance.now() - started;
    clean = await committedState(join(dir, 'clean'));
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('SIGKILLed at random points and restarted, ends byte-identical to a clean run', async () => {
    let attempt = 0;
    let kills = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 0.1, max: 0.9, noNaN: true }), { minLength: 3, maxLength: 5 }), async (fractions) => {
        const delays = fractions.map((f) => Math.round(f * runMs));
        // Prepare
        const cache = `crashed-${attempt++}`;
        // Act: kill the run at each delay, then let one finish
        for (const delay of delays) if ((await killCliAfter(['run', '--source', 'logs', '--cache', cache, ...DATA_FINALITY], dir, delay)) === 'killed') kills++;
        expect(await runCli(['run', '--source', 'logs', '--cache', cache, ...DATA_FINALITY], dir)).toBe(0);
        // Assess
        expect(differences(await committedState(join(dir, cache)), clean)).toEqual([]);
      }),
      { numRuns: 6, endOnFailure: true },
    );
    console.info(`crash safety: ${kills} SIGKILLs landed inside runs`);
    // A kill point can still fall after a run that happened to go faster: most must land.
    expect(kills).toBeGreaterThanOrEqual(12);
  }, 240_000);

  it('serve SIGKILLed during an ingest and restarted ends byte-identical to a clean run', async () => {
    let attempt = 0;
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.05, max: 0.8, noNaN: true }), async (fraction) => {
        const delay = Math.round(fraction * runMs);
        // Prepare
        const cache = `served-${attempt++}`;
        const serve = spawn(process.execPath, [CLI, 'serve', '--source', 'logs', '--cache', cache, '--port', '0', '--ingest-every', '0', '--aggregate-every', '0', ...DATA_FINALITY], {
          cwd: dir,
          env: { ...process.env, LETSFLOW_API_TOKEN: 't' },
        });
        let output = '';
        serve.stdout.on('data', (d: Buffer) => (output += d.toString()));
        const exited = new Promise((resolve) => serve.on('exit', resolve));
        while (!/listening on (\S+)/.test(output)) await new Promise((r) => setTimeout(r, 50));
        const url = /listening on (\S+)/.exec(output)![1]!;
        // Act: kill it mid-ingest, then finish with a run
        const ingest = fetch(`${url}/api/sa/cloudfront/ingest`, { method: 'POST', headers: { authorization: 'Bearer t' } }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, delay));
        serve.kill('SIGKILL');
        await exited;
        await ingest;
        expect(await runCli(['run', '--source', 'logs', '--cache', cache, ...DATA_FINALITY], dir)).toBe(0);
        // Assess
        expect(differences(await committedState(join(dir, cache)), clean)).toEqual([]);
      }),
      { numRuns: 4, endOnFailure: true },
    );
  }, 240_000);
});
