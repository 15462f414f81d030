import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_BOUND, MAX_KEY_CHARS } from '../../../src/core/topKeys.js';
import { stepContextFor } from '../../../src/engine/definition.js';
import { AggregateDocSchema, LedgerEntrySchema } from '../../../src/engine/documents.js';
import { objectId, pipelineRefs } from '../../../src/engine/layout.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import type { LogFormat } from '../../../src/formats/logFormat.js';
import { NAMESPACES } from '../../../src/pipelines/cloudfront/namespaces.js';
import { summaryFromJson } from '../../../src/pipelines/cloudfront/trafficSummary.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { BASE_TIME, cloudfrontContext, event } from '../../helpers/factories.js';
import { memoryObject, realtimeObject } from '../../helpers/objects.js';
import { toyFormat, toyPipeline, type Reading } from '../../helpers/toyPipeline.js';

const json = async (store: MemoryCacheStore, ref: Parameters<MemoryCacheStore['get']>[0]): Promise<unknown> => {
  const bytes = await store.get(ref);
  return bytes && JSON.parse(Buffer.from(bytes).toString('utf8'));
};

describe('engine: an object that could sink a run costs only itself', () => {
  it('an object of thousands of distinct huge paths is summarised within the bound, and its neighbours are exact', async () => {
    // Prepare: 2,500 distinct 4 KB paths in one window, beside a normal object in the same window
    const huge = Array.from({ length: 2_500 }, (_, i) => event({ timestamp: BASE_TIME + i, cs_uri_stem: `/${String(i).padStart(6, '0')}${'x'.repeat(4_000)}` }));
    const normal = [event({ timestamp: BASE_TIME + 10, cs_uri_stem: '/a' }), event({ timestamp: BASE_TIME + 20, cs_uri_stem: '/a' })];
    const store = memoryCacheStore();
    const refs = pipelineRefs(NAMESPACES);

    // Act
    const outcome = await runPipeline([realtimeObject('logs/huge.gz', huge), realtimeObject('logs/normal.gz', normal)], cloudfrontContext(store));

    // Assess: both committed; the window's totals exact, its path list bounded and truncated, '/a' exact
    expect(outcome.quarantined).toHaveLength(0);
    const doc = AggregateDocSchema.parse(await json(store, refs.aggregate('30min', BASE_TIME)));
    const summary = summaryFromJson(doc.summary);
    expect(summary.requests).toBe(2_502);
    expect(summary.paths.keys.size).toBeLessThanOrEqual(DEFAULT_KEY_BOUND);
    expect(Math.max(...[...summary.paths.keys.keys()].map((k) => k.length))).toBeLessThanOrEqual(MAX_KEY_CHARS);
    expect(summary.paths.keys.get('/a')?.count).toBe(2);
    expect([...summary.paths.keys.values()].reduce((n, s) => n + s.count, 0) + summary.paths.other.count).toBe(2_502);
    expect(JSON.stringify(doc).length).toBeLessThan(4 * DEFAULT_KEY_BOUND * MAX_KEY_CHARS);
  });

  it('an unexpected error while processing one object quarantines it with its reason, and the run goes on exact', async () => {
    // Prepare: a format that throws a TypeError on one line of one object (a bug, not bad input)
    const store = memoryCacheStore();
    const buggy: LogFormat<Reading> = {
      name: 'buggy',
      createParser(context) {
        const parseLine = toyFormat.createParser(context);
        return (line, n) => {
          if (line.includes('boom')) throw new TypeError('cannot read properties of undefined');
          return parseLine(line, n);
        };
      },
    };
    const t = Date.UTC(2026, 5, 1, 10);
    const ctx = stepContextFor(toyPipeline, store, { format: buggy, clock: () => new Date(Date.UTC(2026, 5, 3)), keepRaw: false });
    const bad = memoryObject('r/bad.csv', `${t},s,1\n${t},boom,2\n`);
    const good = memoryObject('r/good.csv', `${t},s,5\n${t + 1},s,7\n`);

    // Act
    const outcome = await runPipeline([bad, good], ctx);

    // Assess: the bad object is quarantined with the error named; nothing of it reached the aggregates
    expect(outcome.failed).toEqual([]);
    expect(outcome.quarantined.map((e) => e.error?.code)).toEqual(['processing_failed']);
    const refs = pipelineRefs(toyPipeline.namespaces);
    expect(LedgerEntrySchema.parse(await json(store, refs.ledger(objectId(bad)))).error?.message).toContain('TypeError: cannot read properties of undefined');
    const doc = AggregateDocSchema.parse(await json(store, refs.aggregate('30min', t)));
    expect(toyPipeline.summary.fromJson(doc.summary)).toEqual({ count: 2, sum: 12, max: 7 });
  });
});
