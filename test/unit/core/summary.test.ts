import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateDistinct } from '../../../src/core/distinctSketch.js';
import { addQuantile, emptyQuantiles, quantile, QUANTILE_RELATIVE_ACCURACY, quantileBucket } from '../../../src/core/quantileSketch.js';
import { mergeAllOf, summarizeWith } from '../../../src/core/summaryKind.js';
import { emptyTopKeys } from '../../../src/core/topKeys.js';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { describeTraffic } from '../../../src/pipelines/cloudfront/describeTraffic.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import {
  emptySummary, mergeSummaries, summaryFromJson, summaryToJson, trafficAdder, type TrafficSummary,
} from '../../../src/pipelines/cloudfront/trafficSummary.js';
import { arbEvent, event } from '../../helpers/factories.js';

const json = (s: TrafficSummary): string => JSON.stringify(summaryToJson(s));
const summarize = (events: Iterable<CloudFrontEvent>): TrafficSummary => summarizeWith(trafficSummary, events);
// arbEvent draws from six paths and three edges, far below the key bound: per-key stats stay exact, so the laws hold exactly.
const arbSummary = fc.array(arbEvent(), { maxLength: 40 }).map(summarize);

/** A summary whose per-path and per-edge stats keep at most `bound` keys, so merges prune. */
const summarizeBounded = (events: readonly CloudFrontEvent[], bound: number): TrafficSummary => {
  const s: TrafficSummary = { ...emptySummary(), paths: emptyTopKeys(bound), edges: emptyTopKeys(bound) };
  const add = trafficAdder();
  for (const e of events) add(s, e);
  return s;
};

describe('core: summary', () => {
  it('merge is associative', () => {
    fc.assert(fc.property(arbSummary, arbSummary, arbSummary, (a, b, c) => {
      expect(json(mergeSummaries(mergeSummaries(a, b), c))).toBe(json(mergeSummaries(a, mergeSummaries(b, c))));
    }));
  });

  it('merge is associative within the key bound past it: exact totals, every path and edge within its error', () => {
    // A bound of 2 against six paths and three edges: merges prune, so groupings may differ in estimates only.
    const arbEvents = fc.array(arbEvent(), { maxLength: 30 });
    fc.assert(fc.property(arbEvents, arbEvents, arbEvents, (ea, eb, ec) => {
      const [a, b, c] = [ea, eb, ec].map((e) => summarizeBounded(e, 2)) as [TrafficSummary, TrafficSummary, TrafficSummary];
      const all = [...ea, ...eb, ...ec];
      const left = mergeSummaries(mergeSummaries(a, b), c);
      const right = mergeSummaries(a, mergeSummaries(b, c));
      const exactParts = (s: TrafficSummary) => {
        const { paths: _p, edges: _e, ...rest } = summaryToJson(s);
        return JSON.stringify(rest);
      };
      expect(exactParts(left)).toBe(exactParts(right));
      const truePaths = new Map<string, { count: number; bytes: number }>();
      const trueEdges = new Map<string, number>();
      for (const e of all) {
        const p = truePaths.get(e.cs_uri_stem!) ?? { count: 0, bytes: 0 };
        truePaths.set(e.cs_uri_stem!, { count: p.count + 1, bytes: p.bytes + (e.sc_bytes ?? 0) });
        trueEdges.set(e.x_edge_location!, (trueEdges.get(e.x_edge_location!) ?? 0) + 1);
      }
      for (const s of [left, right]) {
        expect(s.requests).toBe(all.length);
        const sum = (t: TrafficSummary['paths']) => [...t.keys.values()].reduce((acc, k) => ({ count: acc.count + k.count, bytes: acc.bytes + k.bytes }), { ...t.other });
        expect(sum(s.paths)).toEqual({ count: all.length, bytes: all.reduce((n, e) => n + (e.sc_bytes ?? 0), 0) });
        expect(sum(s.edges).count).toBe(all.length);
        expect(s.paths.keys.size).toBeLessThanOrEqual(2);
        expect(s.edges.keys.size).toBeLessThanOrEqual(2);
        for (const [path, truth] of truePaths) {
          const est = s.paths.keys.get(path) ?? { count: 0, bytes: 0 };
          expect(est.count).toBeLessThanOrEqual(truth.count);
          expect(truth.count).toBeLessThanOrEqual(est.count + s.paths.error);
          expect(est.bytes).toBeLessThanOrEqual(truth.bytes);
        }
        for (const [edge, truth] of trueEdges) {
          const est = s.edges.keys.get(edge)?.count ?? 0;
          expect(est).toBeLessThanOrEqual(truth);
          expect(truth).toBeLessThanOrEqual(est + s.edges.error);
        }
      }
    }));
  });

  it('merge is commutative', () => {
    fc.assert(fc.property(arbSummary, arbSummary, (a, b) => {
      expect(json(mergeSummaries(a, b))).toBe(json(mergeSummaries(b, a)));
    }));
  });

  it('has the empty summary as identity', () => {
    fc.assert(fc.property(arbSummary, (a) => {
      expect(json(mergeSummaries(a, emptySummary()))).toBe(json(a));
      expect(json(mergeSummaries(emptySummary(), a))).toBe(json(a));
    }));
  });

  it('summarising a split list and merging equals summarising the whole list', () => {
    fc.assert(fc.property(fc.array(arbEvent(), { maxLength: 60 }), fc.nat(), (events, cut) => {
      const at = events.length === 0 ? 0 : cut % events.length;
      expect(json(mergeSummaries(summarize(events.slice(0, at)), summarize(events.slice(at))))).toBe(json(summarize(events)));
    }));
  });

  it('round-trips through its JSON form', () => {
    fc.assert(fc.property(arbSummary, (a) => {
      expect(json(summaryFromJson(JSON.parse(json(a))))).toBe(json(a));
    }));
  });

  it('counts requests, bytes, statuses, paths, edges and hits exactly', () => {
    // Prepare
    const events = [
      event({ sc_status: 200, sc_bytes: 100, cs_uri_stem: '/a', x_edge_result_type: 'Hit' }),
      event({ sc_status: 404, sc_bytes: 50, cs_uri_stem: '/a', x_edge_result_type: 'Miss', x_edge_location: 'SEA19-C2' }),
      event({ sc_status: 0, sc_bytes: null, cs_uri_stem: '/b', x_edge_result_type: 'RefreshHit' }),
    ];
    // Act
    const view = describeTraffic(summarize(events));
    // Assess
    expect(view.total_requests).toBe(3);
    expect(view.total_bytes).toBe(150);
    expect(view.status_breakdown).toEqual({ '2xx': 1, '3xx': 0, '4xx': 1, '5xx': 0, other: 1 });
    expect(view.top_paths).toEqual([{ path: '/a', count: 2, bytes: 150 }, { path: '/b', count: 1, bytes: 0 }]);
    expect(view.paths_other).toEqual({ count: 0, bytes: 0 });
    expect(view.paths_error).toBe(0);
    expect(view.edge_distribution).toEqual({ 'LHR61-P1': 2, 'SEA19-C2': 1 });
    expect(view.cache_hit_rate).toBe(66.67);
  });

  it('past the key bound keeps totals exact in its view, the heavy path on top, and the view of its stored form', () => {
    // 1,500 one-off paths (a crawler) and one hot path: more distinct paths than the bound of 1,000.
    const events = [
      ...Array.from({ length: 1500 }, (_, i) => event({ cs_uri_stem: `/crawl/${i}`, sc_bytes: 10 })),
      ...Array.from({ length: 600 }, () => event({ cs_uri_stem: '/hot', sc_bytes: 100 })),
    ];
    const s = summarize(events);
    const view = describeTraffic(s);
    expect(view.total_requests).toBe(2100);
    expect(view.top_paths[0]).toMatchObject({ path: '/hot' });
    expect(view.top_paths[0]!.count).toBeLessThanOrEqual(600);
    expect(view.top_paths[0]!.count + view.paths_error).toBeGreaterThanOrEqual(600);
    expect(view.unique_paths).toBeLessThanOrEqual(1000);
    expect(view.paths_error).toBeGreaterThan(0);
    const stored = summaryFromJson(JSON.parse(json(s)));
    const tracked = [...stored.paths.keys.values()].reduce((t, k) => ({ count: t.count + k.count, bytes: t.bytes + k.bytes }), { count: 0, bytes: 0 });
    expect({ count: tracked.count + view.paths_other.count, bytes: tracked.bytes + view.paths_other.bytes }).toEqual({ count: 2100, bytes: 1500 * 10 + 600 * 100 });
    // A stored window document carries the view next to the summary: they must agree.
    expect(describeTraffic(stored)).toEqual(view);
  });

  it('keeps a path named __proto__ as data', () => {
    const s = summarize([event({ cs_uri_stem: '__proto__' })]);
    const back = summaryFromJson(JSON.parse(json(s)));
    expect(back.paths.keys.get('__proto__')).toEqual({ count: 1, bytes: 1000 });
  });

  it('estimates distinct user agents within 5% and exactly for a few', () => {
    const few = summarize(['a', 'b', 'c', 'a'].map((ua) => event({ cs_user_agent: ua })));
    expect(estimateDistinct(few.userAgents)).toBe(3);
    const many = mergeAllOf(trafficSummary, Array.from({ length: 20 }, (_, k) => summarize(Array.from({ length: 1000 }, (_, i) => event({ cs_user_agent: `agent-${k * 1000 + i}` })))));
    expect(Math.abs(estimateDistinct(many.userAgents) - 20_000) / 20_000).toBeLessThan(0.05);
  });

  it('reports time-taken quantiles within 1% of the true value', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) * 7);
    const view = describeTraffic(summarize(values.map((ms) => event({ time_taken: ms / 1000 }))));
    const trueP95 = values[Math.floor(0.95 * 999)]! / 1000;
    expect(Math.abs(view.time_taken.p95! - trueP95) / trueP95).toBeLessThanOrEqual(0.01);
    expect(view.avg_time_taken).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 1000 / 1000, 6);
  });
});

describe('core: quantile buckets', () => {
  it('put every whole millisecond in a bucket whose representative is within 1% of it, table or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), (ms) => {
        const sketch = emptyQuantiles();
        addQuantile(sketch, ms);
        expect(Math.abs(quantile(sketch, 0.5)! - ms) / ms).toBeLessThanOrEqual(QUANTILE_RELATIVE_ACCURACY + 1e-9);
      }),
      { numRuns: 2000 },
    );
    expect(quantileBucket(0)).toBe(0);
  });
});
