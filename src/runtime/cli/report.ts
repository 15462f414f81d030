import { ConfigError } from '../../core/errors.js';
import { formatBytes, formatCount } from '../../core/humanize.js';
import { parseTimeKey, windowStart, type Period } from '../../core/periods.js';
import { mergeAllOf } from '../../core/summaryKind.js';
import type { PipelineOutputs } from '../../engine/definition.js';
import type { AggregateDoc } from '../../engine/documents.js';
import { storedWindowsIn } from '../../engine/windowQueries.js';
import { estimateDistinct } from '../../core/distinctSketch.js';
import { quantile, QUANTILE_RELATIVE_ACCURACY } from '../../core/quantileSketch.js';
import type { TrafficSummary } from '../../pipelines/cloudfront/trafficSummary.js';
import { BREAKDOWNS, breakdownNamed, DEFAULT_SECTIONS, SECTION_ALIASES, trafficBreakdown, type BreakdownName } from '../../pipelines/cloudfront/trafficViews.js';
import type { CacheStore } from '../../sinks/cacheStore.js';

/**
 * The stored aggregates of one period whose windows start in [from, to] (epoch ms, either
 * absent for no bound), oldest first: the windows with data (empty ones are never stored).
 */
export async function loadAggregates<S>(store: CacheStore, pipeline: PipelineOutputs<S>, period: Period, range: { from?: number; to?: number } = {}): Promise<AggregateDoc[]> {
  return storedWindowsIn(store, pipeline, period, range.from ?? -Infinity, range.to ?? Infinity);
}

/**
 * The start of the `period` window a `--from`/`--to` value names: a time key of the period
 * (`2026-04-20`, `2026-04-20-14`) or an ISO date or time (UTC unless it has an offset), whose window
 * it falls in. Throws a ConfigError naming the flag otherwise.
 */
export function reportBound(flag: 'from' | 'to', value: string, period: Period): number {
  const key = parseTimeKey(period, value);
  if (key !== undefined) return key;
  // A date alone is UTC midnight; a time without an offset is read as UTC too (Date.parse would take local time).
  const zoned = /^\d{4}-\d{2}-\d{2}$/.test(value) || /(z|[+-]\d{2}:?\d{2})$/i.test(value);
  const iso = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(zoned ? value : `${value}Z`) : Number.NaN;
  if (!Number.isFinite(iso)) throw new ConfigError(`--${flag} must be a ${period} time key or an ISO date or time (got '${value}')`);
  return windowStart(period, iso);
}

/** The breakdowns `--section` names, in the order given; throws a ConfigError naming the valid ones. */
export function reportSections(names: readonly string[]): BreakdownName[] {
  return names.map((name) => {
    const section = breakdownNamed(name.trim());
    if (section === undefined) {
      throw new ConfigError(`--section '${name}' is not a section: use ${[...Object.keys(SECTION_ALIASES), ...BREAKDOWNS].join(', ')}`);
    }
    return section;
  });
}

/** The readable titles of the sections. */
const SECTION_TITLES: Partial<Record<BreakdownName, string>> = {
  paths_404: 'not-found paths (404)', paths_4xx: 'client-error paths (4xx)', paths_5xx: 'server-error paths (5xx)', referrer_hosts: 'referring sites',
  referrer_urls: 'referrer URLs', agent_classes: 'bots and humans', os: 'operating systems', tls_versions: 'TLS versions', tls_ciphers: 'TLS ciphers',
  result_types: 'edge result types', response_result_types: 'edge response result types', detailed_result_types: 'edge detailed result types',
  cache_behaviors: 'cache behaviours', protocol_versions: 'HTTP versions', content_types: 'content types',
};

/** Whether a pipeline's summaries are CloudFront traffic summaries, which have breakdowns to show. */
const isTraffic = (pipeline: PipelineOutputs<unknown>): boolean => pipeline.summary.name === 'cloudfront-traffic';

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
export function renderReport<S>(
  pipeline: PipelineOutputs<S>,
  docs: readonly AggregateDoc[],
  options: { period: Period; top: number; lateEvents?: number; sections?: readonly BreakdownName[] },
): string {
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
  if (isTraffic(pipeline as PipelineOutputs<unknown>)) out.push(...trafficSections(merged as TrafficSummary, options.sections ?? DEFAULT_SECTIONS, options.top));
  return `${out.join('\n')}\n`;
}

/**
 * The visitor and latency lines and the breakdown sections of a merged traffic summary: each its
 * top keys with requests, share and bytes, then `other` (pruned keys and keys past the top), so
 * the rows add up to the requests the breakdown counted, and the error bound when not exact.
 */
function trafficSections(s: TrafficSummary, sections: readonly BreakdownName[], top: number): string[] {
  const ms = (q: number | null): string => (q === null ? '-' : `${Math.round(q)} ms`);
  const out = [
    '',
    s.requests > 0 && estimateDistinct(s.visitors) === 0
      ? 'Unique visitors: not counted (these logs carry no viewer IP: add c-ip to the real-time field list)'
      : `Unique visitors ~${formatCount(estimateDistinct(s.visitors))} (distinct viewer IP + user agent, HyperLogLog ±1.6%)`,
    `Time taken p50/p95/p99 ${ms(quantile(s.timeTaken, 0.5))} / ${ms(quantile(s.timeTaken, 0.95))} / ${ms(quantile(s.timeTaken, 0.99))}; ` +
      `TTFB ${ms(quantile(s.ttfb, 0.5))} / ${ms(quantile(s.ttfb, 0.95))} / ${ms(quantile(s.ttfb, 0.99))}` +
      (s.originFbl.count > 0 ? `; origin first byte ${ms(quantile(s.originFbl, 0.5))} / ${ms(quantile(s.originFbl, 0.95))} / ${ms(quantile(s.originFbl, 0.99))}` : '') +
      ` (each within ${QUANTILE_RELATIVE_ACCURACY * 100}%)`,
  ];
  for (const name of sections) {
    const b = trafficBreakdown(s, name, top);
    const counted = b.items.reduce((n, i) => n + i.count, 0) + b.other.count;
    out.push('', `Top ${top} ${SECTION_TITLES[name] ?? name.replaceAll('_', ' ')}${b.error > 0 ? ` (each count may be up to ${formatCount(b.error)} low)` : ''}`);
    if (counted === 0) {
      out.push('  (none in these windows)');
      continue;
    }
    const rows = [...b.items.map((i) => ({ ...i, key: terminalCell(i.key) })), ...(b.other.count > 0 ? [{ key: 'other', ...b.other }] : [])];
    const keyWidth = Math.max(...rows.map((r) => r.key.length), 4);
    for (const r of rows) {
      const share = `${((r.count / counted) * 100).toFixed(1)}%`;
      out.push(`  ${r.key.padEnd(keyWidth)}  ${formatCount(r.count).padStart(10)}  ${share.padStart(6)}  ${formatBytes(r.bytes).padStart(9)}`);
    }
  }
  return out;
}

/**
 * The report as JSON: the stored window documents of the range, whole, and the readable
 * figures of their merge (`total`), for scripts. Summaries are merged, never their views.
 */
export function reportJson<S>(pipeline: PipelineOutputs<S>, docs: readonly AggregateDoc[], options: { period: Period; lateEvents?: number }): string {
  const merged = mergeAllOf(pipeline.summary, docs.map((d) => pipeline.summary.fromJson(d.summary)));
  return `${JSON.stringify({ pipeline: pipeline.name, period: options.period, windows: docs, total: pipeline.summary.describe(merged), late_events: options.lateEvents ?? 0 }, null, 2)}\n`;
}
