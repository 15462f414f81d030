import { describe, expect, it } from 'vitest';
import { addKey } from '../../../src/core/topKeys.js';
import type { AggregateDoc } from '../../../src/engine/documents.js';
import { cloudfrontPipeline } from '../../../src/pipelines/cloudfront/definition.js';
import { emptySummary, type StatusClass, type TrafficSummary } from '../../../src/pipelines/cloudfront/trafficSummary.js';
import { escapeForTerminal, MAX_CELL_CHARS, renderReport } from '../../../src/runtime/cli/report.js';

const summaryOf = (classes: Partial<Record<StatusClass, number>>, path = '/index.html'): TrafficSummary => {
  const s = emptySummary();
  for (const [c, n] of Object.entries(classes) as [StatusClass, number][]) {
    s.statusClasses.set(c, n);
    s.requests += n;
    addKey(s.paths, path, n, 100 * n);
    s.bytes += 100 * n;
  }
  return s;
};

const docOf = (timeKey: string, s: TrafficSummary): AggregateDoc => ({
  period: 'hourly',
  time_key: timeKey,
  status: 'final',
  computed_at: '2026-01-02T00:00:00.000Z',
  period_start: '2026-01-01T10:00:00.000Z',
  period_end: '2026-01-01T11:00:00.000Z',
  source_count: 1,
  sources: ['x'],
  sources_final: true,
  summary: cloudfrontPipeline.summary.toJson(s),
});

/** The report's table rows, split into cells by the two-space column gap. */
const tableRows = (report: string): string[][] =>
  report
    .split('\n\n')[0]!
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));

describe('runtime: report', () => {
  it.each([
    ['\\u202e', '\u202e'],
    ['\\u202a', '\u202a'],
    ['\\u2066', '\u2066'],
    ['\\u2069', '\u2069'],
    ['\\u200e', '\u200e'],
    ['\\u200f', '\u200f'],
    ['\\u061c', '\u061c'],
    ['\\u2028', '\u2028'],
    ['\\u2029', '\u2029'],
    ['\\x1b', '\u001b'],
    ['\\x9b', '\u009b'],
  ])('escapes the control as %s', (escaped, control) => {
    expect(escapeForTerminal(`a${control}b`)).toBe(`a${escaped}b`);
  });

  it('leaves ordinary non-ASCII text alone', () => {
    expect(escapeForTerminal('/café/日本/😀')).toBe('/café/日本/😀');
  });

  it('cuts a long path to a bounded cell with an ellipsis, in the table and in the top list', () => {
    // Prepare: one path of 60 KB in 14 windows
    const long = `/${'a'.repeat(60_000)}`;
    const docs = Array.from({ length: 14 }, (_, i) => docOf(`2026-01-01-${String(i).padStart(2, '0')}`, summaryOf({ '2xx': 1 }, long)));
    // Act
    const report = renderReport(cloudfrontPipeline, docs, { period: 'hourly', top: 5 });
    // Assess
    expect(report.length).toBeLessThan(14 * 300 + 2_000);
    for (const line of report.split('\n')) expect(line.length).toBeLessThan(MAX_CELL_CHARS + 200);
    expect(report).toContain(`${'a'.repeat(20)}…`);
  });

  it('never cuts an escape in half', () => {
    const path = `/${'\u202e'.repeat(100)}`;
    const docs = [docOf('2026-01-01-10', summaryOf({ '2xx': 1 }, path))];
    const report = renderReport(cloudfrontPipeline, docs, { period: 'hourly', top: 1 });
    expect(report).not.toContain('\u202e');
    expect(report).toMatch(/(\\u202e)+…/);
    for (const cell of tableRows(report)[2]!) expect(cell.length).toBeLessThanOrEqual(MAX_CELL_CHARS);
  });

  it('shows status classes that add up to the requests, 1xx and 000 in other', () => {
    // Prepare: 2xx–5xx, 1xx and status 000 (other)
    const docs = [docOf('2026-01-01-10', summaryOf({ '1xx': 1, '2xx': 5, '3xx': 4, '4xx': 3, '5xx': 2, other: 7 }))];
    // Act
    const [header, , row] = tableRows(renderReport(cloudfrontPipeline, docs, { period: 'hourly', top: 1 }));
    // Assess
    const cell = (name: string): number => Number(row![header!.indexOf(name)]);
    expect(header).toContain('other');
    expect(cell('2xx') + cell('3xx') + cell('4xx') + cell('5xx') + cell('other')).toBe(cell('requests'));
    expect(cell('other')).toBe(8);
  });
});
