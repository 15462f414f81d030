import { formatBytes, formatCount } from '../../core/humanize.js';
import type { Period } from '../../core/periods.js';
import { mergeAllOf } from '../../core/summaryKind.js';
import type { PipelineOutputs } from '../../engine/definition.js';
import type { AggregateDoc } from '../../engine/documents.js';
import { storedWindowsIn } from '../../engine/windowQueries.js';
import type { CacheStore } from '../../sinks/cacheStore.js';

/** The stored aggregates of one period, oldest first: the windows with data (empty ones are never stored). */
export async function loadAggregates<S>(store: CacheStore, pipeline: PipelineOutputs<S>, period: Period): Promise<AggregateDoc[]> {
  return storedWindowsIn(store, pipeline, period, -Infinity, Infinity);
}

/** Log content can hold terminal control sequences; show them as escapes, never run them. */
export function escapeForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * A readable table of windows — the pipeline's columns and finality per window — then the
 * total and the top keys over all of them.
 */
export function renderReport<S>(pipeline: PipelineOutputs<S>, docs: readonly AggregateDoc[], options: { period: Period; top: number; lateEvents?: number }): string {
  if (docs.length === 0) return `No ${options.period} aggregates yet: run \`letsflow run\` first.\n`;
  const { columns, total, top } = pipeline.views;
  const summaries = docs.map((d) => pipeline.summary.fromJson(d.summary));
  const header = [options.period, 'status', ...columns.map((c) => c.header)];
  const rows = docs.map((doc, i) => [doc.time_key, doc.status, ...columns.map((c) => escapeForTerminal(c.value(summaries[i]!)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set(columns.flatMap((c, i) => (c.numeric ? [i + 2] : [])));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();

  const merged = mergeAllOf(pipeline.summary, summaries);
  const final = docs.filter((d) => d.status === 'final').length;
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  out.push(`${docs.length} ${options.period} windows (${final} final, ${docs.length - final} partial): ${total(merged)}`);
  if (options.lateEvents) out.push(`${formatCount(options.lateEvents)} late events recorded in ${pipeline.namespaces.late} (not merged into final windows)`);
  if (top) {
    out.push('', `Top ${options.top} ${top.label}`);
    const items = top.items(merged, options.top);
    const keyWidth = Math.max(...items.map((p) => escapeForTerminal(p.key).length), 4);
    for (const p of items) {
      const bytes = p.bytes === undefined ? '' : `  ${formatBytes(p.bytes).padStart(9)}`;
      out.push(`  ${escapeForTerminal(p.key).padEnd(keyWidth)}  ${formatCount(p.count).padStart(10)}${bytes}`);
    }
  }
  return `${out.join('\n')}\n`;
}
