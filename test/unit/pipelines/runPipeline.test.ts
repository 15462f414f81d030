import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowEnd, type Period } from '../../../src/core/periods.js';
import { summarizeWith } from '../../../src/core/summaryKind.js';
import { aggregate } from '../../../src/engine/aggregate.js';
import { AggregateDocSchema } from '../../../src/engine/documents.js';
import { ingestObject } from '../../../src/engine/ingest.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { windowsIn } from '../../../src/engine/windowQueries.js';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { cloudfrontPipeline } from '../../../src/pipelines/cloudfront/definition.js';
import { NAMESPACES } from '../../../src/pipelines/cloudfront/namespaces.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import { summaryFromJson, summaryToJson } from '../../../src/pipelines/cloudfront/trafficSummary.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import type { SourceObject } from '../../../src/sources/sourceObject.js';
import { arbEvent, BASE_TIME, cloudfrontContext, event, testFinality } from '../../helpers/factories.js';
import { realtimeObject, sgraph27Event } from '../../helpers/objects.js';

const LATENESS = 15 * 60_000;

function ctx(store: MemoryCacheStore, keepRaw = false) {
  return cloudfrontContext(store, { keepRaw, finality: testFinality({ latenessMs: LATENESS }) });
}

/** Objects of 1–30 events spread over three days; events need not be in time order within an object. */
const arbObjects = fc
  .array(fc.array(arbEvent(3 * 86_400_000), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 8 })
  .map((groups) => groups.map((events, i) => ({ events, object: realtimeObject(`logs/obj-${i}.gz`, events) })));

const aggregates = (store: MemoryCacheStore): Map<string, string> =>
  new Map(
    [...store.snapshot()]
      .filter(([path]) => path.startsWith(`${NAMESPACES.aggregate}/`))
      .map(([path, bytes]) => [path, Buffer.from(bytes).toString('utf8')]),
  );

describe('pipeline: cloudfront LETS steps', () => {
  it('processing the same objects twice leaves the cache byte-identical', async () => {
    await fc.assert(
      fc.asyncProperty(arbObjects, fc.boolean(), async (objects, keepRaw) => {
        // Prepare
        const store = memoryCacheStore();
        await runPipeline(objects.map((o) => o.object), ctx(store, keepRaw));
        const first = store.snapshot();
        // Act: a duplicate delivery of every object re-ingests it from scratch, then everything runs again
        for (const { object } of objects) await ingestObject(object, ctx(store, keepRaw), { consolidate: true });
        await aggregate(ctx(store, keepRaw), { pending: [] });
        await runPipeline(objects.map((o) => o.object), ctx(store, keepRaw));
        // Assess
        expect(store.snapshot()).toEqual(first);
      }),
      { numRuns: 25 },
    );
  });

  it('any order and any split of the objects across runs gives identical aggregates', async () => {
    await fc.assert(
      fc.asyncProperty(arbObjects, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), async (objects, keys, runs) => {
        // Prepare: a clean single run
        const clean = memoryCacheStore();
        await runPipeline(objects.map((o) => o.object), ctx(clean));
        // Act: another order, over several runs; objects not yet done are pending, so nothing settles early
        const order = objects.map((o, i) => ({ o: o.object, k: keys[i]! })).sort((a, b) => a.k - b.k).map((x) => x.o);
        const store = memoryCacheStore();
        const chunk = Math.ceil(order.length / runs);
        for (let i = 0; i < order.length; i += chunk) {
          for (const object of order.slice(i, i + chunk)) await ingestObject(object, ctx(store), { consolidate: true });
          await aggregate(ctx(store), { pending: order.slice(i + chunk) });
        }
        // Assess
        expect(aggregates(store)).toEqual(aggregates(clean));
      }),
      { numRuns: 25 },
    );
  });

  it('never rewrites a final window and never makes it partial again', async () => {
    await fc.assert(
      fc.asyncProperty(arbObjects, async (objects) => {
        const store = memoryCacheStore();
        const arrived: SourceObject[] = [];
        let finals = new Map<string, string>();
        for (const { object } of objects) {
          // Act: objects arrive one at a time; each run sees what has arrived so far
          arrived.push(object);
          await runPipeline(arrived, ctx(store));
          // Assess
          const now = aggregates(store);
          for (const [path, text] of finals) expect(now.get(path)).toBe(text);
          finals = new Map([...now].filter(([, text]) => AggregateDocSchema.parse(JSON.parse(text)).status === 'final'));
        }
      }),
      { numRuns: 25 },
    );
  });

  it('records events that reach a final window as late, and merges none of them', async () => {
    // Prepare: an object far ahead settles the early windows
    const store = memoryCacheStore();
    const early = realtimeObject('early.gz', [event({ timestamp: BASE_TIME + 60_000 })]);
    const ahead = realtimeObject('ahead.gz', [event({ timestamp: BASE_TIME + 5 * 3_600_000 })]);
    const late = realtimeObject('late.gz', [event({ timestamp: BASE_TIME + 120_000 }), event({ timestamp: BASE_TIME + 180_000 })]);
    await runPipeline([early, ahead], ctx(store));
    // Act
    const outcome = await runPipeline([early, ahead, late], ctx(store));
    // Assess
    expect(outcome.aggregate.lateEvents).toBe(2);
    const window = AggregateDocSchema.parse(JSON.parse(Buffer.from((await store.get({ namespace: NAMESPACES.aggregate, key: '30min/2026-02-14-0000', fileType: 'json' }))!).toString()));
    expect(window.total_requests).toBe(1);
    expect(await store.list(NAMESPACES.late, 'json')).toEqual(['30min/2026-02-14-0000']);
  });

  it('aggregates equal direct aggregation of all events, in every period, when nothing is late', async () => {
    await fc.assert(
      fc.asyncProperty(arbObjects, async (objects) => {
        const store = memoryCacheStore();
        await runPipeline(objects.map((o) => o.object), ctx(store));
        const events: CloudFrontEvent[] = objects.flatMap((o) => o.events.map(sgraph27Event));
        for (const [path, text] of aggregates(store)) {
          const doc = AggregateDocSchema.parse(JSON.parse(text));
          const start = Date.parse(doc.period_start);
          const direct = summarizeWith(trafficSummary, events.filter((e) => e.timestamp >= start && e.timestamp < windowEnd(doc.period as Period, start)));
          expect(JSON.stringify(summaryToJson(summaryFromJson(doc.summary))), path).toBe(JSON.stringify(summaryToJson(direct)));
        }
      }),
      { numRuns: 20 },
    );
  });

  it('makes the windows before the newest event minus lateness final, the rest partial, and stores only windows with data', async () => {
    // Prepare
    const store = memoryCacheStore();
    const object = realtimeObject('a.gz', [event({ timestamp: BASE_TIME + 60_000 }), event({ timestamp: BASE_TIME + 3 * 3_600_000 })]);
    // Act
    const outcome = await runPipeline([object], ctx(store));
    // Assess: windows 00:00 … 03:00; the watermark 02:45 settles those ending by then
    expect(outcome.aggregate.watermark).toBe(BASE_TIME + 3 * 3_600_000 - LATENESS);
    const thirty = [...aggregates(store)].filter(([p]) => p.includes('/30min/')).map(([, t]) => AggregateDocSchema.parse(JSON.parse(t)));
    expect(thirty.map((d) => [d.time_key, d.status, d.total_requests])).toEqual([
      ['2026-02-14-0000', 'final', 1],
      ['2026-02-14-0300', 'partial', 1],
    ]);
    // The empty windows between are not stored, yet read as empty with the finality their time implies
    const { finality, clock } = ctx(store);
    const all = await windowsIn(store, cloudfrontPipeline, '30min', BASE_TIME, BASE_TIME + 3 * 3_600_000, { finality, now: clock().getTime() });
    expect(all.map((w) => w.status)).toEqual(['final', 'final', 'final', 'final', 'final', 'partial', 'partial']);
    expect(all.map((w) => w.stored)).toEqual([true, false, false, false, false, false, true]);
    expect(all.map((w) => w.summary.requests)).toEqual([1, 0, 0, 0, 0, 0, 1]);
  });
});
