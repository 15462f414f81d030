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
import { breakdownsFromJson, breakdownsToJson, DIMENSIONS, emptyBreakdowns, mergeBreakdowns, type Breakdowns } from './trafficDimensions.js';
import { agentFamily, type AgentFamily } from './userAgentFamily.js';
import { viewerIpOf } from './viewerIp.js';
import { visitorAdder } from './visitorAdder.js';

/**
 * The mergeable traffic summary of a set of CloudFront requests. Counts and sums are exact;
 * per-path and per-edge figures are exact up to `DEFAULT_KEY_BOUND` distinct keys and then a
 * Misra–Gries heavy-hitters summary with an "other" bucket (totals stay exact, each key's
 * count is low by at most `error`), and so is every breakdown in `breakdowns` (browsers, OS,
 * referrers, 404 paths, countries, TLS, … see `DIMENSIONS`); distinct user agents and unique
 * visitors (HyperLogLog, ±1.6% standard error) and time quantiles (each within 1% relative of a
 * value in the data) are sketches. So its size is bounded whatever the input. No viewer IP, nor
 * any per-viewer value, is kept: visitors are HyperLogLog registers of a salted HMAC.
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
  /** Milliseconds of first-byte latency from the origin (real-time logs; requests that reached it). */
  originFbl: QuantileSketch;
  /** Milliseconds of last-byte latency from the origin. */
  originLbl: QuantileSketch;
  /** Distinct (viewer IP, user agent) pairs, as HMAC-SHA256 under the installation's salt: unique visitors. */
  visitors: DistinctSketch;
  /** Requests and bytes per key of each breakdown. */
  breakdowns: Breakdowns;
}

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** Result types CloudFront counts as served from its cache. */
const CACHE_HIT_TYPES = new Set(['Hit', 'RefreshHit', 'OriginShieldHit']);

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
    originFbl: emptyQuantiles(),
    originLbl: emptyQuantiles(),
    visitors: emptyDistinct(),
    breakdowns: emptyBreakdowns(),
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

/** Bound on each memo of one adder (user agents, referrers, content types): past it that memo starts over (correctness does not depend on it). */
export const MAX_AGENT_MEMO = 10_000;

interface AgentMemo {
  /** The agent's distinct-count code (index × 64 + rank). */
  readonly code: number;
  readonly family: AgentFamily;
}

interface RefererMemo {
  readonly host: string;
  readonly url: string;
}

/** A bounded memo of `compute` per distinct string: past `max` entries it starts over. */
function memoOf<V>(compute: (raw: string) => V, max = MAX_AGENT_MEMO): (raw: string) => V {
  const memo = new Map<string, V>();
  return (raw) => {
    let value = memo.get(raw);
    if (value === undefined) {
      value = compute(raw);
      if (memo.size >= max) memo.clear();
      memo.set(raw, value);
    }
    return value;
  };
}

/** Host and query-less URL of a Referer; a value that is no URL counts under `(invalid)`. */
function refererOf(raw: string): RefererMemo {
  try {
    const u = new URL(raw);
    return { host: u.host || '(none)', url: `${u.protocol}//${u.host}${u.pathname}` };
  } catch {
    const cut = raw.search(/[?#]/);
    return { host: '(invalid)', url: cut < 0 ? raw : raw.slice(0, cut) };
  }
}

/** Media type without parameters, lower case: `text/html; charset=UTF-8` → `text/html`. */
function mediaTypeOf(raw: string): string {
  const semi = raw.indexOf(';');
  return (semi < 0 ? raw : raw.slice(0, semi)).trim().toLowerCase();
}

const ms = (seconds: number): number => Math.round(seconds * 1000);

/**
 * An adder of requests to summaries. Every distinct raw value that needs work is worked on once
 * per adder (bounded memos): a user agent is hashed and parsed into its families (bowser, ~13 µs)
 * once, a referrer's URL parsed once, a (viewer IP, agent) pair HMAC'd once. So a repeated value
 * costs map lookups, and the per-event cost is a handful of `addKey`s.
 */
export function trafficAdder(): (s: TrafficSummary, event: CloudFrontEvent) => void {
  const agentOf = memoOf((agent): AgentMemo => ({ code: distinctCode(agent), family: agentFamily(agent) }));
  const unknownAgent: AgentFamily = { browser: 'unknown', os: 'unknown', device: 'unknown', agentClass: 'human' };
  const refererMemo = memoOf(refererOf);
  const mediaType = memoOf(mediaTypeOf, 1000);
  const visitorCode = visitorAdder();
  return (s, event) => {
    const bytes = event.sc_bytes ?? 0;
    const b = s.breakdowns;
    s.requests++;
    s.bytes += bytes;
    const status = event.sc_status;
    increment(s.statusClasses, statusClassOf(status));
    const path = event.cs_uri_stem ?? '-';
    addKey(s.paths, path, 1, bytes);
    if (status !== null && status !== undefined) {
      increment(s.statusCodes, status);
      if (status >= 400 && status < 600) {
        addKey(status < 500 ? b.paths_4xx : b.paths_5xx, path, 1, bytes);
        if (status === 404) addKey(b.paths_404, path, 1, bytes);
      }
    }
    if (event.x_edge_location) addKey(s.edges, event.x_edge_location);
    const result = event.x_edge_result_type;
    if (result) {
      if (CACHE_HIT_TYPES.has(result)) s.cacheHits++;
      addKey(b.result_types, result, 1, bytes);
    }
    const agent = event.cs_user_agent;
    let family = unknownAgent;
    if (agent) {
      const memo = agentOf(agent);
      addDistinctCode(s.userAgents, memo.code);
      family = memo.family;
    }
    addKey(b.browsers, family.browser, 1, bytes);
    addKey(b.os, family.os, 1, bytes);
    addKey(b.devices, family.device, 1, bytes);
    addKey(b.agent_classes, family.agentClass, 1, bytes);
    const ip = viewerIpOf(event);
    if (ip) addDistinctCode(s.visitors, visitorCode(ip, agent ?? ''));
    if (event.cs_referer) {
      const r = refererMemo(event.cs_referer);
      addKey(b.referrer_hosts, r.host, 1, bytes);
      addKey(b.referrer_urls, r.url, 1, bytes);
    }
    if (event.c_country) addKey(b.countries, event.c_country, 1, bytes);
    if (event.cs_method) addKey(b.methods, event.cs_method, 1, bytes);
    if (event.cs_protocol) addKey(b.protocols, event.cs_protocol, 1, bytes);
    if (event.cs_protocol_version) addKey(b.protocol_versions, event.cs_protocol_version, 1, bytes);
    if (event.ssl_protocol) addKey(b.tls_versions, event.ssl_protocol, 1, bytes);
    if (event.ssl_cipher) addKey(b.tls_ciphers, event.ssl_cipher, 1, bytes);
    if (event.sc_content_type) addKey(b.content_types, mediaType(event.sc_content_type), 1, bytes);
    if (event.x_edge_response_result_type) addKey(b.response_result_types, event.x_edge_response_result_type, 1, bytes);
    if (event.x_edge_detailed_result_type) addKey(b.detailed_result_types, event.x_edge_detailed_result_type, 1, bytes);
    if (event.cache_behavior_path_pattern) addKey(b.cache_behaviors, event.cache_behavior_path_pattern, 1, bytes);
    if (event.time_taken !== null && event.time_taken !== undefined) addQuantile(s.timeTaken, ms(event.time_taken));
    if (event.time_to_first_byte !== null && event.time_to_first_byte !== undefined) addQuantile(s.ttfb, ms(event.time_to_first_byte));
    if (event.origin_fbl !== null && event.origin_fbl !== undefined) addQuantile(s.originFbl, ms(event.origin_fbl));
    if (event.origin_lbl !== null && event.origin_lbl !== undefined) addQuantile(s.originLbl, ms(event.origin_lbl));
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
    originFbl: mergeQuantiles(a.originFbl, b.originFbl),
    originLbl: mergeQuantiles(a.originLbl, b.originLbl),
    visitors: mergeDistinct(a.visitors, b.visitors),
    breakdowns: mergeBreakdowns(a.breakdowns, b.breakdowns),
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

/**
 * The stored (JSON) form of a traffic summary; map keys are sorted so equal summaries serialise to
 * equal bytes. Summaries stored before the breakdowns (no `breakdowns`, `visitors`, `origin_*`)
 * are rejected: re-run (`letsflow reset --all`) to rebuild them.
 */
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
    origin_fbl_ms: quantilesSchema,
    origin_lbl_ms: quantilesSchema,
    visitors: z.union([z.array(z.number().int()), z.string()]),
    breakdowns: z.object(Object.fromEntries(DIMENSIONS.map((d) => [d, z.unknown().optional()]))).strict(),
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
    origin_fbl_ms: quantilesToJson(s.originFbl),
    origin_lbl_ms: quantilesToJson(s.originLbl),
    visitors: distinctToJson(s.visitors),
    breakdowns: breakdownsToJson(s.breakdowns),
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
    originFbl: quantilesFromJson(j.origin_fbl_ms),
    originLbl: quantilesFromJson(j.origin_lbl_ms),
    visitors: distinctFromJson(j.visitors),
    breakdowns: breakdownsFromJson(j.breakdowns),
  };
}
