import { z } from 'zod';
import {
  addDistinctCode, distinctCode, distinctFromJson, distinctToJson, emptyDistinct, mergeDistinct, type DistinctSketch,
} from '../../core/distinctSketch.js';
import { emptyQuantiles, mergeQuantiles, quantileBucket, quantilesFromJson, quantilesToJson, type QuantileSketch } from '../../core/quantileSketch.js';
import {
  addKey, DEFAULT_KEY_BOUND, emptyTopKeys, mergeTopKeys, topKeysFromJson, topKeysToJson, type KeyStats, type TopKeys,
} from '../../core/topKeys.js';
import { isCopy, isCopySource, type StorageRecord } from './storageRecord.js';

/**
 * The figures of a set of access-log records, every record counted as many times as it was
 * folded in: the mergeable part of a storage summary (`StorageSummary` decides what is folded
 * once and what is not). Counts and sums are exact; per-key figures are bounded Misra–Gries
 * summaries (`TopKeys`: exact up to their bound, then each key low by at most `error`, totals
 * exact); distinct keys and requesters are HyperLogLog (±1.6%); times are quantile sketches
 * (±1% relative). Its size is bounded whatever the input.
 *
 * The two records of a copy (formats.md §3.2) count as one copy: the copy itself
 * (`REST.COPY.OBJECT`, `REST.COPY.PART`) is a request like any other and adds to `copies`; its
 * source side (`…_GET`) is no request — it adds only to `copySources` (records and bytes), so
 * requests, operations, statuses and bytes sent are not doubled.
 */
export interface StorageTotals {
  /** Records that are requests: all but the source sides of copies. */
  requests: number;
  bytesSent: number;
  /** Sum of the logged object sizes (records with one). */
  objectBytes: number;
  /** Requests (`count`) and bytes sent per operation (`REST.GET.OBJECT`, …). */
  operations: TopKeys;
  statusClasses: Map<StatusClass, KeyStats>;
  /** Per HTTP status (0–999 by the event schema, so bounded by it); requests without one are only in `other`. */
  statusCodes: Map<number, KeyStats>;
  /** Requests and bytes per S3 error code; requests without one are not listed. */
  errorCodes: TopKeys;
  /** Requests and bytes per object key (`-` for none). */
  keys: TopKeys;
  /** Requests and bytes per key prefix: the key's first path segment with its `/`, `(top level)` for a key without one. */
  prefixes: TopKeys;
  distinctKeys: DistinctSketch;
  /** Distinct requesters, from their sketch codes: only when the format kept requesters. */
  requesters: DistinctSketch;
  /** Milliseconds the request was in flight (server side). */
  totalTime: QuantileSketch;
  /** Milliseconds S3 spent processing it. */
  turnAround: QuantileSketch;
  /** Requests per authentication type, signature version and TLS version (`-` for none, so each adds up to `requests`). */
  authTypes: TopKeys;
  signatureVersions: TopKeys;
  tlsVersions: TopKeys;
  /** Copies (counted by their copy record, `REST.COPY.OBJECT` / `REST.COPY.PART`). */
  copies: number;
  /** The source sides of copies: not requests, their records and bytes counted here only. */
  copySources: KeyStats;
}

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** Bounds of the small breakdowns: S3 has a few dozen operations and error codes, and a handful of auth, signature and TLS values. */
export const OPERATION_BOUND = 256;
export const ERROR_CODE_BOUND = 256;
export const PREFIX_BOUND = 256;
export const BREAKDOWN_BOUND = 32;
export const TOP_LEVEL = '(top level)';

export function emptyTotals(): StorageTotals {
  return {
    requests: 0,
    bytesSent: 0,
    objectBytes: 0,
    operations: emptyTopKeys(OPERATION_BOUND),
    statusClasses: new Map(),
    statusCodes: new Map(),
    errorCodes: emptyTopKeys(ERROR_CODE_BOUND),
    keys: emptyTopKeys(DEFAULT_KEY_BOUND),
    prefixes: emptyTopKeys(PREFIX_BOUND),
    distinctKeys: emptyDistinct(),
    requesters: emptyDistinct(),
    totalTime: emptyQuantiles(),
    turnAround: emptyQuantiles(),
    authTypes: emptyTopKeys(BREAKDOWN_BOUND),
    signatureVersions: emptyTopKeys(BREAKDOWN_BOUND),
    tlsVersions: emptyTopKeys(BREAKDOWN_BOUND),
    copies: 0,
    copySources: { count: 0, bytes: 0 },
  };
}

export function statusClassOf(status: number | null): StatusClass {
  if (status === null || status < 100 || status > 599) return 'other';
  return STATUS_CLASSES[Math.floor(status / 100) - 1]!;
}

/** `photos/2026/a.jpg` → `photos/`; `a.jpg` → `(top level)`; no key → `-`. */
export function prefixOf(key: string | null): string {
  if (key === null) return '-';
  const slash = key.indexOf('/');
  return slash < 0 ? TOP_LEVEL : key.slice(0, slash + 1);
}

const addStats = <K>(map: Map<K, KeyStats>, key: K, count: number, bytes: number): void => {
  const s = map.get(key);
  if (s) {
    s.count += count;
    s.bytes += bytes;
  } else {
    map.set(key, { count, bytes });
  }
};

const addQuantileTimes = (q: QuantileSketch, ms: number, times: number): void => {
  const bucket = quantileBucket(ms);
  q.count += times;
  q.sum += ms * times;
  q.buckets.set(bucket, (q.buckets.get(bucket) ?? 0) + times);
};

/** Adds `times` copies of a record to `t`, in place. */
export function foldRecord(t: StorageTotals, r: StorageRecord, times = 1): void {
  const bytes = r.bytes * times;
  if (isCopySource(r.operation)) {
    t.copySources.count += times;
    t.copySources.bytes += bytes;
    return;
  }
  t.requests += times;
  t.bytesSent += bytes;
  if (r.size !== null) t.objectBytes += r.size * times;
  addKey(t.operations, r.operation ?? '-', times, bytes);
  addStats(t.statusClasses, statusClassOf(r.status), times, bytes);
  if (r.status !== null) addStats(t.statusCodes, r.status, times, bytes);
  if (r.error !== null) addKey(t.errorCodes, r.error, times, bytes);
  addKey(t.keys, r.key ?? '-', times, bytes);
  addKey(t.prefixes, prefixOf(r.key), times, bytes);
  if (r.key !== null) addDistinctCode(t.distinctKeys, distinctCode(r.key));
  if (r.requester !== null) addDistinctCode(t.requesters, r.requester);
  if (r.totalMs !== null) addQuantileTimes(t.totalTime, r.totalMs, times);
  if (r.turnAroundMs !== null) addQuantileTimes(t.turnAround, r.turnAroundMs, times);
  addKey(t.authTypes, r.auth ?? '-', times);
  addKey(t.signatureVersions, r.signature ?? '-', times);
  addKey(t.tlsVersions, r.tls ?? '-', times);
  if (isCopy(r.operation)) t.copies += times;
}

const mergeStats = <K>(a: Map<K, KeyStats>, b: Map<K, KeyStats>): Map<K, KeyStats> => {
  const out = new Map<K, KeyStats>();
  for (const [k, s] of a) out.set(k, { count: s.count, bytes: s.bytes });
  for (const [k, s] of b) addStats(out, k, s.count, s.bytes);
  return out;
};

/** Adds two totals; commutative, `emptyTotals()` its identity, associative exactly below the key bounds. Inputs are not modified. */
export function mergeTotals(a: StorageTotals, b: StorageTotals): StorageTotals {
  return {
    requests: a.requests + b.requests,
    bytesSent: a.bytesSent + b.bytesSent,
    objectBytes: a.objectBytes + b.objectBytes,
    operations: mergeTopKeys(a.operations, b.operations),
    statusClasses: mergeStats(a.statusClasses, b.statusClasses),
    statusCodes: mergeStats(a.statusCodes, b.statusCodes),
    errorCodes: mergeTopKeys(a.errorCodes, b.errorCodes),
    keys: mergeTopKeys(a.keys, b.keys),
    prefixes: mergeTopKeys(a.prefixes, b.prefixes),
    distinctKeys: mergeDistinct(a.distinctKeys, b.distinctKeys),
    requesters: mergeDistinct(a.requesters, b.requesters),
    totalTime: mergeQuantiles(a.totalTime, b.totalTime),
    turnAround: mergeQuantiles(a.turnAround, b.turnAround),
    authTypes: mergeTopKeys(a.authTypes, b.authTypes),
    signatureVersions: mergeTopKeys(a.signatureVersions, b.signatureVersions),
    tlsVersions: mergeTopKeys(a.tlsVersions, b.tlsVersions),
    copies: a.copies + b.copies,
    copySources: { count: a.copySources.count + b.copySources.count, bytes: a.copySources.bytes + b.copySources.bytes },
  };
}

const statsJson = (s: KeyStats) => ({ bytes: s.bytes, count: s.count });

/** The stored form: keys in alphabetical order, maps sorted, so equal totals serialise to equal bytes. */
export function totalsToJson(t: StorageTotals) {
  return {
    auth_types: topKeysToJson(t.authTypes),
    bytes_sent: t.bytesSent,
    copies: t.copies,
    copy_sources: statsJson(t.copySources),
    distinct_keys: distinctToJson(t.distinctKeys),
    error_codes: topKeysToJson(t.errorCodes),
    keys: topKeysToJson(t.keys),
    object_bytes: t.objectBytes,
    operations: topKeysToJson(t.operations),
    prefixes: topKeysToJson(t.prefixes),
    requesters: distinctToJson(t.requesters),
    requests: t.requests,
    signature_versions: topKeysToJson(t.signatureVersions),
    status_classes: Object.fromEntries(STATUS_CLASSES.filter((c) => t.statusClasses.has(c)).map((c) => [c, statsJson(t.statusClasses.get(c)!)])),
    status_codes: Object.fromEntries([...t.statusCodes.entries()].sort(([x], [y]) => x - y).map(([k, s]) => [String(k), statsJson(s)])),
    tls_versions: topKeysToJson(t.tlsVersions),
    total_time_ms: quantilesToJson(t.totalTime),
    turn_around_ms: quantilesToJson(t.turnAround),
  };
}

const nat = z.number().int().nonnegative();
const statsSchema = z.object({ bytes: nat, count: nat }).strict();
const quantilesSchema = z.object({ count: nat, sum: z.number().nonnegative(), buckets: z.record(z.string().regex(/^\d+$/), nat) }).strict();
const sketchSchema = z.union([z.array(z.number().int()), z.string()]);

export const StorageTotalsJsonSchema = z
  .object({
    auth_types: z.unknown(),
    bytes_sent: nat,
    copies: nat,
    copy_sources: statsSchema,
    distinct_keys: sketchSchema,
    error_codes: z.unknown(),
    keys: z.unknown(),
    object_bytes: nat,
    operations: z.unknown(),
    prefixes: z.unknown(),
    requesters: sketchSchema,
    requests: nat,
    signature_versions: z.unknown(),
    status_classes: z.partialRecord(z.enum(STATUS_CLASSES), statsSchema),
    status_codes: z.record(z.string().regex(/^\d{1,3}$/), statsSchema),
    tls_versions: z.unknown(),
    total_time_ms: quantilesSchema,
    turn_around_ms: quantilesSchema,
  })
  .strict();

/** Reads the stored form back; throws on a document `totalsToJson` could not have written. */
export function totalsFromJson(json: unknown): StorageTotals {
  const j = StorageTotalsJsonSchema.parse(json);
  return {
    requests: j.requests,
    bytesSent: j.bytes_sent,
    objectBytes: j.object_bytes,
    operations: topKeysFromJson(j.operations),
    statusClasses: new Map(STATUS_CLASSES.filter((c) => j.status_classes[c] !== undefined).map((c) => [c, { ...j.status_classes[c]! }])),
    statusCodes: new Map(Object.entries(j.status_codes).map(([k, s]) => [Number(k), { count: s.count, bytes: s.bytes }])),
    errorCodes: topKeysFromJson(j.error_codes),
    keys: topKeysFromJson(j.keys),
    prefixes: topKeysFromJson(j.prefixes),
    distinctKeys: distinctFromJson(j.distinct_keys),
    requesters: distinctFromJson(j.requesters),
    totalTime: quantilesFromJson(j.total_time_ms),
    turnAround: quantilesFromJson(j.turn_around_ms),
    authTypes: topKeysFromJson(j.auth_types),
    signatureVersions: topKeysFromJson(j.signature_versions),
    tlsVersions: topKeysFromJson(j.tls_versions),
    copies: j.copies,
    copySources: { count: j.copy_sources.count, bytes: j.copy_sources.bytes },
  };
}
