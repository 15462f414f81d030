import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoObjects } from '../../src/pipelines/cloudfront/demoData.js';
import { committedState, differences, killCliAfter, runCli } from '../../scripts/crashHarness.js';

describe('e2e: crash safety of letsflow run', () => {
  let dir: string;
  let clean: Map<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-crash-'));
    await writeDemoObjects({ dir: join(dir, 'logs'), days: 0.5, requestsPerHour: 300, seed: 11 });
    expect(await runCli(['run', '--source', 'logs', '--cache', 'clean'], dir)).toBe(0);
    clean = await committedState(join(dir, 'clean'));
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('SIGKILLed at random points and restarted, ends byte-identical to a clean run', async () => {
    let attempt = 0;
    let kills = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 200, max: 2500 }), { minLength: 3, maxLength: 5 }), async (delays) => {
        // Prepare
        const cache = `crashed-${attempt++}`;
        // Act: kill the run at each delay, then let one finish
        for (const delay of delays) if ((await killCliAfter(['run', '--source', 'logs', '--cache', cache], dir, delay)) === 'killed') kills++;
        expect(await runCli(['run', '--source', 'logs', '--cache', cache], dir)).toBe(0);
        // Assess
        expect(differences(await committedState(join(dir, cache)), clean)).toEqual([]);
      }),
      { numRuns: 6, endOnFailure: true },
    );
    expect(kills).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
