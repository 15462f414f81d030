import type { Period } from '../../core/periods.js';
import type { CacheStore } from '../../sinks/cacheStore.js';
import { AggregateDocSchema, readJson, type AggregateDoc } from '../../pipelines/cloudfront/documents.js';
import { NAMESPACES } from '../../pipelines/cloudfront/layout.js';
import { describeSummary } from '../../core/describeSummary.js';
import { mergeAll, summaryFromJson } from '../../core/summary.js';

/** The stored aggregates of one period, oldest first. */
export async function loadAggregates(store: CacheStore, period: Period): Promise<AggregateDoc[]> {
  const keys = await store.list(NAMESPACES.aggregate, 'json', `${period}/`);
  const docs: AggregateDoc[] = [];
  for (const key of keys) {
    const doc = await readJson(store, { namespace: NAMESPACES.aggregate, key, fileType: 'json' }, AggregateDocSchema);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** Log content can hold terminal control sequences; show them as escapes, never run them. */
export function escapeForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const number = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * A readable table of windows: requests, bytes, status classes, cache hit rate, p95 time
 * taken, the top path and finality; then the top paths over all of them.
 */
export function renderReport(docs: readonly AggregateDoc[], options: { period: Period; top: number; lateEvents?: number }): string {
  if (docs.length === 0) return `No ${options.period} aggregates yet: run \`letsflow run\` first.\n`;
  const header = [options.period, 'status', 'requests', 'bytes', '2xx', '3xx', '4xx', '5xx', 'hit %', 'p95 ms', 'top path'];
  const rows = docs.map((doc) => {
    const view = describeSummary(summaryFromJson(doc.summary));
    const p95 = view.time_taken.p95;
    return [
      doc.time_key,
      doc.status,
      number(view.total_requests),
      formatBytes(view.total_bytes),
      number(view.status_breakdown['2xx']),
      number(view.status_breakdown['3xx']),
      number(view.status_breakdown['4xx']),
      number(view.status_breakdown['5xx']),
      view.cache_hit_rate.toFixed(1),
      p95 === null ? '-' : String(Math.round(p95 * 1000)),
      escapeForTerminal(view.top_paths[0]?.path ?? '-'),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8, 9]);
  const line = (cells: string[]): string =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();

  const total = describeSummary(mergeAll(docs.map((d) => summaryFromJson(d.summary))));
  const final = docs.filter((d) => d.status === 'final').length;
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  out.push(
    `${docs.length} ${options.period} windows (${final} final, ${docs.length - final} partial): ${number(total.total_requests)} requests, ` +
      `${formatBytes(total.total_bytes)}, ${total.cache_hit_rate.toFixed(1)}% cache hits, ~${number(total.unique_agents)} user agents`,
  );
  if (options.lateEvents) out.push(`${number(options.lateEvents)} late events recorded in sa-late-events (not merged into final windows)`);
  out.push('', `Top ${options.top} paths`);
  const top = total.top_paths.slice(0, options.top);
  const pathWidth = Math.max(...top.map((p) => escapeForTerminal(p.path).length), 4);
  for (const p of top) out.push(`  ${escapeForTerminal(p.path).padEnd(pathWidth)}  ${number(p.count).padStart(10)}  ${formatBytes(p.bytes).padStart(9)}`);
  return `${out.join('\n')}\n`;
}
