import { readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERIODS, timeKey, windowStart } from '../../../src/core/periods.js';
import { stepContextFor } from '../../../src/engine/definition.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { windowsIn } from '../../../src/engine/windowQueries.js';
import { fsCacheStore } from '../../../src/sinks/fsCacheStore.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { memoryObject } from '../../helpers/objects.js';
import { toyPipeline } from '../../helpers/toyPipeline.js';

const Y2000 = Date.UTC(2000, 0, 1);
const Y2100 = Date.UTC(2100, 11, 31);
const NOW = new Date(Date.UTC(2101, 0, 1));

/** The windows of every period that hold at least one of these times. */
const windowsWithData = (times: readonly number[]): Set<string> => new Set(times.flatMap((t) => PERIODS.map((p) => `${p}/${timeKey(p, windowStart(p, t))}`)));

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}

describe('engine: sparse windows', () => {
  it('stores exactly the windows that hold data, whatever the calendar span (2000–2100)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: Y2000, max: Y2100 }), { minLength: 1, maxLength: 30 }), async (times) => {
        // Prepare
        const store = memoryCacheStore();
        const ctx = stepContextFor(toyPipeline, store, { clock: () => NOW, keepRaw: false });
        // Act
        await runPipeline([memoryObject('r/century.csv', times.map((t, i) => `${t},s,${i}\n`).join(''))], ctx);
        // Assess: one aggregate per window with data, all final, and nothing else in the aggregate namespace
        const stored = [...store.snapshot().keys()].filter((k) => k.startsWith('sa-toy-aggregate/')).map((k) => k.split('/').slice(3, 5).join('/'));
        expect(new Set(stored)).toEqual(windowsWithData(times));
        expect(stored).toHaveLength(windowsWithData(times).size);
      }),
      { numRuns: 30 },
    );
  });

  it('writes files in proportion to windows with data on the filesystem store, and answers the empty ones', async () => {
    // Prepare: 29 readings spread over a century in one object
    const root = await mkdtemp(path.join(tmpdir(), 'letsflow-sparse-'));
    try {
      const times = Array.from({ length: 29 }, (_, i) => Y2000 + Math.floor((i * (Y2100 - Y2000)) / 28));
      const ctx = stepContextFor(toyPipeline, fsCacheStore({ root }), { clock: () => NOW, keepRaw: true });
      // Act
      await runPipeline([memoryObject('r/century.csv', times.map((t, i) => `${t},s,${i}\n`).join(''))], ctx);
      // Assess: aggregates + partials + ledger, raw, checkpoint — a few files per window, not per calendar slot
      const windows = windowsWithData(times).size;
      expect(await countFiles(root)).toBeLessThanOrEqual(windows + times.length + 5);
      const decade = await windowsIn(ctx.store, toyPipeline, 'monthly', Date.UTC(2003, 0, 1), Date.UTC(2003, 11, 1), { now: NOW.getTime() });
      expect(decade).toHaveLength(12);
      expect(decade.filter((w) => w.stored).map((w) => w.timeKey)).toEqual(['2003-08']);
      expect(decade.every((w) => w.status === 'final')).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
