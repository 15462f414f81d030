import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoObjects } from '../../src/pipelines/cloudfront/demoData.js';
import { committedState, differences, runCli } from '../../scripts/crashHarness.js';

const CLI = join(import.meta.dirname, '../../bin/letsflow.js');
/**
 * The demo's days are months before this machine's clock, so under the default idle bound (a
 * day) every window would be final at once. With the bound out of reach, finality follows the
 * data alone, so the runs also recompute partial windows, and the whole committed state,
 * checkpoint included, must match a clean run.
 */
const DATA_FINALITY = ['--idle', String(1e9)];
const TOKEN = 'shutdown-test';

describe('e2e: letsflow serve shuts down gracefully', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-sigterm-'));
    await writeDemoObjects({ dir: join(dir, 'logs'), days: 0.5, requestsPerHour: 600, seed: 21 });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('on SIGTERM mid-ingest finishes the step in flight and exits 0; a restart ends equal to a clean run', async () => {
    // Prepare
    const serve = spawn(process.execPath, [CLI, 'serve', '--source', 'logs', '--cache', 'served', '--port', '0', '--ingest-every', '0', '--aggregate-every', '0', ...DATA_FINALITY], {
      cwd: dir,
      env: { ...process.env, LETSFLOW_API_TOKEN: TOKEN },
    });
    let output = '';
    serve.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => serve.on('exit', (code) => resolve(code)));
    while (!/listening on (\S+)/.test(output)) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (\S+)/.exec(output)![1]!;
    // Act: start an ingest, then SIGTERM while it runs
    const ingest = fetch(`${url}/api/sa/cloudfront/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.status, () => 'closed');
    await new Promise((r) => setTimeout(r, 300));
    serve.kill('SIGTERM');
    const code = await exited;
    await ingest;
    expect(await runCli(['run', '--source', 'logs', '--cache', 'served', ...DATA_FINALITY], dir)).toBe(0);
    expect(await runCli(['run', '--source', 'logs', '--cache', 'clean', ...DATA_FINALITY], dir)).toBe(0);
    // Assess
    expect(code).toBe(0);
    expect(output).toContain('finishing the steps in flight');
    expect(differences(await committedState(join(dir, 'served')), await committedState(join(dir, 'clean')))).toEqual([]);
  }, 120_000);
});
