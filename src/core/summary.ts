import { z } from 'zod';
import type { CloudFrontEvent } from './event.js';
import {
  addDistinctCode, distinctCode, distinctFromJson, distinctToJson, emptyDistinct, mergeDistinct,
  type DistinctSketch,
} from './distinctSketch.js';
import {
  addQuantile, emptyQuantiles, mergeQuantiles, quantilesFromJson, quantilesToJson, type QuantileSketch,
} from './quantileSketch.js';

/**
 * The mergeable traffic summary of a set of requests. `emptySummary()` and `mergeSummaries`
 * form a commutative monoid: every coarser window is the merge of finer ones, and a window's
 * summary is the merge of per-object partials, in any order and grouping. Counts and sums
 * are exact; distinct user agents (HyperLogLog, ±1.6%) and time quantiles (±1% relative) are
 * mergeable sketches. Its size is bounded by the distinct paths, status codes and edges seen
 * plus a constant for the sketches.
 */
export interface Summary {
  requests: number;
  bytes: number;
  statusClasses: Map<StatusClass, number>;
  statusCodes: Map<number, number>;
  paths: Map<string, PathStats>;
  edges: Map<string, number>;
  cacheHits: number;
  userAgents: DistinctSketch;
  /** Milliseconds from request to last byte written. */
  timeTaken: QuantileSketch;
  /** Milliseconds from request to first byte written. */
  ttfb: QuantileSketch;
}

export interface PathStats {
  count: number;
  bytes: number;
}

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** Result types CloudFront counts as served from its cache. */
const CACHE_HIT_TYPES = new Set(['Hit', 'RefreshHit', 'OriginShieldHit']);

export function emptySummary(): Summary {
  return {
    requests: 0,
    bytes: 0,
    statusClasses: new Map(),
    statusCodes: new Map(),
    paths: new Map(),
    edges: new Map(),
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

/**
 * A copy of a string that does not share memory with the text it was sliced from. Keys kept in
 * a summary outlive the decoded chunk their line came from; V8's sliced strings would keep
 * each whole 256 KiB chunk alive (the bench measured 43 MiB held for a 1 GB object's windows).
 */
const detached = (s: string): string => (' ' + s).slice(1);

const increment = <K>(map: Map<K, number>, key: K, by = 1): void => {
  map.set(key, (map.get(key) ?? 0) + by);
};

/**
 * Accumulates events into one summary. Keeps a memo of user-agent sketch codes so a user
 * agent seen again costs a map lookup, not a hash; the memo is bounded and only a cache.
 */
export class SummaryBuilder {
  readonly summary: Summary = emptySummary();
  private readonly agentCodes: Map<string, number>;

  constructor(agentCodes: Map<string, number> = new Map()) {
    this.agentCodes = agentCodes;
  }

  add(event: CloudFrontEvent): void {
    const s = this.summary;
    const bytes = event.sc_bytes ?? 0;
    s.requests++;
    s.bytes += bytes;
    const status = event.sc_status;
    increment(s.statusClasses, statusClassOf(status));
    if (status !== null && status !== undefined) increment(s.statusCodes, status);
    const path = event.cs_uri_stem ?? '-';
    const stats = s.paths.get(path);
    if (stats) {
      stats.count++;
      stats.bytes += bytes;
    } else {
      s.paths.set(detached(path), { count: 1, bytes });
    }
    const edge = event.x_edge_location;
    if (edge) {
      const n = s.edges.get(edge);
      if (n === undefined) s.edges.set(detached(edge), 1);
      else s.edges.set(edge, n + 1);
    }
    if (event.x_edge_result_type && CACHE_HIT_TYPES.has(event.x_edge_result_type)) s.cacheHits++;
    if (event.cs_user_agent) addDistinctCode(s.userAgents, this.agentCode(event.cs_user_agent));
    if (event.time_taken !== null && event.time_taken !== undefined) addQuantile(s.timeTaken, Math.round(event.time_taken * 1000));
    if (event.time_to_first_byte !== null && event.time_to_first_byte !== undefined) {
      addQuantile(s.ttfb, Math.round(event.time_to_first_byte * 1000));
    }
  }

  private agentCode(agent: string): number {
    let code = this.agentCodes.get(agent);
    if (code === undefined) {
      code = distinctCode(agent);
      if (this.agentCodes.size >= MAX_AGENT_MEMO) this.agentCodes.clear();
      this.agentCodes.set(agent, code);
    }
    return code;
  }
}

/** Bound on the user-agent memo: past it the memo starts over (correctness does not depend on it). */
export const MAX_AGENT_MEMO = 10_000;

/** The summary of one list of events. */
export function summarize(events: Iterable<CloudFrontEvent>): Summary {
  const builder = new SummaryBuilder();
  for (const event of events) builder.add(event);
  return builder.summary;
}

const mergeCounts = <K>(a: Map<K, number>, b: Map<K, number>): Map<K, number> => {
  const out = new Map(a);
  for (const [k, n] of b) increment(out, k, n);
  return out;
};

/** Associative, commutative merge; `emptySummary()` is its identity. Inputs are not modified. */
export function mergeSummaries(a: Summary, b: Summary): Summary {
  const paths = new Map<string, PathStats>();
  for (const [p, s] of a.paths) paths.set(p, { ...s });
  for (const [p, s] of b.paths) {
    const t = paths.get(p);
    if (t) {
      t.count += s.count;
      t.bytes += s.bytes;
    } else {
      paths.set(p, { ...s });
    }
  }
  return {
    requests: a.requests + b.requests,
    bytes: a.bytes + b.bytes,
    statusClasses: mergeCounts(a.statusClasses, b.statusClasses),
    statusCodes: mergeCounts(a.statusCodes, b.statusCodes),
    paths,
    edges: mergeCounts(a.edges, b.edges),
    cacheHits: a.cacheHits + b.cacheHits,
    userAgents: mergeDistinct(a.userAgents, b.userAgents),
    timeTaken: mergeQuantiles(a.timeTaken, b.timeTaken),
    ttfb: mergeQuantiles(a.ttfb, b.ttfb),
  };
}

export function mergeAll(summaries: Iterable<Summary>): Summary {
  let total = emptySummary();
  for (const s of summaries) total = mergeSummaries(total, s);
  return total;
}

const sortedEntries = <K extends string | number, V>(map: Map<K, V>): [string, V][] =>
  [...map.entries()]
    .sort(([x], [y]) => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0))
    .map(([k, v]) => [String(k), v]);

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

/** The stored (JSON) form of a summary; map keys are sorted so equal summaries serialise to equal bytes. */
export const SummaryJsonSchema = z
  .object({
    requests: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    status_classes: countsSchema,
    status_codes: countsSchema,
    paths: entriesOf(z.object({ count: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }).strict()),
    edges: countsSchema,
    cache_hits: z.number().int().nonnegative(),
    user_agents: z.union([z.array(z.number().int()), z.string()]),
    time_taken_ms: quantilesSchema,
    ttfb_ms: quantilesSchema,
  })
  .strict();
export type SummaryJson = z.input<typeof SummaryJsonSchema>;

export function summaryToJson(s: Summary) {
  return {
    requests: s.requests,
    bytes: s.bytes,
    status_classes: Object.fromEntries(STATUS_CLASSES.filter((c) => s.statusClasses.has(c)).map((c) => [c, s.statusClasses.get(c)!])),
    status_codes: Object.fromEntries(sortedEntries(s.statusCodes)),
    paths: Object.fromEntries(sortedEntries(s.paths).map(([p, v]) => [p, { count: v.count, bytes: v.bytes }])),
    edges: Object.fromEntries(sortedEntries(s.edges)),
    cache_hits: s.cacheHits,
    user_agents: distinctToJson(s.userAgents),
    time_taken_ms: quantilesToJson(s.timeTaken),
    ttfb_ms: quantilesToJson(s.ttfb),
  };
}

export function summaryFromJson(json: unknown): Summary {
  const j = SummaryJsonSchema.parse(json);
  return {
    requests: j.requests,
    bytes: j.bytes,
    statusClasses: new Map(j.status_classes as [StatusClass, number][]),
    statusCodes: new Map(j.status_codes.map(([k, n]) => [Number(k), n])),
    paths: new Map(j.paths.map(([p, v]) => [p, { ...v }])),
    edges: new Map(j.edges),
    cacheHits: j.cache_hits,
    userAgents: distinctFromJson(j.user_agents),
    timeTaken: quantilesFromJson(j.time_taken_ms),
    ttfb: quantilesFromJson(j.ttfb_ms),
  };
}
