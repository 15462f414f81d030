import { estimateDistinct } from '../../core/distinctSketch.js';
import { quantile } from '../../core/quantileSketch.js';
import { topEntries } from '../../core/topKeys.js';
import type { PipelineViews } from '../../engine/definition.js';
import { formatBytes, formatCount } from '../../core/humanize.js';
import type { TrafficSummary } from './trafficSummary.js';

const byClass = (s: TrafficSummary, c: string): number => s.statusClasses.get(c as never) ?? 0;
const hitRate = (s: TrafficSummary): number => (s.requests === 0 ? 0 : Math.round((s.cacheHits / s.requests) * 10_000) / 100);
/** 1xx and status 000 or out of range (the request never got an answer): with 2xx–5xx they add up to the requests. */
const otherStatus = (s: TrafficSummary): number => byClass(s, '1xx') + byClass(s, 'other');
const p95ms = (s: TrafficSummary): number | null => quantile(s.timeTaken, 0.95);

/** What the CloudFront report and API show of a window: requests, bytes, status classes (adding up to the requests), hits, p95, top paths. */
export const trafficViews: PipelineViews<TrafficSummary> = {
  columns: [
    { header: 'requests', value: (s) => formatCount(s.requests), numeric: true },
    { header: 'bytes', value: (s) => formatBytes(s.bytes), numeric: true },
    ...(['2xx', '3xx', '4xx', '5xx'] as const).map((c) => ({ header: c, value: (s: TrafficSummary) => formatCount(byClass(s, c)), numeric: true })),
    { header: 'other', value: (s) => formatCount(otherStatus(s)), numeric: true },
    { header: 'hit %', value: (s) => hitRate(s).toFixed(1), numeric: true },
    { header: 'p95 ms', value: (s) => (p95ms(s) === null ? '-' : String(Math.round(p95ms(s)!))), numeric: true },
    { header: 'top path', value: (s) => topEntries(s.paths, 1)[0]?.[0] ?? '-' },
  ],
  total: (s) => `${formatCount(s.requests)} requests, ${formatBytes(s.bytes)}, ${hitRate(s).toFixed(1)}% cache hits, ~${formatCount(estimateDistinct(s.userAgents))} user agents`,
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
    };
  },
};
