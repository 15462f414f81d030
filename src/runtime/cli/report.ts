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

/** The most characters a report cell or top key shows, escapes and the ellipsis included; longer ones are cut. */
export const MAX_CELL_CHARS = 80;

/**
 * C0 and C1 controls, and the characters that reorder or break lines on a terminal without
 * being controls: bidi embeddings, overrides and isolates, the directional marks, the Arabic
 * letter mark (Trojan Source, CVE-2021-42574) and the line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** Log content can hold terminal control sequences and bidi controls; show them as escapes, never run them. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, escapeChar);
}

/**
 * Text escaped for the terminal and cut to `max` UTF-16 units with an ellipsis. It is cut
 * between whole characters and whole escapes, and only as much of the text is escaped as is
 * shown, so a key of 60 KB costs no more than a short one.
 */
function terminalCell(text: string, max = MAX_CELL_CHARS): string {
  const pieces: string[] = [];
  let length = 0;
  for (const c of text) {
    const shown = escapeForTerminal(c);
    if (length + shown.length > max) {
      // Drop whole pieces until the ellipsis fits, so no escape is shown in half.
      while (length + 1 > max) length -= pieces.pop()!.length;
      return `${pieces.join('')}…`;
    }
    pieces.push(shown);
    length += shown.length;
  }
  return pieces.join('');
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
  const rows = docs.map((doc, i) => [doc.time_key, doc.status, ...columns.map((c) => terminalCell(c.value(summaries[i]!)))]);
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
    const keys = items.map((p) => terminalCell(p.key));
    const keyWidth = Math.max(...keys.map((k) => k.length), 4);
    for (const [i, p] of items.entries()) {
      const bytes = p.bytes === undefined ? '' : `  ${formatBytes(p.bytes).padStart(9)}`;
      out.push(`  ${keys[i]!.padEnd(keyWidth)}  ${formatCount(p.count).padStart(10)}${bytes}`);
    }
  }
  return `${out.join('\n')}\n`;
}
