import { estimateDistinct } from '../../core/distinctSketch.js';
import { meanOf, quantile, type QuantileSketch } from '../../core/quantileSketch.js';
import { emptyTopKeys, mergeTopKeys, topEntries, type TopKeys } from '../../core/topKeys.js';
import { duplicatesRemoved, resolvedTotals, type StorageSummary } from './storageSummary.js';
import type { StatusClass } from './storageTotals.js';

/** How many keys and prefixes a summary's readable view lists. */
export const TOP_KEYS = 20;

/** `t` pruned to its bound, as its stored form holds it. */
const settled = (t: TopKeys): TopKeys => (t.keys.size > t.bound ? mergeTopKeys(t, emptyTopKeys(t.bound)) : t);

const timing = (q: QuantileSketch) => ({ mean: meanOf(q), p50: quantile(q, 0.5), p95: quantile(q, 0.95), p99: quantile(q, 0.99) });
const counts = (t: TopKeys, name: string) => topEntries(settled(t), t.bound).map(([key, { count, bytes }]) => ({ [name]: key, count, bytes }));
const tally = (t: TopKeys): Record<string, number> =>
  Object.fromEntries([...settled(t).keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, { count }]) => [k, count]));

/**
 * The readable figures of a storage summary: totals, breakdowns, top keys and prefixes, time
 * quantiles in milliseconds, and the dedupe account — `removed` duplicates, `exact` when every
 * record was checked, and past the bound the records not checked with an estimate of the
 * duplicates among them (the duplicate rate of the checked sample). Derived, never merged.
 */
export function describeStorage(s: StorageSummary) {
  const t = resolvedTotals(s);
  const byClass = (c: StatusClass): number => t.statusClasses.get(c)?.count ?? 0;
  const removed = duplicatesRemoved(s);
  const checked = t.requests + t.copySources.count + removed - s.unchecked;
  const keys = settled(t.keys);
  const prefixes = settled(t.prefixes);
  return {
    requests: t.requests,
    bytes_sent: t.bytesSent,
    object_bytes: t.objectBytes,
    unique_keys: estimateDistinct(t.distinctKeys),
    unique_requesters: estimateDistinct(t.requesters),
    status_breakdown: { '2xx': byClass('2xx'), '3xx': byClass('3xx'), '4xx': byClass('4xx'), '5xx': byClass('5xx'), other: byClass('1xx') + byClass('other') },
    status_codes: Object.fromEntries([...t.statusCodes.entries()].sort(([a], [b]) => a - b).map(([code, { count }]) => [String(code), count])),
    operations: counts(t.operations, 'operation'),
    error_codes: counts(t.errorCodes, 'error_code'),
    top_keys: topEntries(keys, TOP_KEYS).map(([key, { count, bytes }]) => ({ key, count, bytes })),
    keys_other: { ...keys.other },
    keys_error: keys.error,
    top_prefixes: topEntries(prefixes, TOP_KEYS).map(([prefix, { count, bytes }]) => ({ prefix, count, bytes })),
    total_time_ms: timing(t.totalTime),
    turn_around_time_ms: timing(t.turnAround),
    authentication_types: tally(t.authTypes),
    signature_versions: tally(t.signatureVersions),
    tls_versions: tally(t.tlsVersions),
    copies: t.copies,
    copy_sources: { records: t.copySources.count, bytes: t.copySources.bytes },
    duplicates: {
      removed,
      exact: s.unchecked === 0,
      unchecked_records: s.unchecked,
      estimated_unremoved: s.unchecked === 0 || checked <= 0 ? 0 : Math.round((removed / checked) * s.unchecked),
    },
  };
}

export type StorageView = ReturnType<typeof describeStorage>;
