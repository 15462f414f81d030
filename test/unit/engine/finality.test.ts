import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeKey } from '../../../src/core/periods.js';
import { aggregate } from '../../../src/engine/aggregate.js';
import { stepContextFor, type FinalityPolicy } from '../../../src/engine/definition.js';
import { AggregateDocSchema } from '../../../src/engine/documents.js';
import { ingestObject } from '../../../src/engine/ingest.js';
import { objectId, pipelineRefs } from '../../../src/engine/layout.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { readWindow } from '../../../src/engine/windowQueries.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { memoryObject } from '../../helpers/objects.js';
import { toyPipeline } from '../../helpers/toyPipeline.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 5, 1, 10);
const POLICY: FinalityPolicy = { latenessMs: 5 * MINUTE, idleMs: HOUR, skewMs: MINUTE };

/** A toy context whose wall clock the test moves. */
function clocked(store: MemoryCacheStore, start: number, policy: FinalityPolicy = POLICY) {
  let now = start;
  const ctx = stepContextFor(toyPipeline, store, { clock: () => new Date(now), finality: policy, keepRaw: false });
  return { ctx, setNow: (t: number) => void (now = t) };
}

const lines = (times: readonly number[]): string => times.map((t, i) => `${t},s${i % 3},${i}\n`).join('');
/** A window's status as a reader at `now` sees it, stored or answered empty. */
const statusOf = async (store: MemoryCacheStore, period: 'hourly' | '30min', start: number, now: number) => (await readWindow(store, toyPipeline, period, start, { now, finality: POLICY })).status;
const storedStatus = async (store: MemoryCacheStore, period: '30min' | 'hourly', start: number) => {
  const bytes = await store.get(pipelineRefs(toyPipeline.namespaces).aggregate(period, start));
  return bytes && AggregateDocSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8'))).status;
};

describe('engine: finality a user can trust', () => {
  it('an idle source settles once the idle bound has passed, with nothing new ingested', async () => {
    // Prepare: readings from 10:00 to 10:10, ingested at 10:12
    const store = memoryCacheStore();
    const { ctx, setNow } = clocked(store, T0 + 12 * MINUTE);
    await runPipeline([memoryObject('r/a.csv', lines([T0, T0 + 5 * MINUTE, T0 + 10 * MINUTE]))], ctx);
    const before = await storedStatus(store, '30min', T0);

    // Act: the clock passes the idle bound; the aggregate step runs with nothing new
    setNow(T0 + 2 * HOUR + 10 * MINUTE);
    const outcome = await aggregate(ctx, { pending: [] });

    // Assess: the window was partial (newest event 10:10 is before its end) and is final now
    expect(before).toBe('partial');
    expect(await storedStatus(store, '30min', T0)).toBe('final');
    expect(await storedStatus(store, 'hourly', T0)).toBe('final');
    expect(outcome.watermark).toBe(T0 + 2 * HOUR + 10 * MINUTE - POLICY.idleMs - POLICY.latenessMs);
    // And later runs with nothing new rewrite no byte, though the clock has moved on
    const settled = store.snapshot();
    setNow(T0 + 9 * HOUR);
    await aggregate(ctx, { pending: [] });
    expect(store.snapshot()).toEqual(settled);
  });

  it('a line dated beyond now plus the skew is a timestamp_in_future error and changes no window', async () => {
    // Prepare: the same good readings, once alone and once beside a line dated three days ahead
    const good = [T0, T0 + 40 * MINUTE];
    const clean = memoryCacheStore();
    const dirty = memoryCacheStore();
    const now = T0 + 50 * MINUTE;

    // Act
    await runPipeline([memoryObject('r/a.csv', lines(good))], clocked(clean, now).ctx);
    const entry = await ingestObject(memoryObject('r/a.csv', lines([...good, T0 + 3 * 24 * HOUR])), clocked(dirty, now).ctx, { consolidate: true });
    await aggregate(clocked(dirty, now).ctx, { pending: [] });

    // Assess: one error naming the line, and the aggregates equal the clean run's
    expect(entry).toMatchObject({ events: 2, parse_errors: 1 });
    const errors = JSON.parse(Buffer.from((await dirty.get(pipelineRefs(toyPipeline.namespaces).parseErrors(objectId(memoryObject('r/a.csv', '')))))!).toString('utf8'));
    expect(errors.errors[0]).toMatchObject({ line: 3, code: 'timestamp_in_future' });
    const aggregates = (s: MemoryCacheStore) =>
      [...s.snapshot()].filter(([p]) => p.startsWith('sa-toy-aggregate/')).map(([p, b]) => [p, JSON.parse(Buffer.from(b).toString('utf8')).status]);
    expect(aggregates(dirty)).toEqual(aggregates(clean));
    expect(await statusOf(dirty, '30min', T0, now)).toBe('final');
    expect(await statusOf(dirty, '30min', T0 + 30 * MINUTE, now)).toBe('partial');
  });

  it('a stuck object blocks only the windows its key date can reach', async () => {
    // Prepare: objects delivered at 06-01 10h and 06-02 11h are committed; the one of 06-02 10h is stuck
    const store = memoryCacheStore();
    const later = Date.UTC(2026, 5, 5);
    const { ctx } = clocked(store, later);
    const early = memoryObject('r/2026/06/01/10/a.csv', lines([T0 + 5 * MINUTE]));
    const late = memoryObject('r/2026/06/02/11/c.csv', lines([T0 + 24 * HOUR + 40 * MINUTE]));
    const stuck = memoryObject('r/2026/06/02/10/b.csv', lines([T0 + 24 * HOUR]));

    // Act
    for (const o of [early, late]) await ingestObject(o, ctx, { consolidate: true });
    await aggregate(ctx, { pending: [stuck] });

    // Assess: the day before is final; the windows the stuck object can reach are not, stored or empty; later ones are
    expect(await storedStatus(store, '30min', T0)).toBe('final');
    expect(await storedStatus(store, '30min', T0 + 24 * HOUR + 30 * MINUTE)).toBe('partial');
    expect(await statusOf(store, 'hourly', T0 + 24 * HOUR, later)).toBe('partial');
    expect(await statusOf(store, 'hourly', T0 + 24 * HOUR + 6 * HOUR, later)).toBe('final');
    expect(await statusOf(store, 'hourly', T0 + 12 * HOUR, later)).toBe('final');
  });

  it('a backfill in daily chunks ends with the aggregates of one run (objects outside a chunk block what they can reach)', async () => {
    // Objects delivered hourly over three days, each holding readings from up to 20 minutes before its key's hour
    const arbObjects = fc.uniqueArray(
      fc.record({ hour: fc.integer({ min: 0, max: 71 }), offsets: fc.array(fc.integer({ min: -20, max: 59 }), { minLength: 1, maxLength: 5 }) }),
      { minLength: 2, maxLength: 10, selector: (o) => o.hour },
    );
    await fc.assert(
      fc.asyncProperty(arbObjects, async (specs) => {
        const objects = specs.map(({ hour, offsets }) => {
          const delivered = T0 - 10 * HOUR + hour * HOUR;
          const key = `r/${timeKey('hourly', delivered).replace(/-/g, '/')}/o.csv`;
          return memoryObject(key, lines(offsets.map((m) => delivered + m * MINUTE)));
        });
        const now = T0 + 10 * 24 * HOUR;
        const policy = POLICY; // the clock is days on: without blockers, the idle bound would finalise every window of a chunk
        // Prepare: one run over everything
        const single = memoryCacheStore();
        await runPipeline(objects, clocked(single, now, policy).ctx);
        // Act: one run per day of key date, the other days' objects listed outside the bounds
        const chunked = memoryCacheStore();
        const dayOf = (o: { key: string }) => o.key.split('/').slice(1, 4).join('-');
        for (const day of [...new Set(objects.map(dayOf))].sort()) {
          const inside = objects.filter((o) => dayOf(o) === day);
          await runPipeline(inside, clocked(chunked, now, policy).ctx, { outside: objects.filter((o) => dayOf(o) !== day) });
        }
        // Assess: the same aggregates, no late events anywhere
        const aggregates = (s: MemoryCacheStore) =>
          new Map([...s.snapshot()].filter(([p]) => p.startsWith('sa-toy-aggregate/')).map(([p, b]) => [p, { ...JSON.parse(Buffer.from(b).toString('utf8')), computed_at: null }]));
        expect(aggregates(chunked)).toEqual(aggregates(single));
        expect([...chunked.snapshot().keys()].some((p) => p.startsWith('sa-toy-late-events/'))).toBe(false);
      }),
      { numRuns: 25 },
    );
  });
});
