import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateDistinct } from '../../../src/core/distinctSketch.js';
import { addQuantile, emptyQuantiles, quantile, QUANTILE_RELATIVE_ACCURACY, quantileBucket } from '../../../src/core/quantileSketch.js';
import { describeSummary } from '../../../src/core/describeSummary.js';
import {
  emptySummary, mergeAll, mergeSummaries, summarize, summaryFromJson, summaryToJson, type Summary,
} from '../../../src/core/summary.js';
import { arbEvent, event } from '../../helpers/factories.js';

const json = (s: Summary): string => JSON.stringify(summaryToJson(s));
const arbSummary = fc.array(arbEvent(), { maxLength: 40 }).map(summarize);

describe('core: summary', () => {
  it('merge is associative', () => {
    fc.assert(fc.property(arbSummary, arbSummary, arbSummary, (a, b, c) => {
      expect(json(mergeSummaries(mergeSummaries(a, b), c))).toBe(json(mergeSummaries(a, mergeSummaries(b, c))));
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
    const view = describeSummary(summarize(events));
    // Assess
    expect(view.total_requests).toBe(3);
    expect(view.total_bytes).toBe(150);
    expect(view.status_breakdown).toEqual({ '2xx': 1, '3xx': 0, '4xx': 1, '5xx': 0, other: 1 });
    expect(view.top_paths).toEqual([{ path: '/a', count: 2, bytes: 150 }, { path: '/b', count: 1, bytes: 0 }]);
    expect(view.edge_distribution).toEqual({ 'LHR61-P1': 2, 'SEA19-C2': 1 });
    expect(view.cache_hit_rate).toBe(66.67);
  });

  it('keeps a path named __proto__ as data', () => {
    const s = summarize([event({ cs_uri_stem: '__proto__' })]);
    const back = summaryFromJson(JSON.parse(json(s)));
    expect(back.paths.get('__proto__')).toEqual({ count: 1, bytes: 1000 });
  });

  it('estimates distinct user agents within 5% and exactly for a few', () => {
    const few = summarize(['a', 'b', 'c', 'a'].map((ua) => event({ cs_user_agent: ua })));
    expect(estimateDistinct(few.userAgents)).toBe(3);
    const many = mergeAll(Array.from({ length: 20 }, (_, k) => summarize(Array.from({ length: 1000 }, (_, i) => event({ cs_user_agent: `agent-${k * 1000 + i}` })))));
    expect(Math.abs(estimateDistinct(many.userAgents) - 20_000) / 20_000).toBeLessThan(0.05);
  });

  it('reports time-taken quantiles within 1% of the true value', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) * 7);
    const view = describeSummary(summarize(values.map((ms) => event({ time_taken: ms / 1000 }))));
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
