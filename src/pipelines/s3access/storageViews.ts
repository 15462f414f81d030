import { formatBytes, formatCount } from '../../core/humanize.js';
import { quantile } from '../../core/quantileSketch.js';
import { topEntries } from '../../core/topKeys.js';
import type { PipelineViews } from '../../engine/definition.js';
import { duplicatesRemoved, resolvedTotals, type StorageSummary } from './storageSummary.js';
import type { StatusClass } from './storageTotals.js';

const byClass = (s: StorageSummary, c: StatusClass): number => resolvedTotals(s).statusClasses.get(c)?.count ?? 0;
const p95ms = (s: StorageSummary): number | null => quantile(resolvedTotals(s).totalTime, 0.95);
const topError = (s: StorageSummary): string => topEntries(resolvedTotals(s).errorCodes, 1)[0]?.[0] ?? '-';

/** What the S3 access report and API show of a window: requests, bytes out, 4xx, 5xx, the top error code, p95 total time, the top key. */
export const storageViews: PipelineViews<StorageSummary> = {
  columns: [
    { header: 'requests', value: (s) => formatCount(resolvedTotals(s).requests), numeric: true },
    { header: 'bytes out', value: (s) => formatBytes(resolvedTotals(s).bytesSent), numeric: true },
    { header: '4xx', value: (s) => formatCount(byClass(s, '4xx')), numeric: true },
    { header: '5xx', value: (s) => formatCount(byClass(s, '5xx')), numeric: true },
    { header: 'top error', value: topError },
    { header: 'p95 ms', value: (s) => (p95ms(s) === null ? '-' : String(Math.round(p95ms(s)!))), numeric: true },
    { header: 'top key', value: (s) => topEntries(resolvedTotals(s).keys, 1)[0]?.[0] ?? '-' },
  ],
  total: (s) => {
    const t = resolvedTotals(s);
    return `${formatCount(t.requests)} requests, ${formatBytes(t.bytesSent)} out, ${formatCount(byClass(s, '4xx'))} 4xx, ${formatCount(byClass(s, '5xx'))} 5xx, ${formatCount(t.copies)} copies, ${formatCount(duplicatesRemoved(s))} duplicates removed`;
  },
  top: { label: 'keys', keyName: 'key', items: (s, limit) => topEntries(resolvedTotals(s).keys, limit).map(([key, { count, bytes }]) => ({ key, count, bytes })) },
  point: (s) => {
    const t = resolvedTotals(s);
    const p95 = p95ms(s);
    return {
      requests: t.requests,
      bytes_sent: t.bytesSent,
      status_breakdown: { '2xx': byClass(s, '2xx'), '3xx': byClass(s, '3xx'), '4xx': byClass(s, '4xx'), '5xx': byClass(s, '5xx'), other: byClass(s, '1xx') + byClass(s, 'other') },
      top_error_code: topError(s) === '-' ? null : topError(s),
      total_time_p95_ms: p95,
      duplicates_removed: duplicatesRemoved(s),
    };
  },
};
