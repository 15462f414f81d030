import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateDistinct } from '../../../src/core/distinctSketch.js';
import { quantile, QUANTILE_RELATIVE_ACCURACY } from '../../../src/core/quantileSketch.js';
import { summarizeWith } from '../../../src/core/summaryKind.js';
import type { TopKeys } from '../../../src/core/topKeys.js';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { describeTraffic } from '../../../src/pipelines/cloudfront/describeTraffic.js';
import { DIMENSIONS, emptyBreakdowns, type Dimension } from '../../../src/pipelines/cloudfront/trafficDimensions.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import { emptySummary, mergeSummaries, summaryFromJson, summaryToJson, trafficAdder, type TrafficSummary } from '../../../src/pipelines/cloudfront/trafficSummary.js';
import { trafficBreakdown } from '../../../src/pipelines/cloudfront/trafficViews.js';
import { agentFamily } from '../../../src/pipelines/cloudfront/userAgentFamily.js';
import { resetVisitorSalt, VISITOR_SALT_ENV } from '../../../src/pipelines/cloudfront/visitorSalt.js';
import { BASE_TIME } from '../../helpers/factories.js';
import { checkSummaryLaws } from '../../helpers/summaryLaws.js';

/** Raw Referer → the host and query-less URL the summary must count it under. */
const REFERERS: Record<string, readonly [string, string]> = {
  'https://www.google.com/': ['www.google.com', 'https://www.google.com/'],
  'https://news.ycombinator.com/item?id=1': ['news.ycombinator.com', 'https://news.ycombinator.com/item'],
  'https://example.org/a/b#frag': ['example.org', 'https://example.org/a/b'],
  'android-app://com.slack/': ['com.slack', 'android-app://com.slack/'],
  'not a url?x=1': ['(invalid)', 'not a url'],
};
const CONTENT_TYPES: Record<string, string> = { 'text/html; charset=UTF-8': 'text/html', 'TEXT/CSS': 'text/css', 'application/json': 'application/json' };
const AGENTS = [
  'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/29.0.1547.62 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.4.0',
];

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof(arb, fc.constant(null));

/** Events with every field a breakdown reads, each from a few values (far below the key bound, so counts are exact). */
const arbRichEvent: fc.Arbitrary<CloudFrontEvent> = fc.record({
  timestamp: fc.integer({ min: BASE_TIME, max: BASE_TIME + 3_600_000 }),
  sc_status: maybe(fc.constantFrom(200, 301, 403, 404, 404, 500, 503, 0)),
  sc_bytes: maybe(fc.integer({ min: 0, max: 100_000 })),
  cs_uri_stem: fc.constantFrom('/', '/a', '/missing', '/__proto__'),
  x_edge_location: fc.constantFrom('LHR61-P1', 'SEA19-C2'),
  x_edge_result_type: maybe(fc.constantFrom('Hit', 'Miss', 'Error')),
  x_edge_response_result_type: maybe(fc.constantFrom('Hit', 'Miss')),
  x_edge_detailed_result_type: maybe(fc.constantFrom('Hit', 'OriginShieldHit', 'OriginDnsError')),
  cs_user_agent: maybe(fc.constantFrom(...AGENTS)),
  cs_referer: maybe(fc.constantFrom(...Object.keys(REFERERS))),
  c_country: maybe(fc.constantFrom('US', 'DE', 'JP')),
  c_ip: maybe(fc.constantFrom('192.0.2.1', '198.51.100.7', '2001:db8::1')),
  cs_method: fc.constantFrom('GET', 'POST', 'HEAD'),
  cs_protocol: fc.constantFrom('https', 'http'),
  cs_protocol_version: fc.constantFrom('HTTP/1.1', 'HTTP/2.0', 'HTTP/3.0'),
  ssl_protocol: maybe(fc.constantFrom('TLSv1.2', 'TLSv1.3')),
  ssl_cipher: maybe(fc.constantFrom('TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256')),
  sc_content_type: maybe(fc.constantFrom(...Object.keys(CONTENT_TYPES))),
  cache_behavior_path_pattern: maybe(fc.constantFrom('*', '/api/*')),
  time_taken: maybe(fc.integer({ min: 0, max: 30_000 }).map((ms) => ms / 1000)),
  time_to_first_byte: maybe(fc.integer({ min: 0, max: 5_000 }).map((ms) => ms / 1000)),
  origin_fbl: maybe(fc.integer({ min: 1, max: 5_000 }).map((ms) => ms / 1000)),
  origin_lbl: maybe(fc.integer({ min: 1, max: 9_000 }).map((ms) => ms / 1000)),
});

/** What each breakdown must hold for `events`, counted here without the summary: key → { count, bytes }. */
function directCounts(events: readonly CloudFrontEvent[]): Record<Dimension, Map<string, { count: number; bytes: number }>> {
  const out = Object.fromEntries(DIMENSIONS.map((d) => [d, new Map()])) as Record<Dimension, Map<string, { count: number; bytes: number }>>;
  const add = (d: Dimension, key: string | null | undefined, bytes: number): void => {
    if (key === null || key === undefined) return;
    const s = out[d].get(key) ?? { count: 0, bytes: 0 };
    out[d].set(key, { count: s.count + 1, bytes: s.bytes + bytes });
  };
  for (const e of events) {
    const bytes = e.sc_bytes ?? 0;
    const f = e.cs_user_agent ? agentFamily(e.cs_user_agent) : { browser: 'unknown', os: 'unknown', device: 'unknown', agentClass: 'human' };
    add('browsers', f.browser, bytes);
    add('os', f.os, bytes);
    add('devices', f.device, bytes);
    add('agent_classes', f.agentClass, bytes);
    if (e.cs_referer) {
      add('referrer_hosts', REFERERS[e.cs_referer]![0], bytes);
      add('referrer_urls', REFERERS[e.cs_referer]![1], bytes);
    }
    const status = e.sc_status ?? -1;
    if (status >= 400 && status <= 499) add('paths_4xx', e.cs_uri_stem, bytes);
    if (status === 404) add('paths_404', e.cs_uri_stem, bytes);
    if (status >= 500 && status <= 599) add('paths_5xx', e.cs_uri_stem, bytes);
    add('countries', e.c_country, bytes);
    add('methods', e.cs_method, bytes);
    add('protocols', e.cs_protocol, bytes);
    add('protocol_versions', e.cs_protocol_version, bytes);
    add('tls_versions', e.ssl_protocol, bytes);
    add('tls_ciphers', e.ssl_cipher, bytes);
    add('content_types', e.sc_content_type ? CONTENT_TYPES[e.sc_content_type] : null, bytes);
    add('result_types', e.x_edge_result_type, bytes);
    add('response_result_types', e.x_edge_response_result_type, bytes);
    add('detailed_result_types', e.x_edge_detailed_result_type, bytes);
    add('cache_behaviors', e.cache_behavior_path_pattern, bytes);
  }
  return out;
}

const asMap = (t: TopKeys) => new Map([...t.keys].map(([k, s]) => [k, { count: s.count, bytes: s.bytes }]));
const json = (s: TrafficSummary): string => JSON.stringify(summaryToJson(s));

/** The exact value at the rank the sketch reports for q (`quantile` uses floor(q × (n − 1))). */
const exactQuantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;

describe('pipeline: cloudfront traffic breakdowns', () => {
  beforeAll(() => {
    process.env[VISITOR_SALT_ENV] = '00112233445566778899aabbccddeeff';
    resetVisitorSalt();
  });

  it('keeps the monoid laws with every breakdown filled (identity, commutativity, associativity, split = whole, JSON round trip)', async () => {
    await checkSummaryLaws(trafficSummary, fc.array(arbRichEvent, { maxLength: 30 }), 60);
  });

  it('equals a direct count over the same events, per breakdown and key, merged in any split', () => {
    fc.assert(
      fc.property(fc.array(arbRichEvent, { maxLength: 60 }), fc.nat(), (events, cut) => {
        // Act: two partials merged, then through the stored form
        const at = events.length === 0 ? 0 : cut % events.length;
        const s = summaryFromJson(JSON.parse(json(mergeSummaries(summarizeWith(trafficSummary, events.slice(0, at)), summarizeWith(trafficSummary, events.slice(at))))));
        // Assess
        const direct = directCounts(events);
        for (const d of DIMENSIONS) {
          expect(asMap(s.breakdowns[d]), d).toEqual(direct[d]);
          expect(s.breakdowns[d].other).toEqual({ count: 0, bytes: 0 });
          expect(s.breakdowns[d].error).toBe(0);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('past the key bound, keeps totals exact and every key within its stated error', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ path: fc.integer({ min: 0, max: 20 }), status: fc.constantFrom(404, 500) }), { maxLength: 200 }), (rows) => {
        // Prepare: a bound of 3 against 21 paths
        const s: TrafficSummary = { ...emptySummary(), breakdowns: emptyBreakdowns(3) };
        const add = trafficAdder();
        for (const r of rows) add(s, { timestamp: BASE_TIME, sc_status: r.status, sc_bytes: 10, cs_uri_stem: `/p${r.path}` });
        // Act
        const stored = summaryFromJson(JSON.parse(json(s)));
        // Assess
        for (const [d, status] of [['paths_404', 404], ['paths_5xx', 500]] as const) {
          const t = stored.breakdowns[d];
          const truth = new Map<string, number>();
          for (const r of rows) if (r.status === status) truth.set(`/p${r.path}`, (truth.get(`/p${r.path}`) ?? 0) + 1);
          const total = [...truth.values()].reduce((a, b) => a + b, 0);
          expect([...t.keys.values()].reduce((n, k) => n + k.count, 0) + t.other.count).toBe(total);
          expect(t.keys.size).toBeLessThanOrEqual(3);
          expect(t.error).toBeLessThanOrEqual(total / 4);
          for (const [k, n] of truth) {
            const est = t.keys.get(k)?.count ?? 0;
            expect(est).toBeLessThanOrEqual(n);
            expect(n).toBeLessThanOrEqual(est + t.error);
          }
        }
      }),
    );
  });

  it('gives time-taken, TTFB and origin latency quantiles within the sketch’s 1% relative error', () => {
    fc.assert(
      fc.property(fc.array(arbRichEvent, { minLength: 1, maxLength: 200 }), (events) => {
        const s = summarizeWith(trafficSummary, events);
        const fields = [
          [s.timeTaken, 'time_taken'], [s.ttfb, 'time_to_first_byte'], [s.originFbl, 'origin_fbl'], [s.originLbl, 'origin_lbl'],
        ] as const;
        for (const [sketch, field] of fields) {
          const values = events.flatMap((e) => (e[field] === null || e[field] === undefined ? [] : [Math.round(e[field] * 1000)]));
          expect(sketch.count).toBe(values.length);
          for (const q of [0.5, 0.95, 0.99]) {
            const got = quantile(sketch, q);
            if (values.length === 0) expect(got).toBeNull();
            else expect(Math.abs(got! - exactQuantile(values, q))).toBeLessThanOrEqual(QUANTILE_RELATIVE_ACCURACY * exactQuantile(values, q) + 0.001);
          }
        }
      }),
    );
  });

  it('counts unique visitors as distinct (viewer IP, user agent) pairs, within the sketch’s error', () => {
    // Prepare: 300 IPs × 2 agents, each pair seen three times, and requests without an IP
    const events: CloudFrontEvent[] = [];
    for (let i = 0; i < 300; i++) {
      for (const agent of AGENTS.slice(0, 2)) for (let r = 0; r < 3; r++) events.push({ timestamp: BASE_TIME, c_ip: `203.0.113.${i % 256}.${i >> 8}`, cs_user_agent: agent });
    }
    events.push({ timestamp: BASE_TIME, cs_user_agent: AGENTS[0]! });
    // Act
    const s = summarizeWith(trafficSummary, events);
    // Assess: linear counting is near exact at this size
    expect(Math.abs(estimateDistinct(s.visitors) - 600) / 600).toBeLessThan(0.02);
    expect(describeTraffic(s).unique_visitors).toBe(estimateDistinct(s.visitors));
  });

  it('answers a breakdown with its top keys and an other that adds up to the requests counted', () => {
    const events: CloudFrontEvent[] = ['US', 'US', 'US', 'DE', 'DE', 'JP', 'FR'].map((c_country) => ({ timestamp: BASE_TIME, c_country, sc_bytes: 5 }));
    const b = trafficBreakdown(summarizeWith(trafficSummary, events), 'countries', 2);
    expect(b.items).toEqual([{ key: 'US', count: 3, bytes: 15 }, { key: 'DE', count: 2, bytes: 10 }]);
    expect(b.other).toEqual({ count: 2, bytes: 10 });
    expect(b.distinct).toBe(4);
    expect(b.error).toBe(0);
  });

  it('writes no empty breakdown to the stored form, and reads a stored form back deterministically', () => {
    const s = summarizeWith(trafficSummary, [{ timestamp: BASE_TIME, c_country: 'US' }]);
    const stored = summaryToJson(s);
    expect(Object.keys(stored.breakdowns)).toEqual(['browsers', 'os', 'devices', 'agent_classes', 'countries']);
    expect(json(summaryFromJson(JSON.parse(json(s))))).toBe(json(s));
  });

  it('rejects a summary stored before the breakdowns', () => {
    const { breakdowns: _b, visitors: _v, origin_fbl_ms: _f, origin_lbl_ms: _l, ...old } = summaryToJson(emptySummary());
    expect(() => summaryFromJson(old)).toThrow();
  });
});
