import { z } from 'zod';
import { distinctCode } from '../../core/distinctSketch.js';
import type { S3AccessEvent } from '../../formats/s3access/event.js';
import { recordIdOf, slotOf, storageRecordFromJson, storageRecordOf, storageRecordToJson, type StorageRecord } from './storageRecord.js';
import { emptyTotals, foldRecord, mergeTotals, totalsFromJson, totalsToJson, type StorageTotals } from './storageTotals.js';

/**
 * The mergeable summary of a set of S3 server access-log records, with delivery duplicates
 * removed. S3 delivers access logs best effort and repeats whole records (formats.md §3.2), so
 * a record is identified by `(bucket, request_id, operation, key, time)` (`recordIdOf`) and
 * counted once however many objects bring it — within the bound below.
 *
 * **The dedupe rule.** A record id holds its time, so its repeats all fall in one 30-minute
 * slot (the engine's finest window). A summary is either *open* — its ids all in one slot — or
 * *sealed*. An open summary keeps, in `tracked`, the `bound` (default 1,000) smallest record
 * ids it has seen, each with its record and its number of `copies`; a tracked record counts
 * once, and its extra copies are duplicates removed. Every other record is folded into
 * `totals` once per copy (no dedupe) and counted in `unchecked`. Which ids are tracked is a
 * function of the set of ids (the bound smallest), so an open summary is an exact function of
 * the multiset of records it was given: any order, any split, any grouping of merges gives the
 * same summary. Past the bound, dedupe holds for a uniform hash sample of `bound` ids of the
 * slot, and the summary says so (`unchecked` > 0; `describe` shows the estimated duplicates it
 * could not remove).
 * Merging summaries of different slots (a rollup of windows) seals the result: each side's
 * tracked records are folded once, their removed copies counted in `removed`, and the ids
 * dropped — no id can repeat across slots, so nothing is lost. A sealed summary folds
 * whatever it is given without dedupe.
 *
 * **Laws.** `merge` is commutative with `empty()` as identity. It is exactly associative
 * (modulo the `TopKeys` bounds, as for every bounded kind) on the merges the engine makes: of
 * summaries of one slot (a window's per-object partials) and of summaries of disjoint slots
 * (rollups). It is not when records of a slot arrive after a summary holding that slot was
 * sealed by a merge with another slot: those are not de-duplicated against the sealed ones.
 * The engine never merges so (a 30-minute window is recomputed from all its partials;
 * parents only from whole children). `events` counts every record received, duplicates and
 * copy sources included, so it adds under merge whatever was removed.
 */
export interface StorageSummary {
  /** Most ids an open summary tracks; at least 1. */
  readonly bound: number;
  /** Records counted as many times as they came: untracked ones, and all of a sealed summary's. */
  totals: StorageTotals;
  /** The tracked records by id, each counted once. Empty once sealed. */
  tracked: Map<string, TrackedRecord>;
  /** The 30-minute slot of the tracked records, `null` while none are tracked. */
  slot: number | null;
  /** Whether records of several slots were merged: it tracks no more ids. */
  sealed: boolean;
  /** Duplicates removed by tracked records that were since folded (when sealing). */
  removed: number;
  /** Records folded without a dedupe check, past the bound (one per copy). */
  unchecked: number;
}

export interface TrackedRecord {
  readonly record: StorageRecord;
  copies: number;
}

/**
 * Record ids an open summary de-duplicates exactly. A 30-minute window of most buckets has
 * fewer distinct records; each tracked record costs ~200 bytes of JSON, so a window's summary
 * stays under ~250 KB. Only 30-minute windows and their partials hold ids: rollups are sealed.
 */
export const DEFAULT_DEDUPE_BOUND = 1000;

export function emptyStorageSummary(bound = DEFAULT_DEDUPE_BOUND): StorageSummary {
  if (!Number.isSafeInteger(bound) || bound < 1) throw new RangeError(`dedupe bound must be a positive integer, got ${bound}`);
  return { bound, totals: emptyTotals(), tracked: new Map(), slot: null, sealed: false, removed: 0, unchecked: 0 };
}

/** Bound on the requester-code memo of one adder: past it the memo starts over (it is only a cache). */
export const MAX_REQUESTER_MEMO = 10_000;

/** The largest tracked id of each open summary, cached: full summaries compare each new id with it. Never stored. */
const largestIds = new WeakMap<StorageSummary, string>();
/** The totals with tracked records folded in, cached for views; an adder drops a summary's entry when it changes it. */
const resolvedCache = new WeakMap<StorageSummary, StorageTotals>();

const largestOf = (s: StorageSummary): string => {
  let largest = largestIds.get(s);
  if (largest === undefined) {
    for (const id of s.tracked.keys()) if (largest === undefined || id > largest) largest = id;
    largestIds.set(s, largest!);
  }
  return largest!;
};

/** A deterministic choice between two records of one id (equal unless the id's fields agree and the rest differ). */
const pick = (a: StorageRecord, b: StorageRecord): StorageRecord => {
  if (a === b) return a;
  const ja = JSON.stringify(storageRecordToJson(a));
  const jb = JSON.stringify(storageRecordToJson(b));
  return ja <= jb ? a : b;
};

/** Folds every tracked record once into the totals, in place: the summary is sealed. */
function seal(s: StorageSummary): void {
  for (const t of s.tracked.values()) {
    foldRecord(s.totals, t.record);
    s.removed += t.copies - 1;
  }
  s.tracked.clear();
  s.slot = null;
  s.sealed = true;
  largestIds.delete(s);
}

/**
 * An adder of access-log events to storage summaries: adding an event is merging a summary of
 * that one record (so a list summarised at once equals the merge of its parts' summaries).
 * Keeps a bounded memo of requester sketch codes, so a requester seen again costs no hash.
 */
export function storageAdder(): (s: StorageSummary, event: S3AccessEvent) => void {
  const requesterCodes = new Map<string, number>();
  const requesterCode = (requester: string): number => {
    let code = requesterCodes.get(requester);
    if (code === undefined) {
      code = distinctCode(requester);
      if (requesterCodes.size >= MAX_REQUESTER_MEMO) requesterCodes.clear();
      requesterCodes.set(requester, code);
    }
    return code;
  };
  return (s, event) => {
    resolvedCache.delete(s);
    const record = storageRecordOf(event, requesterCode);
    const slot = slotOf(event.timestamp);
    if (!s.sealed && s.slot !== null && s.slot !== slot) seal(s);
    if (s.sealed) {
      foldRecord(s.totals, record);
      return;
    }
    const id = recordIdOf(event);
    const tracked = s.tracked.get(id);
    if (tracked) {
      tracked.copies++;
      // Mutating in place: `record` is fresh, so the chosen one is a value either way.
      if (pick(tracked.record, record) !== tracked.record) (tracked as { record: StorageRecord }).record = record;
      return;
    }
    s.slot = slot;
    if (s.tracked.size < s.bound) {
      s.tracked.set(id, { record, copies: 1 });
      const largest = largestIds.get(s);
      if (largest !== undefined && id > largest) largestIds.set(s, id);
      return;
    }
    const largest = largestOf(s);
    if (id > largest) {
      foldRecord(s.totals, record);
      s.unchecked++;
      return;
    }
    const evicted = s.tracked.get(largest)!;
    s.tracked.delete(largest);
    foldRecord(s.totals, evicted.record, evicted.copies);
    s.unchecked += evicted.copies;
    s.tracked.set(id, { record, copies: 1 });
    largestIds.delete(s);
  };
}

/** The merge described on `StorageSummary`; inputs are not modified. */
export function mergeStorageSummaries(a: StorageSummary, b: StorageSummary): StorageSummary {
  const bound = Math.min(a.bound, b.bound);
  const out: StorageSummary = {
    bound,
    totals: mergeTotals(a.totals, b.totals),
    tracked: new Map(),
    slot: a.slot ?? b.slot,
    sealed: false,
    removed: a.removed + b.removed,
    unchecked: a.unchecked + b.unchecked,
  };
  for (const side of [a, b]) {
    for (const [id, t] of side.tracked) {
      const held = out.tracked.get(id);
      if (held) out.tracked.set(id, { record: pick(held.record, t.record), copies: held.copies + t.copies });
      else out.tracked.set(id, { record: t.record, copies: t.copies });
    }
  }
  if (a.sealed || b.sealed || (a.slot !== null && b.slot !== null && a.slot !== b.slot)) {
    seal(out);
    return out;
  }
  if (out.tracked.size > bound) {
    const ids = [...out.tracked.keys()].sort();
    for (const id of ids.slice(bound)) {
      const t = out.tracked.get(id)!;
      out.tracked.delete(id);
      foldRecord(out.totals, t.record, t.copies);
      out.unchecked += t.copies;
    }
  }
  if (out.tracked.size === 0) out.slot = null;
  return out;
}

/** The summary's figures: its totals with each tracked record folded in once. Cached per summary; do not modify. */
export function resolvedTotals(s: StorageSummary): StorageTotals {
  let resolved = resolvedCache.get(s);
  if (resolved === undefined) {
    resolved = mergeTotals(s.totals, emptyTotals());
    for (const t of s.tracked.values()) foldRecord(resolved, t.record);
    resolvedCache.set(s, resolved);
  }
  return resolved;
}

/** Duplicates removed: by tracked records' extra copies and by those already folded. */
export function duplicatesRemoved(s: StorageSummary): number {
  let removed = s.removed;
  for (const t of s.tracked.values()) removed += t.copies - 1;
  return removed;
}

/** Every record received: requests, copy sources and duplicates removed. */
export function recordsReceived(s: StorageSummary): number {
  const t = resolvedTotals(s);
  return t.requests + t.copySources.count + duplicatesRemoved(s);
}

/** The stored form: keys in alphabetical order, tracked records by id, so equal summaries serialise to equal bytes. */
export function storageSummaryToJson(s: StorageSummary) {
  const ids = [...s.tracked.keys()].sort();
  return {
    bound: s.bound,
    removed: s.removed,
    sealed: s.sealed,
    slot: s.slot,
    totals: totalsToJson(s.totals),
    tracked: Object.fromEntries(ids.map((id) => {
      const t = s.tracked.get(id)!;
      return [id, { copies: t.copies, record: storageRecordToJson(t.record) }];
    })),
    unchecked: s.unchecked,
  };
}

const nat = z.number().int().nonnegative();
export const StorageSummaryJsonSchema = z
  .object({
    bound: z.number().int().positive(),
    removed: nat,
    sealed: z.boolean(),
    slot: z.number().int().nullable(),
    totals: z.unknown(),
    tracked: z.record(z.string().regex(/^[A-Za-z0-9_-]{16}$/), z.object({ copies: z.number().int().positive(), record: z.unknown() }).strict()),
    unchecked: nat,
  })
  .strict()
  .superRefine((j, ctx) => {
    const n = Object.keys(j.tracked).length;
    if (n > j.bound) ctx.addIssue({ code: 'custom', path: ['tracked'], message: `${n} tracked records exceed the bound of ${j.bound}` });
    if ((n > 0) !== (j.slot !== null)) ctx.addIssue({ code: 'custom', path: ['slot'], message: 'a slot is set exactly when records are tracked' });
    if (j.sealed && n > 0) ctx.addIssue({ code: 'custom', path: ['tracked'], message: 'a sealed summary tracks no records' });
  });

/** Reads the stored form back; throws on a document `storageSummaryToJson` could not have written. */
export function storageSummaryFromJson(json: unknown): StorageSummary {
  const j = StorageSummaryJsonSchema.parse(json);
  return {
    bound: j.bound,
    totals: totalsFromJson(j.totals),
    tracked: new Map(Object.entries(j.tracked).map(([id, t]) => [id, { record: storageRecordFromJson(t.record), copies: t.copies }])),
    slot: j.slot,
    sealed: j.sealed,
    removed: j.removed,
    unchecked: j.unchecked,
  };
}
