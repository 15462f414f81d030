import fc from 'fast-check';
import type { CloudFrontEvent } from '../../src/formats/cloudfront/event.js';
import { stepContextFor, type FinalityPolicy, type StepContext } from '../../src/engine/definition.js';
import { cloudfrontPipeline } from '../../src/pipelines/cloudfront/definition.js';
import type { TrafficSummary } from '../../src/pipelines/cloudfront/trafficSummary.js';
import type { CacheStore } from '../../src/sinks/cacheStore.js';

/** 2026-02-14T00:00:00Z: a Saturday, two weeks before a month end, so rollups cross days and a month. */
export const BASE_TIME = Date.UTC(2026, 1, 14);

/** A summary-relevant CloudFront event within `spanMs` after BASE_TIME. A log writes empty or absent text as `-`, so text here is never `-` or empty. */
export function arbEvent(spanMs = 20 * 86_400_000): fc.Arbitrary<CloudFrontEvent> {
  return fc.record({
    timestamp: fc.integer({ min: BASE_TIME, max: BASE_TIME + spanMs }),
    sc_status: fc.oneof(fc.constantFrom(200, 200, 304, 404, 500, 0), fc.constant(null)),
    sc_bytes: fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.constant(null)),
    cs_uri_stem: fc.constantFrom('/', '/index.html', '/app.js', '/api/x', '/__proto__', '/caf%C3%A9'),
    x_edge_location: fc.constantFrom('LHR61-P1', 'SEA19-C2', 'FRA56-P3'),
    x_edge_result_type: fc.constantFrom('Hit', 'Miss', 'RefreshHit', 'Error'),
    cs_user_agent: fc.oneof(fc.constantFrom('curl/8.0', 'Mozilla/5.0 (X11)', 'Googlebot/2.1 (+http://www.google.com/bot.html)'), fc.string({ minLength: 1, maxLength: 12 }).filter((ua) => ua !== '-')),
    time_taken: fc.oneof(fc.integer({ min: 0, max: 60_000 }).map((ms) => ms / 1000), fc.constant(null)),
    time_to_first_byte: fc.integer({ min: 0, max: 5_000 }).map((ms) => ms / 1000),
  });
}

export function event(overrides: Partial<CloudFrontEvent> = {}): CloudFrontEvent {
  return {
    timestamp: BASE_TIME,
    sc_status: 200,
    sc_bytes: 1000,
    cs_uri_stem: '/index.html',
    x_edge_location: 'LHR61-P1',
    x_edge_result_type: 'Hit',
    cs_user_agent: 'curl/8.0',
    time_taken: 0.05,
    time_to_first_byte: 0.01,
    ...overrides,
  };
}

/** A wall clock well after every event the factories make: no event is in the future, and the ingest clock never matters. */
export const TEST_NOW = new Date('2026-11-22T00:00:00Z');

/** The tests' finality policy: the pipeline's skew, lateness 0 and no idle bound, with `overrides` (such as `latenessMs`). */
export function testFinality(overrides: Partial<FinalityPolicy> = {}): FinalityPolicy {
  return { ...cloudfrontPipeline.finality, latenessMs: 0, idleMs: Number.POSITIVE_INFINITY, ...overrides };
}

/**
 * A CloudFront step context for tests: the fixed clock above, raw events off, lateness 0 and
 * no idle bound, so finality follows the data alone (the rule before idle finality) unless a
 * test sets `finality` itself.
 */
export function cloudfrontContext(store: CacheStore, overrides: Partial<Omit<StepContext<CloudFrontEvent, TrafficSummary>, 'pipeline' | 'store'>> = {}): StepContext<CloudFrontEvent, TrafficSummary> {
  return stepContextFor(cloudfrontPipeline, store, {
    clock: () => TEST_NOW,
    keepRaw: false,
    finality: testFinality(),
    ...overrides,
  });
}
