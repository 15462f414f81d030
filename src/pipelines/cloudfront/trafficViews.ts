import { estimateDistinct } from '../../core/distinctSketch.js';
import { quantile } from '../../core/quantileSketch.js';
import { topEntries, type TopKeys } from '../../core/topKeys.js';
import type { PipelineViews } from '../../engine/definition.js';
import { formatBytes, formatCount } from '../../core/humanize.js';
import { DIMENSIONS } from './trafficDimensions.js';
import type { TrafficSummary } from './trafficSummary.js';

const byClass = (s: TrafficSummary, c: string): number => s.statusClasses.get(c as never) ?? 0;
const hitRate = (s: TrafficSummary): number => (s.requests === 0 ? 0 : Math.round((s.cacheHits / s.requests) * 10_000) / 100);
/** 1xx and status 000 or out of range (the request never got an answer): with 2xx–5xx they add up to the requests. */
const otherStatus = (s: TrafficSummary): number => byClass(s, '1xx') + byClass(s, 'other');
const msCell = (v: number | null): string => (v === null ? '-' : String(Math.round(v)));
const p95ms = (s: TrafficSummary): number | null => quantile(s.timeTaken, 0.95);

const secondsOrNull = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** What the CloudFront report and API show of a window: requests, bytes, status classes (adding up to the requests), hits, p95, top paths. */
export const trafficViews: PipelineViews<TrafficSummary> = {
  columns: [
    { header: 'requests', value: (s) => formatCount(s.requests), numeric: true },
    { header: 'bytes', value: (s) => formatBytes(s.bytes), numeric: true },
    ...(['2xx', '3xx', '4xx', '5xx'] as const).map((c) => ({ header: c, value: (s: TrafficSummary) => formatCount(byClass(s, c)), numeric: true })),
    { header: 'other', value: (s) => formatCount(otherStatus(s)), numeric: true },
    { header: 'hit %', value: (s) => hitRate(s).toFixed(1), numeric: true },
    // '-' where no viewer IP was read (a field list without c-ip), not a count of 0.
    { header: 'visitors', value: (s) => (estimateDistinct(s.visitors) === 0 ? '-' : formatCount(estimateDistinct(s.visitors))), numeric: true },
    { header: 'p95 ms', value: (s) => msCell(p95ms(s)), numeric: true },
    { header: 'p99 ms', value: (s) => msCell(quantile(s.timeTaken, 0.99)), numeric: true },
    { header: 'ttfb p50', value: (s) => msCell(quantile(s.ttfb, 0.5)), numeric: true },
    { header: 'ttfb p99', value: (s) => msCell(quantile(s.ttfb, 0.99)), numeric: true },
    { header: 'top path', value: (s) => topEntries(s.paths, 1)[0]?.[0] ?? '-' },
  ],
  total: (s) => `${formatCount(s.requests)} requests, ${formatBytes(s.bytes)}, ${hitRate(s).toFixed(1)}% cache hits, ~${formatCount(estimateDistinct(s.visitors))} visitors, ~${formatCount(estimateDistinct(s.userAgents))} user agents`,
  top: { label: 'paths', keyName: 'path', items: (s, limit) => topEntries(s.paths, limit).map(([key, { count, bytes }]) => ({ key, count, bytes })) },
  // Seed 001's time-series fields, as the API answered them before there were other pipelines.
  point: (s) => {
    const p95 = p95ms(s);
    return {
      total_requests: s.requests,
      total_bytes: s.bytes,
      status_breakdown: { '2xx': byClass(s, '2xx'), '3xx': byClass(s, '3xx'), '4xx': byClass(s, '4xx'), '5xx': byClass(s, '5xx'), other: otherStatus(s) },
      cache_hit_rate: hitRate(s),
      time_taken_p95: p95 === null ? null : p95 / 1000,
      time_taken_p99: secondsOrNull(quantile(s.timeTaken, 0.99)),
      ttfb_p50: secondsOrNull(quantile(s.ttfb, 0.5)),
      ttfb_p99: secondsOrNull(quantile(s.ttfb, 0.99)),
      unique_visitors: estimateDistinct(s.visitors),
    };
  },
};

/** Every breakdown the API and report answer: paths and edges, then `DIMENSIONS`. */
export const BREAKDOWNS = ['paths', 'edges', ...DIMENSIONS] as const;
export type BreakdownName = (typeof BREAKDOWNS)[number];

/** Short names the report's `--section` takes, beside the breakdowns' own. */
export const SECTION_ALIASES: Readonly<Record<string, BreakdownName>> = {
  '404s': 'paths_404', '4xx': 'paths_4xx', '5xx': 'paths_5xx', referrers: 'referrer_hosts', bots: 'agent_classes',
  tls: 'tls_versions', ciphers: 'tls_ciphers', cache: 'result_types', behaviors: 'cache_behaviors',
};

const tableOf = (s: TrafficSummary, name: BreakdownName): TopKeys => (name === 'paths' ? s.paths : name === 'edges' ? s.edges : s.breakdowns[name]);

/**
 * One breakdown of a (merged) summary: its top `limit` keys by requests, with bytes, what no
 * listed key accounts for (`other`: pruned keys and keys past `limit`), and `error`, the most
 * any listed count may be low (0 while the breakdown is exact). Listed + other = requests counted.
 */
export function trafficBreakdown(s: TrafficSummary, name: BreakdownName, limit: number) {
  const t = tableOf(s, name);
  const top = topEntries(t, limit);
  let count = t.other.count;
  let bytes = t.other.bytes;
  const shown = new Set(top.map(([k]) => k));
  for (const [k, v] of t.keys) {
    if (!shown.has(k)) {
      count += v.count;
      bytes += v.bytes;
    }
  }
  return { dimension: name, items: top.map(([key, v]) => ({ key, count: v.count, bytes: v.bytes })), distinct: t.keys.size, other: { count, bytes }, error: t.error };
}

/** The sections `letsflow report` shows for CloudFront when none are asked for. */
export const DEFAULT_SECTIONS: readonly BreakdownName[] = ['browsers', 'referrer_hosts', 'paths_404'];

/** A `--section` name (a breakdown's own or an alias such as `404s`) as the breakdown it names, or undefined. */
export function breakdownNamed(name: string): BreakdownName | undefined {
  const alias = SECTION_ALIASES[name];
  if (alias !== undefined) return alias;
  return (BREAKDOWNS as readonly string[]).includes(name) ? (name as BreakdownName) : undefined;
}
