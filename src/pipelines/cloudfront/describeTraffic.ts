import { estimateDistinct } from '../../core/distinctSketch.js';
import { meanOf, quantile, QUANTILE_RELATIVE_ACCURACY, type QuantileSketch } from '../../core/quantileSketch.js';
import { emptyTopKeys, mergeTopKeys, topEntries, type TopKeys } from '../../core/topKeys.js';
import { DIMENSIONS } from './trafficDimensions.js';
import type { TrafficSummary } from './trafficSummary.js';

/** How many paths a summary's readable view lists. */
export const TOP_PATHS = 20;
/** How many keys of each breakdown a summary's readable view lists. */
export const TOP_BREAKDOWN = 5;

/**
 * `t` as its stored form holds it: pruned to its bound. Between prunes `addKey` lets the map
 * grow to twice the bound, so without this a document's view (from the in-memory summary) could
 * list more paths than the bound, with no error, beside a stored summary that says otherwise.
 */
const settled = (t: TopKeys): TopKeys => (t.keys.size > t.bound ? mergeTopKeys(t, emptyTopKeys(t.bound)) : t);

/**
 * The readable figures of a traffic summary, in the field names of seed 001's consolidation
 * result: what a person browsing the cache or reading a report wants to see. Derived, never
 * merged. Past the key bound, `paths_other` holds what no listed path accounts for and
 * `paths_error` how far any listed count may be low.
 */
export function describeTraffic(s: TrafficSummary) {
  const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
  const timing = (q: QuantileSketch) => ({
    mean: seconds(meanOf(q)),
    p50: seconds(quantile(q, 0.5)),
    p95: seconds(quantile(q, 0.95)),
    p99: seconds(quantile(q, 0.99)),
  });
  const byClass = (c: string): number => s.statusClasses.get(c as never) ?? 0;
  const paths = settled(s.paths);
  const edges = settled(s.edges);
  return {
    total_requests: s.requests,
    total_bytes: s.bytes,
    unique_paths: paths.keys.size,
    unique_agents: estimateDistinct(s.userAgents),
    unique_edges: edges.keys.size,
    status_breakdown: { '2xx': byClass('2xx'), '3xx': byClass('3xx'), '4xx': byClass('4xx'), '5xx': byClass('5xx'), other: byClass('1xx') + byClass('other') },
    top_paths: topEntries(paths, TOP_PATHS).map(([path, { count, bytes }]) => ({ path, count, bytes })),
    paths_other: { ...paths.other },
    paths_error: paths.error,
    edge_distribution: Object.fromEntries([...edges.keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([edge, { count }]) => [edge, count])),
    cache_hit_rate: s.requests === 0 ? 0 : Math.round((s.cacheHits / s.requests) * 10_000) / 100,
    avg_time_taken: seconds(meanOf(s.timeTaken)),
    avg_ttfb: seconds(meanOf(s.ttfb)),
    time_taken: timing(s.timeTaken),
    ttfb: timing(s.ttfb),
    origin_fbl: timing(s.originFbl),
    origin_lbl: timing(s.originLbl),
    /** Quantiles are within 1% (relative) of a value in the data; distinct counts have a 1.6% standard error. */
    quantile_relative_error: QUANTILE_RELATIVE_ACCURACY,
    unique_visitors: estimateDistinct(s.visitors),
    // The top keys of each breakdown that holds any, as key → requests; `other` and `error` only where not zero.
    breakdowns: Object.fromEntries(
      DIMENSIONS.flatMap((d) => {
        const t = settled(s.breakdowns[d]);
        if (t.keys.size === 0 && t.other.count === 0) return [];
        const top = topEntries(t, TOP_BREAKDOWN);
        const shown = top.reduce((n, [, v]) => n + v.count, 0);
        const total = [...t.keys.values()].reduce((n, v) => n + v.count, t.other.count);
        return [[d, { top: Object.fromEntries(top.map(([key, { count }]) => [key, count])), ...(total > shown && { other: total - shown }), ...(t.error > 0 && { error: t.error }) }]];
      }),
    ),
  };
}

export type TrafficView = ReturnType<typeof describeTraffic>;
