import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeAllOf, summarizeWith } from '../../../src/core/summaryKind.js';
import { emptyTally } from '../../../src/formats/logFormat.js';
import { s3Access } from '../../../src/formats/s3Access.js';
import type { S3AccessEvent } from '../../../src/formats/s3access/event.js';
import { storageSummary, storageSummaryKind } from '../../../src/pipelines/s3access/storageKind.js';
import { duplicatesRemoved, resolvedTotals, type StorageSummary } from '../../../src/pipelines/s3access/storageSummary.js';
import { accessLine, arbAccessRecord, type AccessRecord } from '../../helpers/s3accessLines.js';
import { checkSummaryLaws } from '../../helpers/summaryLaws.js';

const T0 = Date.UTC(2026, 5, 1, 10);
const SLOT = 30 * 60_000;
const format = s3Access({ keepRequester: true });

/** Events as the real parser reads the generated lines. */
function eventsOf(records: readonly AccessRecord[]): S3AccessEvent[] {
  const tally = emptyTally();
  const parse = format.createParser({ object: 'test', tally });
  const events = records.map((r, i) => parse(accessLine(r), i + 1)!);
  expect(tally.errors).toBe(0);
  return events;
}

const json = (s: StorageSummary): string => JSON.stringify(storageSummary.toJson(s));
const idOf = (r: AccessRecord): string => `${r.bucket} ${r.requestId} ${r.operation} ${r.key} ${r.time}`;
const isCopySource = (r: AccessRecord): boolean => r.operation === 'REST.COPY.OBJECT_GET';

/** Distinct records (by the dedupe id), some repeated across objects, objects shuffled: what best-effort delivery gives. */
const arbDelivery = (spanMs: number, maxRecords = 40) =>
  fc
    .uniqueArray(arbAccessRecord(T0, spanMs), { minLength: 1, maxLength: maxRecords, selector: idOf })
    .chain((records) =>
      fc.record({
        records: fc.constant(records),
        // Each record goes to 1–3 objects (its copies), each copy to one of up to 5 objects.
        placements: fc.array(fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 3 }), { minLength: records.length, maxLength: records.length }),
        seed: fc.integer(),
      }),
    )
    .map(({ records, placements, seed }) => {
      const objects: AccessRecord[][] = [[], [], [], [], []];
      records.forEach((r, i) => placements[i]!.forEach((o) => objects[o]!.push(r)));
      return { records, objects: objects.filter((o) => o.length > 0), seed, copies: placements.reduce((n, p) => n + p.length, 0) };
    });

/** The engine's merges: per-object partials of each 30-minute slot, merged per slot, then the slots rolled up. */
function engineLike(objects: readonly AccessRecord[][]): StorageSummary {
  const bySlot = new Map<number, StorageSummary[]>();
  for (const object of objects) {
    const partials = new Map<number, StorageSummary>();
    const add = storageSummary.adder();
    for (const e of eventsOf(object)) {
      const slot = e.timestamp - (e.timestamp % SLOT);
      if (!partials.has(slot)) partials.set(slot, storageSummary.empty());
      add(partials.get(slot)!, e);
    }
    for (const [slot, p] of partials) bySlot.set(slot, [...(bySlot.get(slot) ?? []), p]);
  }
  return mergeAllOf(storageSummary, [...bySlot.values()].map((ps) => mergeAllOf(storageSummary, ps)));
}

const shuffled = <T>(xs: readonly T[], seed: number): T[] => {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

describe('summary kind: s3-access storage', () => {
  it('keeps the monoid laws on one 30-minute slot, duplicates included', async () => {
    // Prepare: lists drawn from a small pool, so the same record often lands in several lists
    const pool = fc.sample(arbAccessRecord(T0, SLOT), { numRuns: 12, seed: 7 });
    const arbEvents = fc.array(fc.constantFrom(...eventsOf(pool)), { maxLength: 15 });
    // Act + Assess
    await checkSummaryLaws(storageSummary, arbEvents, 100);
  });

  it('keeps the monoid laws over many slots (rollups seal: no id repeats across slots)', async () => {
    const arbEvents = fc.array(arbAccessRecord(T0, 4 * 3_600_000), { maxLength: 12 }).map(eventsOf);
    await checkSummaryLaws(storageSummary, arbEvents, 60);
  });

  it('keeps the monoid laws past the dedupe bound (a bound of 3), duplicates included', async () => {
    const kind = storageSummaryKind({ dedupeBound: 3 });
    const pool = fc.sample(arbAccessRecord(T0, SLOT), { numRuns: 10, seed: 11 });
    await checkSummaryLaws(kind, fc.array(fc.constantFrom(...eventsOf(pool)), { maxLength: 12 }), 100);
  });

  it('removes exactly the duplicate records, across objects, in any order and split', () => {
    fc.assert(
      fc.property(arbDelivery(2 * 3_600_000), ({ records, objects, seed, copies }) => {
        // Act: the engine's merge order, and a shuffled order of shuffled objects
        const summary = engineLike(objects);
        const other = engineLike(shuffled(objects.map((o) => shuffled(o, seed)), seed + 1));
        // Assess: the independent count of distinct records
        const t = resolvedTotals(summary);
        const requests = records.filter((r) => !isCopySource(r));
        expect(t.requests).toBe(requests.length);
        expect(t.copySources.count).toBe(records.length - requests.length);
        expect(t.bytesSent).toBe(requests.reduce((n, r) => n + r.bytes, 0));
        expect(t.copies).toBe(records.filter((r) => r.operation === 'REST.COPY.OBJECT').length);
        expect(duplicatesRemoved(summary)).toBe(copies - records.length);
        expect(storageSummary.events(summary)).toBe(copies);
        expect(summary.unchecked).toBe(0);
        expect(json(other)).toBe(json(summary));
      }),
      { numRuns: 80 },
    );
  });

  it('past the bound, is still the same for any order and split, and says how much it could not check', () => {
    const kind = storageSummaryKind({ dedupeBound: 4 });
    fc.assert(
      fc.property(arbDelivery(SLOT, 20), ({ records, objects, seed, copies }) => {
        const summarize = (objs: AccessRecord[][]) => mergeAllOf(kind, objs.map((o) => summarizeWith(kind, eventsOf(o))));
        const a = summarize(objects);
        const b = summarize(shuffled(objects.map((o) => shuffled(o, seed)), seed + 3));
        expect(JSON.stringify(kind.toJson(b))).toBe(JSON.stringify(kind.toJson(a)));
        // Every record is either checked (counted once) or unchecked (counted per copy)
        const t = resolvedTotals(a);
        expect(t.requests + t.copySources.count + duplicatesRemoved(a)).toBe(copies);
        expect(a.tracked.size).toBe(Math.min(4, records.length));
        const view = kind.describe(a) as { duplicates: { exact: boolean; unchecked_records: number } };
        expect(view.duplicates.exact).toBe(records.length <= 4);
        expect(view.duplicates.unchecked_records).toBe(a.unchecked);
      }),
      { numRuns: 60 },
    );
  });

  it('counts a copy once: the copy record is the request, its source record only adds to copy sources', () => {
    // Prepare: a copy's two records sharing a request id (formats.md §3.2), and a byte-identical repeat of the pair
    const base = { time: T0 + 5000, bucket: 'transfers', requestId: '3E57427F3EXAMPLE', key: 'photos/cat one.jpg', error: null, size: 2048, totalMs: 40, turnAroundMs: 12, requester: 'arn:aws:iam::123456789012:user/alice', tls: 'TLSV1.2' };
    const put: AccessRecord = { ...base, operation: 'REST.COPY.OBJECT', status: 200, bytes: 580 };
    const get: AccessRecord = { ...base, operation: 'REST.COPY.OBJECT_GET', status: null, bytes: 0, turnAroundMs: null };
    // Act
    const s = mergeAllOf(storageSummary, [eventsOf([put, get]), eventsOf([get, put])].map((e) => summarizeWith(storageSummary, e)));
    const view = storageSummary.describe(s) as ReturnType<typeof import('../../../src/pipelines/s3access/describeStorage.js').describeStorage>;
    // Assess
    expect(view).toMatchObject({ requests: 1, bytes_sent: 580, copies: 1, copy_sources: { records: 1, bytes: 0 }, duplicates: { removed: 2, exact: true } });
    expect(view.operations).toEqual([{ operation: 'REST.COPY.OBJECT', count: 1, bytes: 580 }]);
    expect(view.tls_versions).toEqual({ 'TLSv1.2': 1 });
    expect(view.top_prefixes).toEqual([{ prefix: 'photos/', count: 1, bytes: 580 }]);
    expect(view.unique_requesters).toBe(1);
    expect(storageSummary.events(s)).toBe(4);
  });

  it('seals on a rollup: figures add, removed duplicates stay removed, no ids are kept', () => {
    const a = eventsOf(fc.sample(arbAccessRecord(T0, SLOT), { numRuns: 5, seed: 1 }));
    const b = eventsOf(fc.sample(arbAccessRecord(T0 + SLOT, SLOT), { numRuns: 5, seed: 2 }));
    const sa = summarizeWith(storageSummary, [...a, a[0]!]);
    const sb = summarizeWith(storageSummary, b);
    const rolled = storageSummary.merge(sa, sb);
    expect(rolled.sealed).toBe(true);
    expect(rolled.tracked.size).toBe(0);
    expect(duplicatesRemoved(rolled)).toBe(1);
    expect(resolvedTotals(rolled).requests + resolvedTotals(rolled).copySources.count).toBe(10);
    expect(storageSummary.fromJson(JSON.parse(json(rolled)))).toEqual(rolled);
  });

  it('reads back only what it wrote, and keeps no requester', () => {
    const s = summarizeWith(storageSummary, eventsOf(fc.sample(arbAccessRecord(T0, SLOT), { numRuns: 20, seed: 3 })));
    const stored = json(s);
    expect(stored).not.toContain('arn:aws');
    expect(stored).not.toContain('svc:');
    const doc = JSON.parse(stored) as { bound: number; tracked: Record<string, unknown> };
    expect(() => storageSummary.fromJson({ ...doc, bound: 1 })).toThrow(/exceed the bound/);
    expect(() => storageSummary.fromJson({ ...doc, extra: 1 })).toThrow();
    expect(() => storageSummaryKind({ dedupeBound: 0 })).toThrow(RangeError);
  });
});
