import { z } from 'zod';
import type { CloudFrontEvent } from '../../formats/cloudfront/event.js';
import {
  addDistinctCode, distinctCode, distinctFromJson, distinctToJson, emptyDistinct, mergeDistinct,
  type DistinctSketch,
} from '../../core/distinctSketch.js';
import {
  addQuantile, emptyQuantiles, mergeQuantiles, quantilesFromJson, quantilesToJson, type QuantileSketch,
} from '../../core/quantileSketch.js';
import { addKey, emptyTopKeys, mergeTopKeys, topKeysFromJson, topKeysToJson, type TopKeys } from '../../core/topKeys.js';

/**
 * The mergeable traffic summary of a set of CloudFront requests. Counts and sums are exact;
 * per-path and per-edge figures are exact up to `DEFAULT_KEY_BOUND` distinct keys and then a
 * Misra–Gries heavy-hitters summary with an "other" bucket (totals stay exact, each key's
 * count is low by at most `error`); distinct user agents (HyperLogLog, ±1.6%) and time
 * quantiles (±1% relative) are sketches. So its size is bounded whatever the input.
 */
export interface TrafficSummary {
  requests: number;
  bytes: number;
  statusClasses: Map<StatusClass, number>;
  /** Status codes are 0–999 by the event schema, so this map is bounded by it. */
  statusCodes: Map<number, number>;
  /** Requests (`count`) and bytes sent per path. */
  paths: TopKeys;
  /** Requests per edge location (`count`). */
  edges: TopKeys;
  cacheHits: number;
  userAgents: DistinctSketch;
  /** Milliseconds from request to last byte written. */
  timeTaken: QuantileSketch;
  /** Milliseconds from request to first byte written. */
  ttfb: QuantileSketch;
}

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** Result types CloudFront counts as served from its cache. */
const CACHE_HIT_TYPES = new Set(['Hit', 'RefreshHit', 'OriginShieldHit']);

/** Bound on the user-agent memo of one adder: past it the memo starts over (correctness does not depend on it). */
export const MAX_AGENT_MEMO = 10_000;

export function emptySummary(): TrafficSummary {
  return {
    requests: 0,
    bytes: 0,
    statusClasses: new Map(),
    statusCodes: new Map(),
    paths: emptyTopKeys(),
    edges: emptyTopKeys(),
    cacheHits: 0,
    userAgents: emptyDistinct(),
    timeTaken: emptyQuantiles(),
    ttfb: emptyQuantiles(),
  };
}

export function statusClassOf(status: number | null | undefined): StatusClass {
  if (status === null || status === undefined || status < 100 || status > 599) return 'other';
  // Indexing the constants, not formatting `${n}xx`, keeps the per-event path allocation-free.
  return STATUS_CLASSES[Math.floor(status / 100) - 1]!;
}

const increment = <K>(map: Map<K, number>, key: K, by = 1): void => {
  map.set(key, (map.get(key) ?? 0) + by);
};

/**
 * An adder of requests to summaries. Keeps a memo of user-agent sketch codes so a user agent
 * seen again costs a map lookup, not a hash; the memo is bounded and only a cache.
 */
export function trafficAdder(): (s: TrafficSummary, event: CloudFrontEvent) => void {
  const agentCodes = new Map<string, number>();
  const agentCode = (agent: string): number => {
    let code = agentCodes.get(agent);
    if (code === undefined) {
      code = distinctCode(agent);
      if (agentCodes.size >= MAX_AGENT_MEMO) agentCodes.clear();
      agentCodes.set(agent, code);
    }
    return code;
  };
  return (s, event) => {
    const bytes = event.sc_bytes ?? 0;
    s.requests++;
    s.bytes += bytes;
    const status = event.sc_status;
    increment(s.statusClasses, statusClassOf(status));
    if (status !== null && status !== undefined) increment(s.statusCodes, status);
    addKey(s.paths, event.cs_uri_stem ?? '-', 1, bytes);
    if (event.x_edge_location) addKey(s.edges, event.x_edge_location);
    if (event.x_edge_result_type && CACHE_HIT_TYPES.has(event.x_edge_result_type)) s.cacheHits++;
    if (event.cs_user_agent) addDistinctCode(s.userAgents, agentCode(event.cs_user_agent));
    if (event.time_taken !== null && event.time_taken !== undefined) addQuantile(s.timeTaken, Math.round(event.time_taken * 1000));
    if (event.time_to_first_byte !== null && event.time_to_first_byte !== undefined) {
      addQuantile(s.ttfb, Math.round(event.time_to_first_byte * 1000));
    }
  };
}

const mergeCounts = <K>(a: Map<K, number>, b: Map<K, number>): Map<K, number> => {
  const out = new Map(a);
  for (const [k, n] of b) increment(out, k, n);
  return out;
};

/** Commutative merge; `emptySummary()` is its identity, and it is associative exactly below the key bound. Inputs are not modified. */
export function mergeSummaries(a: TrafficSummary, b: TrafficSummary): TrafficSummary {
  return {
    requests: a.requests + b.requests,
    bytes: a.bytes + b.bytes,
    statusClasses: mergeCounts(a.statusClasses, b.statusClasses),
    statusCodes: mergeCounts(a.statusCodes, b.statusCodes),
    paths: mergeTopKeys(a.paths, b.paths),
    edges: mergeTopKeys(a.edges, b.edges),
    cacheHits: a.cacheHits + b.cacheHits,
    userAgents: mergeDistinct(a.userAgents, b.userAgents),
    timeTaken: mergeQuantiles(a.timeTaken, b.timeTaken),
    ttfb: mergeQuantiles(a.ttfb, b.ttfb),
  };
}

/**
 * A JSON object used as a map, read as its entries: keys come from logs, and a key such as
 * `__proto__` must stay data (zod's record drops it).
 */
const entriesOf = <T extends z.ZodType>(value: T) =>
  z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : v), z.array(z.tuple([z.string(), value])));
const countsSchema = entriesOf(z.number().int().nonnegative());
const quantilesSchema = z
  .object({ count: z.number().int().nonnegative(), sum: z.number().nonnegative(), buckets: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()) })
  .strict();

/** The stored (JSON) form of a traffic summary; map keys are sorted so equal summaries serialise to equal bytes. */
export const TrafficSummaryJsonSchema = z
  .object({
    requests: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    status_classes: countsSchema,
    status_codes: countsSchema,
    paths: z.unknown(),
    edges: z.unknown(),
    cache_hits: z.number().int().nonnegative(),
    user_agents: z.union([z.array(z.number().int()), z.string()]),
    time_taken_ms: quantilesSchema,
    ttfb_ms: quantilesSchema,
  })
  .strict();

export function summaryToJson(s: TrafficSummary) {
  return {
    requests: s.requests,
    bytes: s.bytes,
    status_classes: Object.fromEntries(STATUS_CLASSES.filter((c) => s.statusClasses.has(c)).map((c) => [c, s.statusClasses.get(c)!])),
    status_codes: Object.fromEntries([...s.statusCodes.entries()].sort(([x], [y]) => x - y)),
    paths: topKeysToJson(s.paths),
    edges: topKeysToJson(s.edges),
    cache_hits: s.cacheHits,
    user_agents: distinctToJson(s.userAgents),
    time_taken_ms: quantilesToJson(s.timeTaken),
    ttfb_ms: quantilesToJson(s.ttfb),
  };
}

export function summaryFromJson(json: unknown): TrafficSummary {
  const j = TrafficSummaryJsonSchema.parse(json);
  return {
    requests: j.requests,
    bytes: j.bytes,
    statusClasses: new Map(j.status_classes as [StatusClass, number][]),
    statusCodes: new Map(j.status_codes.map(([k, n]) => [Number(k), n])),
    paths: topKeysFromJson(j.paths),
    edges: topKeysFromJson(j.edges),
    cacheHits: j.cache_hits,
    userAgents: distinctFromJson(j.user_agents),
    timeTaken: quantilesFromJson(j.time_taken_ms),
    ttfb: quantilesFromJson(j.ttfb_ms),
  };
}
