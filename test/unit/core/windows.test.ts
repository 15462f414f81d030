import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowEnd, windowStart, type Period } from '../../../src/core/periods.js';
import { RollupState } from '../../../src/core/rollupState.js';
import { summarizeWith, type SummaryKind } from '../../../src/core/summaryKind.js';
import { TumblingWindows } from '../../../src/core/tumblingWindows.js';
import type { WindowResult } from '../../../src/core/windowResult.js';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import { summaryToJson, type TrafficSummary } from '../../../src/pipelines/cloudfront/trafficSummary.js';
import { arbEvent, event, BASE_TIME } from '../../helpers/factories.js';

const HOUR = 3_600_000;
type Traffic = WindowResult<TrafficSummary>;
const json = (w: Traffic) => JSON.stringify(summaryToJson(w.summary));
const summarize = (events: Iterable<CloudFrontEvent>): TrafficSummary => summarizeWith(trafficSummary, events);

function runWindows(events: readonly CloudFrontEvent[], lateness: number): Traffic[] {
  const windows = new TumblingWindows(trafficSummary, '30min', lateness);
  const rollup = new RollupState(trafficSummary);
  const out: Traffic[] = [];
  const feed = (ws: Traffic[]): void => {
    for (const w of ws) out.push(w, ...rollup.add(w));
  };
  feed(windows.add(events).emitted);
  feed(windows.flush());
  out.push(...rollup.flush());
  return out;
}

describe('core: tumbling windows and rollup', () => {
  it('hourly, daily and monthly by rollup equal direct aggregation of the same events', () => {
    fc.assert(
      fc.property(fc.array(arbEvent(40 * 86_400_000), { minLength: 1, maxLength: 150 }), (events) => {
        const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
        const results = runWindows(sorted, 0);
        for (const w of results) {
          const direct = summarize(sorted.filter((e) => e.timestamp >= w.start && e.timestamp < windowEnd(w.period, w.start)));
          expect(JSON.stringify(summaryToJson(direct))).toBe(json(w));
        }
        for (const period of ['hourly', 'daily', 'monthly'] as Period[]) {
          const starts = new Set(sorted.map((e) => windowStart(period, e.timestamp)));
          for (const s of starts) expect(results.some((w) => w.period === period && w.start === s)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('emits each window once, with no gaps, final before partial', () => {
    fc.assert(
      fc.property(fc.array(arbEvent(3 * 86_400_000), { minLength: 1, maxLength: 80 }), (events) => {
        const thirty = runWindows([...events].sort((a, b) => a.timestamp - b.timestamp), HOUR).filter((w) => w.period === '30min');
        for (let i = 1; i < thirty.length; i++) expect(thirty[i]!.start).toBe(windowEnd('30min', thirty[i - 1]!.start));
        const firstPartial = thirty.findIndex((w) => w.status === 'partial');
        if (firstPartial >= 0) expect(thirty.slice(firstPartial).every((w) => w.status === 'partial')).toBe(true);
      }),
    );
  });

  it('returns an event for a window already final as late and never merges it', () => {
    // Prepare
    const windows = new TumblingWindows(trafficSummary, '30min', 0);
    windows.add([event({ timestamp: BASE_TIME + 10 * 60_000 }), event({ timestamp: BASE_TIME + 2 * HOUR })]);
    // Act
    const { emitted, late } = windows.add([event({ timestamp: BASE_TIME + 5 * 60_000 })]);
    // Assess
    expect(late).toHaveLength(1);
    expect(emitted).toHaveLength(0);
    expect(windows.flush().reduce((n, w) => n + w.summary.requests, 0)).toBe(1);
  });

  it('windows and rolls up any summary kind, not only traffic', () => {
    // A kind that only counts events and sums a value: the windows know nothing of CloudFront.
    const sum: SummaryKind<{ timestamp: number; v: number }, { n: number; v: number }> = {
      name: 'sum', empty: () => ({ n: 0, v: 0 }), adder: () => (s, e) => { s.n++; s.v += e.v; },
      merge: (a, b) => ({ n: a.n + b.n, v: a.v + b.v }), toJson: (s) => s, fromJson: (j) => j as { n: number; v: number },
      describe: (s) => ({ ...s }), events: (s) => s.n,
    };
    fc.assert(
      fc.property(fc.array(fc.record({ timestamp: fc.integer({ min: BASE_TIME, max: BASE_TIME + 3 * 86_400_000 }), v: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 60 }), (events) => {
        const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
        const windows = new TumblingWindows(sum, '30min', 0);
        const rollup = new RollupState(sum);
        const out: WindowResult<{ n: number; v: number }>[] = [];
        for (const w of [...windows.add(sorted).emitted, ...windows.flush()]) out.push(w, ...rollup.add(w));
        out.push(...rollup.flush());
        for (const w of out) {
          const inside = sorted.filter((e) => e.timestamp >= w.start && e.timestamp < windowEnd(w.period, w.start));
          expect(w.summary).toEqual({ n: inside.length, v: inside.reduce((t, e) => t + e.v, 0) });
        }
        expect(out.filter((w) => w.period === 'daily').reduce((t, w) => t + w.summary.n, 0)).toBe(events.length);
      }),
      { numRuns: 50 },
    );
  });

  it('makes a parent final only when all its children are', () => {
    const results = runWindows([event({ timestamp: BASE_TIME + 10 * 60_000 }), event({ timestamp: BASE_TIME + 50 * 60_000 })], 0);
    const hour = results.find((w) => w.period === 'hourly')!;
    expect(results.filter((w) => w.period === '30min').map((w) => w.status)).toEqual(['final', 'partial']);
    expect(hour.status).toBe('partial');
    expect(hour.summary.requests).toBe(2);
  });
});
