import { emptyTopKeys, mergeTopKeys, topKeysFromJson, topKeysToJson, type TopKeys } from '../../core/topKeys.js';

/**
 * The breakdowns of the traffic summary beside paths and edges, each a bounded TopKeys of
 * requests (`count`) and bytes sent per key: exact up to `DEFAULT_KEY_BOUND` distinct keys,
 * then heavy hitters plus an `other` bucket (each key's count low by at most `error`).
 */
export const DIMENSIONS = [
  /** Browser or crawler name and major version (`Chrome 120`, `Googlebot 2`). */
  'browsers',
  /** Operating system and major version (`Windows 10`, `iOS 17`). */
  'os',
  /** desktop, mobile, tablet, tv, bot, unknown. */
  'devices',
  /** bot or human. */
  'agent_classes',
  /** Host of the Referer header (`www.google.com`). */
  'referrer_hosts',
  /** Referer without its query and fragment (they can carry tokens): scheme, host and path. */
  'referrer_urls',
  /** Paths answered 400–499. */
  'paths_4xx',
  /** Paths answered 404. */
  'paths_404',
  /** Paths answered 500–599. */
  'paths_5xx',
  /** Viewer country (`c-country`, real-time logs only). */
  'countries',
  'methods',
  /** Viewer protocol: http, https, ws, wss, grpcs. */
  'protocols',
  /** HTTP/1.1, HTTP/2.0, HTTP/3.0. */
  'protocol_versions',
  'tls_versions',
  'tls_ciphers',
  /** Response media type without parameters, lower case (`text/html`). */
  'content_types',
  /** x-edge-result-type: Hit, Miss, Error, … */
  'result_types',
  /** x-edge-response-result-type. */
  'response_result_types',
  /** x-edge-detailed-result-type: OriginShieldHit, OriginDnsError, … */
  'detailed_result_types',
  /** Path pattern of the cache behaviour that matched. */
  'cache_behaviors',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type Breakdowns = Record<Dimension, TopKeys>;

export function emptyBreakdowns(bound?: number): Breakdowns {
  const out = {} as Breakdowns;
  for (const d of DIMENSIONS) out[d] = emptyTopKeys(bound);
  return out;
}

export function mergeBreakdowns(a: Breakdowns, b: Breakdowns): Breakdowns {
  const out = {} as Breakdowns;
  for (const d of DIMENSIONS) out[d] = mergeTopKeys(a[d], b[d]);
  return out;
}

const isEmpty = (t: TopKeys): boolean => t.keys.size === 0 && t.other.count === 0 && t.other.bytes === 0;

/** The stored form: the dimensions that hold anything, in `DIMENSIONS` order (so equal summaries give equal bytes); an absent one is empty. */
export function breakdownsToJson(b: Breakdowns): Partial<Record<Dimension, ReturnType<typeof topKeysToJson>>> {
  const out: Partial<Record<Dimension, ReturnType<typeof topKeysToJson>>> = {};
  for (const d of DIMENSIONS) if (!isEmpty(b[d])) out[d] = topKeysToJson(b[d]);
  return out;
}

/** Reads `breakdownsToJson`'s form back (each dimension validated by `topKeysFromJson`). */
export function breakdownsFromJson(json: Partial<Record<Dimension, unknown>>): Breakdowns {
  const out = {} as Breakdowns;
  for (const d of DIMENSIONS) out[d] = json[d] === undefined ? emptyTopKeys() : topKeysFromJson(json[d]);
  return out;
}
