/**
 * Deterministic, realistic CloudFront traffic: request records, the real-time and standard log
 * lines CloudFront would write for them (reference/formats.md §1 and §2), and gzip objects named
 * the way Firehose and standard logging name them. Used by `letsflow demo` and the benchmark.
 *
 * Everything is a pure function of the options (seed included): the same options give the same
 * records, the same lines and byte-identical objects (Node's gzip header has mtime 0).
 *
 * Record values are what was on the wire (a path the client sent percent-encoded stays
 * percent-encoded); the formatters apply CloudFront's own escaping once (§1.3, §2.2), so
 * `%3A` sent by a client is logged as `%253A`, exactly like the real thing.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_FIELD_LIST, FIELD_LIST_PRESETS } from '../../formats/fieldLists.js';

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/**
 * mulberry32: a seeded PRNG with 32 bits of state. Written out here (it is five lines) because
 * `Math.random` cannot be seeded, and fast-check is a dev dependency whose arbitraries are made
 * for property tests, not for drawing millions of values per second at runtime. Its statistical
 * quality is plenty for synthetic traffic; it is not for anything security-related.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Samples an index from fixed weights by binary search over the cumulative sums. */
class WeightedIndex {
  private readonly cdf: Float64Array;

  constructor(weights: readonly number[]) {
    this.cdf = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) sum += weights[i]!;
    let acc = 0;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i]! / sum;
      this.cdf[i] = acc;
    }
    this.cdf[weights.length - 1] = 1;
  }

  sample(u: number): number {
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function zipfWeights(n: number, s: number): number[] {
  const weights: number[] = [];
  for (let k = 1; k <= n; k++) weights.push(1 / Math.pow(k, s));
  return weights;
}

function weightedOf<T>(entries: readonly (readonly [T, number])[]): { items: T[]; index: WeightedIndex } {
  return { items: entries.map((e) => e[0]), index: new WeightedIndex(entries.map((e) => e[1])) };
}

/** Exponential with the given mean, plus a Pareto tail on ~2 % of draws (latencies have long tails). */
function longTail(rng: Rng, mean: number): number {
  let v = -mean * Math.log(1 - rng());
  if (rng() < 0.02) v *= Math.min(200, Math.pow(1 - rng(), -1 / 1.3));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Request records

export type ResultType =
  | 'Hit'
  | 'RefreshHit'
  | 'Miss'
  | 'Error'
  | 'Redirect'
  | 'FunctionGeneratedResponse';

/** Common Media Client Data a player sent (only on media segment requests), as logged. */
export interface CmcdValues {
  readonly encodedBitrate: string;
  readonly bufferLength: string;
  readonly contentId: string;
  readonly objectDuration: string;
  readonly measuredThroughput: string;
  readonly nextObjectRequest: string;
  readonly objectType: string;
  readonly playbackRate: string;
  readonly streamingFormat: string;
  readonly sessionId: string;
  readonly streamType: string;
  readonly topBitrate: string;
  readonly version: string;
}

/**
 * One viewer request, as plain data. Strings are the wire values (not yet escaped for the log);
 * `''` means absent (logged as `-`), and so does `null` for numbers. Durations are seconds with
 * millisecond precision.
 */
export interface DemoRequest {
  /** When the edge finished responding (log column 1), epoch ms. */
  timestampMs: number;
  /** When the record reached the Kinesis stream, epoch ms; always >= timestampMs. Records come in this order. */
  arrivalMs: number;
  /** HTTP status; 0 is logged as `000` (viewer closed the connection first). */
  status: number;
  /** sc-bytes: bytes sent to the viewer, headers included. */
  bytes: number;
  /** cs-bytes: bytes received from the viewer, headers included. */
  requestBytes: number;
  method: string;
  /** Path as the client sent it (may hold percent-escapes), without the query. */
  path: string;
  /** Query as the client sent it, without `?`; `''` when there was none. */
  query: string;
  /** Host header the viewer sent (real-time `cs-host`, standard `x-host-header`). */
  host: string;
  /** The distribution's domain name (real-time `x-host-header`, standard `cs(Host)`). */
  distributionHost: string;
  edge: string;
  serverIp: string;
  requestId: string;
  clientIp: string;
  clientIpVersion: 'IPv4' | 'IPv6';
  clientPort: number;
  country: string;
  asn: number;
  forwardedFor: string;
  userAgent: string;
  referer: string;
  cookie: string;
  accept: string;
  acceptEncoding: string;
  acceptLanguage: string;
  /** x-edge-result-type (after the last byte left). */
  resultType: ResultType;
  /** x-edge-response-result-type (just before the response was returned). */
  responseResultType: ResultType;
  detailedResultType: string;
  timeTaken: number;
  ttfb: number;
  originFbl: number | null;
  originLbl: number | null;
  protocol: 'http' | 'https';
  protocolVersion: string;
  sslProtocol: string;
  sslCipher: string;
  contentType: string;
  contentLength: number | null;
  rangeStart: number | null;
  rangeEnd: number | null;
  cacheBehavior: string;
  connectionId: string;
  cmcd: CmcdValues | null;
}

export interface GenerateRequestsOptions {
  /** Same seed, same records. Default 1. */
  readonly seed?: number;
  /** Inclusive start, epoch ms (UTC). */
  readonly startMs: number;
  /** Exclusive end, epoch ms (UTC). */
  readonly endMs: number;
  /** Mean request rate over a day; the diurnal curve moves it up and down. Default 2000. */
  readonly requestsPerHour?: number;
  /** Stop after this many records. */
  readonly maxRequests?: number;
  /** Relative swing of the diurnal curve, 0 (flat) to 0.9. Peak ~15:00 UTC, trough ~03:00 UTC. Default 0.55. */
  readonly diurnalAmplitude?: number;
  /** The distribution's domain. Default `d3dem01etsf10w.cloudfront.net`. */
  readonly distributionHost?: string;
  /** The site's main CNAME; `apex` derives from it. Default `www.example.com`. */
  readonly viewerHost?: string;
}

type PathKind =
  | 'page'
  | 'script'
  | 'style'
  | 'image'
  | 'font'
  | 'api'
  | 'events'
  | 'pixel'
  | 'health'
  | 'media'
  | 'playlist'
  | 'download'
  | 'text'
  | 'probe'
  | 'redirect';

type QueryKind = 'none' | 'search' | 'items' | 'pixel' | 'version' | 'campaign';

interface PathEntry {
  readonly path: string;
  readonly kind: PathKind;
  readonly contentType: string;
  /** Typical body size in bytes. */
  readonly size: number;
  readonly behavior: string;
  readonly query: QueryKind;
  readonly hitRatio: number;
}

type ClientKind = 'browser' | 'crawler' | 'tool' | 'scanner' | 'monitor';

interface Client {
  readonly kind: ClientKind;
  readonly ip: string;
  readonly ipVersion: 'IPv4' | 'IPv6';
  readonly country: string;
  readonly asn: number;
  readonly edges: readonly Edge[];
  readonly userAgent: string;
  readonly acceptEncoding: string;
  readonly acceptLanguage: string;
  readonly cookie: string;
  readonly forwardedFor: string;
  /** Share of requests over plain http (redirected to https). */
  readonly httpShare: number;
  readonly versions: readonly string[];
  /** Bytes per second the viewer downloads at. */
  readonly bandwidth: number;
  /** Connections the client rotates through (one per 10 minutes of wall time). */
  readonly connectionIds: readonly string[];
  readonly sessionId: string;
}

interface Edge {
  readonly code: string;
  readonly serverIps: readonly string[];
}

// Ten real-looking POPs: IATA code + number + suffix.
const EDGE_DEFS: readonly (readonly [string, string])[] = [
  ['LHR61-P1', '18.66.'],
  ['MAN51-C1', '3.160.'],
  ['FRA56-P3', '108.156.'],
  ['CDG50-P2', '13.224.'],
  ['AMS58-P4', '143.204.'],
  ['IAD89-C1', '52.84.'],
  ['SEA19-C2', '65.8.'],
  ['SFO53-P9', '54.230.'],
  ['NRT57-P2', '99.84.'],
  ['GRU3-C1', '18.68.'],
];

interface CountryDef {
  readonly code: string;
  readonly weight: number;
  readonly edges: readonly string[];
  readonly asns: readonly number[];
  readonly v4: readonly number[];
  readonly v6: readonly string[];
  readonly languages: readonly string[];
}

const COUNTRIES: readonly CountryDef[] = [
  { code: 'US', weight: 34, edges: ['IAD89-C1', 'SEA19-C2', 'SFO53-P9'], asns: [7922, 7018, 701, 20115, 22773], v4: [24, 73, 98, 108, 174], v6: ['2600:1700', '2601:646'], languages: ['en-US,en;q=0.9'] },
  { code: 'GB', weight: 20, edges: ['LHR61-P1', 'LHR61-P1', 'MAN51-C1'], asns: [2856, 5089, 5607, 12576], v4: [81, 86, 90, 109], v6: ['2a00:23c5', '2a02:c7c'], languages: ['en-GB,en;q=0.9', 'en-GB,en-US;q=0.9,en;q=0.8'] },
  { code: 'DE', weight: 12, edges: ['FRA56-P3'], asns: [3320, 3209, 6805], v4: [79, 84, 91, 93], v6: ['2003:e5', '2a02:8108'], languages: ['de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7', 'de,en;q=0.9'] },
  { code: 'FR', weight: 8, edges: ['CDG50-P2'], asns: [3215, 12322, 15557], v4: [78, 82, 90, 92], v6: ['2a01:cb00', '2a01:e0a'], languages: ['fr-FR,fr;q=0.9,en;q=0.8'] },
  { code: 'NL', weight: 4, edges: ['AMS58-P4'], asns: [1136, 33915], v4: [77, 83, 94], v6: ['2a02:a46'], languages: ['nl-NL,nl;q=0.9,en;q=0.8'] },
  { code: 'JP', weight: 6, edges: ['NRT57-P2'], asns: [2516, 4713, 17676], v4: [106, 110, 126, 153], v6: ['240b:10', '2400:4051'], languages: ['ja,en-US;q=0.9,en;q=0.8'] },
  { code: 'BR', weight: 5, edges: ['GRU3-C1'], asns: [28573, 26599, 18881], v4: [177, 179, 187, 189, 201], v6: ['2804:14c'], languages: ['pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7'] },
  { code: 'IE', weight: 2, edges: ['LHR61-P1'], asns: [5466, 6830], v4: [37, 86, 89], v6: ['2a02:8084'], languages: ['en-IE,en;q=0.9'] },
  { code: 'CA', weight: 4, edges: ['SEA19-C2', 'IAD89-C1'], asns: [812, 577], v4: [24, 70, 142], v6: ['2607:fea8'], languages: ['en-CA,en;q=0.9,fr-CA;q=0.8'] },
  { code: 'ES', weight: 2, edges: ['CDG50-P2'], asns: [3352, 12479], v4: [79, 83, 88], v6: ['2a0c:5a80'], languages: ['es-ES,es;q=0.9'] },
  { code: 'PL', weight: 2, edges: ['FRA56-P3'], asns: [5617, 12741], v4: [31, 83, 89], v6: ['2a01:112f'], languages: ['pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7'] },
];

interface UaDef {
  readonly ua: string;
  readonly kind: ClientKind;
  readonly weight: number;
  readonly acceptEncoding: string;
  /** Fixed network for bots that crawl from their operator's own ranges. */
  readonly net?: { readonly prefix: string; readonly asn: number; readonly country: string };
}

const CHROME_AE = 'gzip, deflate, br, zstd';
const SAFARI_AE = 'gzip, deflate, br';

// ~33 user agents, weighted within their kind. Several contain '+' (must stay literal), '[ ]'
// and '"'-free punctuation; one has non-ASCII bytes (logged as %C3%BC).
const USER_AGENTS: readonly UaDef[] = [
  { kind: 'browser', weight: 24, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' },
  { kind: 'browser', weight: 8, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0' },
  { kind: 'browser', weight: 12, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' },
  { kind: 'browser', weight: 9, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15' },
  { kind: 'browser', weight: 5, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' },
  { kind: 'browser', weight: 1, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:126.0) Gecko/20100101 Firefox/126.0' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0' },
  { kind: 'browser', weight: 18, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1' },
  { kind: 'browser', weight: 3, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1' },
  { kind: 'browser', weight: 3, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.51 Mobile/15E148 Safari/604.1' },
  { kind: 'browser', weight: 10, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36' },
  { kind: 'browser', weight: 6, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36' },
  { kind: 'browser', weight: 2, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/465.0.0.44.107;FBBV/610131578;FBDV/iPhone12,1;FBMD/iPhone;FBSN/iOS;FBSV/16.7.8;FBSS/2;FBCR/;FBID/phone;FBLC/en_GB;FBOP/5]' },
  { kind: 'browser', weight: 1, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/AP1A.240505.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.179 Mobile Safari/537.36 Instagram 330.0.0.40.92 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; en_GB; 597277318)' },
  { kind: 'browser', weight: 0.5, acceptEncoding: 'gzip', ua: 'Bücherwurm/1.4 (Macintosh; macOS 14.4) CFNetwork/1494.0.7 Darwin/23.4.0' },
  { kind: 'crawler', weight: 10, acceptEncoding: 'gzip, deflate, br', ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', net: { prefix: '66.249.66.', asn: 15169, country: 'US' } },
  { kind: 'crawler', weight: 6, acceptEncoding: 'gzip, deflate, br', ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', net: { prefix: '66.249.68.', asn: 15169, country: 'US' } },
  { kind: 'crawler', weight: 5, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', net: { prefix: '157.55.39.', asn: 8075, country: 'US' } },
  { kind: 'crawler', weight: 2, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', net: { prefix: '5.255.231.', asn: 13238, country: 'RU' } },
  { kind: 'crawler', weight: 4, acceptEncoding: 'gzip, deflate, br', ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', net: { prefix: '20.171.207.', asn: 8075, country: 'US' } },
  { kind: 'crawler', weight: 3, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', net: { prefix: '54.36.148.', asn: 16276, country: 'FR' } },
  { kind: 'crawler', weight: 2, acceptEncoding: 'gzip, deflate', ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', net: { prefix: '69.171.249.', asn: 32934, country: 'US' } },
  { kind: 'crawler', weight: 1, acceptEncoding: 'gzip,deflate', ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', net: { prefix: '3.89.94.', asn: 14618, country: 'US' } },
  { kind: 'crawler', weight: 1, acceptEncoding: 'gzip', ua: 'Twitterbot/1.0', net: { prefix: '199.16.157.', asn: 13414, country: 'US' } },
  { kind: 'tool', weight: 5, acceptEncoding: '', ua: 'curl/8.5.0' },
  { kind: 'tool', weight: 4, acceptEncoding: 'gzip, deflate', ua: 'python-requests/2.31.0' },
  { kind: 'tool', weight: 3, acceptEncoding: 'gzip', ua: 'Go-http-client/2.0' },
  { kind: 'tool', weight: 2, acceptEncoding: 'gzip', ua: 'okhttp/4.12.0' },
  { kind: 'tool', weight: 1, acceptEncoding: 'identity', ua: 'Wget/1.21.4' },
  { kind: 'scanner', weight: 3, acceptEncoding: 'gzip', ua: 'Mozilla/5.0 zgrab/0.x' },
  { kind: 'scanner', weight: 2, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36' },
  { kind: 'monitor', weight: 1, acceptEncoding: '', ua: 'Amazon-Route53-Health-Check-Service (ref 7f1c3a22-1e0b-4a0e-9c44-2b7f3d2d0a11; report http://amzn.to/1vsZADi)', net: { prefix: '54.183.255.', asn: 16509, country: 'US' } },
];

// Cloud networks the tools and scanners run from.
const CLOUD_NETS: readonly (readonly [string, number, string])[] = [
  ['3.', 16509, 'US'],
  ['18.', 16509, 'US'],
  ['34.', 396982, 'US'],
  ['164.90.', 14061, 'DE'],
  ['45.33.', 63949, 'US'],
  ['167.94.', 398324, 'US'],
  ['185.220.', 208294, 'DE'],
];

const ACCEPT_HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const ACCEPT_IMAGE = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const ACCEPT_CSS = 'text/css,*/*;q=0.1';
const ACCEPT_JSON = 'application/json, text/plain, */*';
const ACCEPT_ANY = '*/*';

const HTML = 'text/html; charset=utf-8';

const EXTERNAL_REFERERS: readonly (readonly [string, number])[] = [
  ['https://www.google.com/', 30],
  ['https://www.bing.com/', 4],
  ['https://duckduckgo.com/', 3],
  ['https://t.co/', 3],
  ['https://l.facebook.com/', 2],
  ['https://www.linkedin.com/', 2],
  ['https://news.ycombinator.com/', 2],
  ['https://www.reddit.com/r/webdev/comments/1c8xyz/letsflow_a_streaming_log_etl/', 1],
  ['https://github.com/', 2],
  ['android-app://com.google.android.gm/', 1],
];

const SEARCH_TERMS = [
  'shoes', 'blue+shoes', 'hello%20world', 'caf%C3%A9', 'gift+card', 'return+policy', 'size%20guide',
  'sale', 'running', 'cloudfront%20logs', 'jacket', 'wool+socks', '%22exact+phrase%22', 'c%2B%2B',
];
const CAMPAIGNS = [
  'utm_source=newsletter&utm_medium=email&utm_campaign=spring_launch',
  'utm_source=twitter&utm_medium=social&utm_campaign=launch_week',
  'utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KCQjw3tCyBhDBARIsAEY0XNkq1',
  'fbclid=IwAR2F4-dbP0l7Mn7v3d1gT6z9yQk8rJc',
  'ref=producthunt',
];
const CATEGORIES = ['shoes', 'jackets', 'accessories', 'sale', 'new-in', 'kids'];
const SORTS = ['price', '-price', 'popular', 'newest'];
const TIMEZONES = ['Europe%2FLondon', 'America%2FNew_York', 'Europe%2FBerlin', 'Asia%2FTokyo', 'America%2FSao_Paulo'];
const RESOLUTIONS = ['1920x1080', '1440x900', '390x844', '412x915', '2560x1440', '1366x768'];

const CIPHERS_13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const CIPHERS_12 = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'];

const HOT_PATHS: readonly PathEntry[] = [
  { path: '/', kind: 'page', contentType: HTML, size: 18_432, behavior: '*', query: 'campaign', hitRatio: 0.8 },
  { path: '/index.html', kind: 'page', contentType: HTML, size: 18_432, behavior: '*', query: 'none', hitRatio: 0.8 },
  { path: '/assets/app.js', kind: 'script', contentType: 'application/javascript', size: 245_760, behavior: '/assets/*', query: 'version', hitRatio: 0.95 },
  { path: '/assets/app.css', kind: 'style', contentType: 'text/css', size: 48_221, behavior: '/assets/*', query: 'version', hitRatio: 0.95 },
  { path: '/api/v1/session', kind: 'api', contentType: 'application/json', size: 612, behavior: '/api/*', query: 'none', hitRatio: 0 },
  { path: '/favicon.ico', kind: 'image', contentType: 'image/x-icon', size: 15_086, behavior: '*', query: 'none', hitRatio: 0.97 },
  { path: '/assets/vendor.js', kind: 'script', contentType: 'application/javascript', size: 412_004, behavior: '/assets/*', query: 'version', hitRatio: 0.96 },
  { path: '/api/v1/items', kind: 'api', contentType: 'application/json', size: 6_480, behavior: '/api/*', query: 'items', hitRatio: 0 },
  { path: '/i', kind: 'pixel', contentType: 'image/gif', size: 43, behavior: '/i', query: 'pixel', hitRatio: 0 },
  { path: '/assets/fonts/inter-var.woff2', kind: 'font', contentType: 'font/woff2', size: 98_116, behavior: '/assets/*', query: 'none', hitRatio: 0.97 },
  { path: '/search', kind: 'page', contentType: HTML, size: 24_310, behavior: '*', query: 'search', hitRatio: 0.15 },
  { path: '/assets/img/logo.svg', kind: 'image', contentType: 'image/svg+xml', size: 3_204, behavior: '/assets/*', query: 'none', hitRatio: 0.97 },
  { path: '/api/v1/events', kind: 'events', contentType: 'application/json', size: 21, behavior: '/api/*', query: 'none', hitRatio: 0 },
  { path: '/robots.txt', kind: 'text', contentType: 'text/plain', size: 312, behavior: '*', query: 'none', hitRatio: 0.9 },
  { path: '/healthz', kind: 'health', contentType: 'application/json', size: 15, behavior: '/healthz', query: 'none', hitRatio: 0 },
  { path: '/blog/', kind: 'page', contentType: HTML, size: 31_870, behavior: '*', query: 'campaign', hitRatio: 0.75 },
  { path: '/pricing', kind: 'page', contentType: HTML, size: 22_118, behavior: '*', query: 'campaign', hitRatio: 0.75 },
  { path: '/about', kind: 'page', contentType: HTML, size: 16_950, behavior: '*', query: 'none', hitRatio: 0.75 },
  { path: '/sitemap.xml', kind: 'text', contentType: 'application/xml', size: 41_007, behavior: '*', query: 'none', hitRatio: 0.9 },
  { path: '/manifest.webmanifest', kind: 'text', contentType: 'application/manifest+json', size: 602, behavior: '/assets/*', query: 'none', hitRatio: 0.95 },
];

const PROBES = [
  '/wp-login.php', '/.env', '/.git/config', '/xmlrpc.php', '/admin/', '/phpmyadmin/index.php',
  '/cgi-bin/luci/;stok=/locale', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/actuator/health', '/server-status', '/wp-content/plugins/revslider/temp/update_extract/x.php',
  '/.aws/credentials', '/owa/auth/logon.aspx', '/%2e%2e/%2e%2e/etc/passwd',
];

const WORDS = [
  'streaming', 'cloudfront', 'logs', 'edge', 'cache', 'latency', 'gzip', 'kinesis', 'firehose',
  'window', 'watermark', 'dedupe', 'traffic', 'analytics', 'percentile', 'origin', 'shield',
  'bots', 'spring', 'sale', 'guide', 'release', 'notes', 'pricing', 'migration', 'athena',
];
const PRODUCT_WORDS = ['trail', 'runner', 'wool', 'parka', 'canvas', 'tote', 'linen', 'shirt', 'denim', 'boot', 'merino', 'cap'];

interface Catalog {
  readonly paths: readonly PathEntry[];
  readonly pathIndex: WeightedIndex;
  readonly probeEntries: readonly PathEntry[];
  readonly crawlable: readonly PathEntry[];
  readonly pageUrls: readonly string[];
  readonly clients: readonly Client[];
  readonly clientIndex: WeightedIndex;
  /** Media segment path → the next segment's path (CMCD `nor`). */
  readonly nextSegment: ReadonlyMap<string, string>;
  readonly health: PathEntry;
}

/** Fixed seed for the site (paths, clients): traffic seeds vary the requests, not the site. */
const CATALOG_SEED = 0x1e75f10;

function hexGroup(rng: Rng): string {
  return Math.floor(rng() * 0x10000).toString(16);
}

function buildCatalog(viewerHost: string): Catalog {
  const rng = mulberry32(CATALOG_SEED);
  const tail: PathEntry[] = [];
  const slug = (n: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(pick(rng, WORDS));
    return parts.join('-');
  };
  for (let i = 0; i < 60; i++) {
    tail.push({ path: `/blog/${2023 + (i % 3)}/${slug(3)}-${i}`, kind: 'page', contentType: HTML, size: 25_000 + Math.floor(rng() * 40_000), behavior: '*', query: rng() < 0.3 ? 'campaign' : 'none', hitRatio: 0.7 });
  }
  for (let i = 0; i < 80; i++) {
    tail.push({ path: `/products/${pick(rng, PRODUCT_WORDS)}-${pick(rng, PRODUCT_WORDS)}-${1000 + i}`, kind: 'page', contentType: HTML, size: 30_000 + Math.floor(rng() * 30_000), behavior: '*', query: 'none', hitRatio: 0.65 });
  }
  const imageTypes: readonly (readonly [string, string])[] = [['webp', 'image/webp'], ['png', 'image/png'], ['jpg', 'image/jpeg'], ['avif', 'image/avif']];
  for (let i = 0; i < 50; i++) {
    const [ext, type] = pick(rng, imageTypes);
    tail.push({ path: `/assets/img/${pick(rng, PRODUCT_WORDS)}-${i}.${ext}`, kind: 'image', contentType: type, size: 8_000 + Math.floor(rng() * 400_000), behavior: '/assets/*', query: 'none', hitRatio: 0.93 });
  }
  for (let i = 0; i < 50; i++) {
    tail.push({ path: `/docs/${pick(rng, WORDS)}/${slug(2)}`, kind: 'page', contentType: HTML, size: 12_000 + Math.floor(rng() * 30_000), behavior: '/docs/*', query: 'none', hitRatio: 0.85 });
  }
  for (let i = 0; i < 30; i++) {
    tail.push({ path: `/api/v1/items/${4100 + i * 7}`, kind: 'api', contentType: 'application/json', size: 900 + Math.floor(rng() * 3_000), behavior: '/api/*', query: 'none', hitRatio: 0 });
  }
  tail.push({ path: '/api/v1/cart', kind: 'api', contentType: 'application/json', size: 1_480, behavior: '/api/*', query: 'none', hitRatio: 0 });
  tail.push({ path: '/api/v1/users/me', kind: 'api', contentType: 'application/json', size: 820, behavior: '/api/*', query: 'none', hitRatio: 0 });
  const mediaSegments: string[] = [];
  for (let i = 1; i <= 24; i++) {
    const p = `/media/intro/1080p/seg-${String(i).padStart(5, '0')}.m4s`;
    mediaSegments.push(p);
    tail.push({ path: p, kind: 'media', contentType: 'video/iso.segment', size: 1_200_000 + Math.floor(rng() * 1_800_000), behavior: '/media/*', query: 'none', hitRatio: 0.92 });
  }
  tail.push({ path: '/media/intro/master.m3u8', kind: 'playlist', contentType: 'application/vnd.apple.mpegurl', size: 1_024, behavior: '/media/*', query: 'none', hitRatio: 0.9 });
  tail.push({ path: '/media/intro/1080p/init.mp4', kind: 'media', contentType: 'video/mp4', size: 1_412, behavior: '/media/*', query: 'none', hitRatio: 0.95 });
  for (const version of ['0.9.0', '0.9.1', '1.0.0', '1.0.1']) {
    tail.push({ path: `/downloads/letsflow-${version}.tar.gz`, kind: 'download', contentType: 'application/gzip', size: 38_000_000 + Math.floor(rng() * 4_000_000), behavior: '/downloads/*', query: 'none', hitRatio: 0.8 });
  }
  // Clients send these already percent-encoded; CloudFront logs them encoded once more.
  tail.push({ path: '/downloads/Annual%20Report%202025.pdf', kind: 'download', contentType: 'application/pdf', size: 4_812_337, behavior: '/downloads/*', query: 'none', hitRatio: 0.85 });
  tail.push({ path: '/blog/caf%C3%A9-culture-and-caching', kind: 'page', contentType: HTML, size: 27_911, behavior: '*', query: 'none', hitRatio: 0.7 });
  tail.push({ path: '/docs/~ops/runbook', kind: 'page', contentType: HTML, size: 14_300, behavior: '/docs/*', query: 'none', hitRatio: 0.8 });
  for (const p of ['/home', '/old-blog/', '/docs/latest', '/shop', '/products/legacy-boot-999']) {
    tail.push({ path: p, kind: 'redirect', contentType: HTML, size: 0, behavior: '*', query: 'none', hitRatio: 0.8 });
  }
  const probeEntries: PathEntry[] = PROBES.map((p) => ({ path: p, kind: 'probe', contentType: HTML, size: 915, behavior: '*', query: 'none', hitRatio: 0 }));
  tail.push(...probeEntries);

  // Deterministic shuffle so that ranks mix kinds.
  for (let i = tail.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = tail[i]!;
    tail[i] = tail[j]!;
    tail[j] = t;
  }
  const paths = [...HOT_PATHS, ...tail];
  const pathIndex = new WeightedIndex(zipfWeights(paths.length, 1.05));
  const crawlable = paths.filter((p) => p.kind === 'page' || p.kind === 'text' || p.kind === 'redirect');
  const pageUrls = paths
    .filter((p) => p.kind === 'page')
    .slice(0, 40)
    .map((p) => `https://${viewerHost}${p.path}`);

  // Clients.
  const edgeByCode = new Map<string, Edge>();
  for (const [code, net] of EDGE_DEFS) {
    const serverIps: string[] = [];
    for (let i = 0; i < 4; i++) serverIps.push(`${net}${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`);
    edgeByCode.set(code, { code, serverIps });
  }
  const edgesFor = (codes: readonly string[]): Edge[] => codes.map((c) => edgeByCode.get(c)!);
  const countryIndex = new WeightedIndex(COUNTRIES.map((c) => c.weight));
  const uaByKind = new Map<ClientKind, { items: UaDef[]; index: WeightedIndex }>();
  for (const kind of ['browser', 'crawler', 'tool', 'scanner', 'monitor'] as const) {
    const defs = USER_AGENTS.filter((u) => u.kind === kind);
    uaByKind.set(kind, weightedOf(defs.map((d) => [d, d.weight] as const)));
  }
  const kindIndex = weightedOf<ClientKind>([['browser', 82], ['crawler', 8], ['tool', 6], ['scanner', 3], ['monitor', 1]]);
  const idBytes = Buffer.alloc(24);
  const randomId = (n: number): string => {
    for (let i = 0; i < n; i++) idBytes[i] = Math.floor(rng() * 256);
    return idBytes.subarray(0, n).toString('base64url');
  };
  const clients: Client[] = [];
  for (let i = 0; i < 800; i++) {
    const kind = kindIndex.items[kindIndex.index.sample(rng())]!;
    const uas = uaByKind.get(kind)!;
    const ua = uas.items[uas.index.sample(rng())]!;
    const country = COUNTRIES[countryIndex.sample(rng())]!;
    let ip: string;
    let ipVersion: 'IPv4' | 'IPv6' = 'IPv4';
    let asn: number;
    let countryCode: string;
    let edges: Edge[];
    if (ua.net !== undefined) {
      ip = `${ua.net.prefix}${1 + Math.floor(rng() * 254)}`;
      asn = ua.net.asn;
      countryCode = ua.net.country;
      edges = countryCode === 'US' ? edgesFor(['IAD89-C1', 'SEA19-C2', 'SFO53-P9']) : edgesFor(['FRA56-P3', 'AMS58-P4']);
    } else if (kind !== 'browser') {
      const [prefix, cloudAsn, cc] = pick(rng, CLOUD_NETS);
      const octets = prefix.split('.').length - 1;
      const rest: number[] = [];
      for (let k = octets; k < 4; k++) rest.push(k === 3 ? 1 + Math.floor(rng() * 254) : Math.floor(rng() * 256));
      ip = prefix + rest.join('.');
      asn = cloudAsn;
      countryCode = cc;
      edges = cc === 'US' ? edgesFor(['IAD89-C1', 'SFO53-P9']) : edgesFor(['FRA56-P3']);
    } else {
      countryCode = country.code;
      asn = pick(rng, country.asns);
      edges = edgesFor(country.edges);
      if (rng() < 0.18) {
        ipVersion = 'IPv6';
        const groups: string[] = [];
        for (let k = 0; k < 6; k++) groups.push(hexGroup(rng));
        ip = `${pick(rng, country.v6)}:${groups.join(':')}`;
      } else {
        ip = `${pick(rng, country.v4)}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`;
      }
    }
    const versions: string[] =
      kind === 'browser'
        ? ua.ua.includes('Safari') || ua.ua.includes('Firefox')
          ? ['HTTP/2.0', 'HTTP/2.0', 'HTTP/2.0', 'HTTP/3.0', 'HTTP/3.0', 'HTTP/1.1']
          : ['HTTP/2.0', 'HTTP/1.1']
        : kind === 'crawler'
          ? ['HTTP/1.1', 'HTTP/2.0']
          : kind === 'scanner'
            ? ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0']
            : ['HTTP/1.1', 'HTTP/2.0'];
    const cookie =
      kind === 'browser' && rng() < 0.55
        ? `_ga=GA1.1.${100_000_000 + Math.floor(rng() * 900_000_000)}.${1_713_000_000 + Math.floor(rng() * 900_000)}; session=${randomId(18)}${rng() < 0.3 ? '; theme=dark' : ''}`
        : '';
    clients.push({
      kind,
      ip,
      ipVersion,
      country: countryCode,
      asn,
      edges,
      userAgent: ua.ua,
      acceptEncoding: ua.acceptEncoding,
      acceptLanguage: kind === 'browser' ? pick(rng, country.languages) : kind === 'crawler' ? 'en-US,en;q=0.5' : '',
      cookie,
      forwardedFor: kind === 'browser' && rng() < 0.03 ? `${pick(rng, country.v4)}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}` : '',
      httpShare: kind === 'browser' ? 0.03 : kind === 'scanner' ? 0.4 : kind === 'monitor' ? 0 : 0.08,
      versions,
      bandwidth: Math.exp(Math.log(4_000_000) + 1.1 * (rng() + rng() + rng() - 1.5)),
      connectionIds: [0, 1, 2, 3, 4, 5].map(() => randomId(24)),
      sessionId: `${randomId(6)}-${randomId(3)}`,
    });
  }
  const clientIndex = new WeightedIndex(zipfWeights(clients.length, 0.9));
  const health = paths.find((p) => p.kind === 'health')!;
  const nextSegment = new Map<string, string>();
  for (let i = 0; i + 1 < mediaSegments.length; i++) nextSegment.set(mediaSegments[i]!, mediaSegments[i + 1]!);
  return { paths, pathIndex, probeEntries, crawlable, pageUrls, clients, clientIndex, nextSegment, health };
}

const catalogs = new Map<string, Catalog>();
function catalogFor(viewerHost: string): Catalog {
  let c = catalogs.get(viewerHost);
  if (c === undefined) {
    c = buildCatalog(viewerHost);
    catalogs.set(viewerHost, c);
  }
  return c;
}

export const DEMO_DISTRIBUTION_HOST = 'd3dem01etsf10w.cloudfront.net';
export const DEMO_DISTRIBUTION_ID = 'E2DEM01ETSF10W';
export const DEMO_VIEWER_HOST = 'www.example.com';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const referersIndex = weightedOf(EXTERNAL_REFERERS);
const apiMethods = weightedOf([['GET', 80], ['POST', 12], ['OPTIONS', 5], ['PUT', 2], ['DELETE', 1]] as const);

/**
 * Request records for `[startMs, endMs)`, in arrival order (the order Firehose would write them).
 * Event timestamps run slightly behind arrival by a random, long-tailed delay, so they are out of
 * order the way real logs are, but always within the range.
 */
export function* generateRequests(options: GenerateRequestsOptions): Generator<DemoRequest, void, undefined> {
  const rng = mulberry32(options.seed ?? 1);
  const start = Math.ceil(options.startMs);
  const end = options.endMs;
  const perHour = options.requestsPerHour ?? 2000;
  const max = options.maxRequests ?? Infinity;
  const amplitude = Math.min(0.9, Math.max(0, options.diurnalAmplitude ?? 0.55));
  const distributionHost = options.distributionHost ?? DEMO_DISTRIBUTION_HOST;
  const viewerHost = options.viewerHost ?? DEMO_VIEWER_HOST;
  const apexHost = viewerHost.startsWith('www.') ? viewerHost.slice(4) : viewerHost;
  if (!(perHour > 0) || !(end > start) || max <= 0) return;
  const cat = catalogFor(viewerHost);
  const idBuf = Buffer.alloc(40);
  const idWords = new Uint32Array(idBuf.buffer, idBuf.byteOffset, 10);

  let t = start;
  let minute = -1;
  let hour = -1;
  let hourFactor = 1;
  let rate = 0;
  let count = 0;
  for (;;) {
    const m = Math.floor(t / 60_000);
    if (m !== minute) {
      minute = m;
      const h = Math.floor(t / HOUR_MS);
      if (h !== hour) {
        hour = h;
        hourFactor = 0.85 + 0.3 * rng();
      }
      const hourOfDay = (((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
      rate = (perHour / HOUR_MS) * hourFactor * (1 + amplitude * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24));
    }
    t += -Math.log(1 - rng()) / rate;
    if (t >= end || count >= max) return;
    count++;

    const arrivalMs = Math.floor(t);
    let lag = 30 + Math.floor(longTail(rng, 400));
    if (lag > 20_000) lag = 20_000;
    let timestampMs = arrivalMs - lag;
    // Near the range start, spread instead of clamping (a clamp would pile events onto startMs).
    if (timestampMs < start) timestampMs = start + Math.floor(rng() * (arrivalMs - start + 1));

    const client = cat.clients[cat.clientIndex.sample(rng())]!;
    let entry: PathEntry;
    if (client.kind === 'scanner' && rng() < 0.6) entry = pick(rng, cat.probeEntries);
    else if (client.kind === 'crawler' && rng() < 0.5) entry = pick(rng, cat.crawlable);
    else if (client.kind === 'monitor') entry = cat.health;
    else entry = cat.paths[cat.pathIndex.sample(rng())]!;
    const kind = entry.kind;

    const edge = client.edges.length === 1 ? client.edges[0]! : pick(rng, client.edges);
    const protocol: 'http' | 'https' = rng() < client.httpShare ? 'http' : 'https';
    let protocolVersion = protocol === 'http' ? 'HTTP/1.1' : pick(rng, client.versions);
    let sslProtocol = '';
    let sslCipher = '';
    if (protocol === 'https') {
      if (protocolVersion === 'HTTP/3.0' || rng() < 0.85) {
        sslProtocol = 'TLSv1.3';
        sslCipher = pick(rng, CIPHERS_13);
      } else {
        sslProtocol = 'TLSv1.2';
        sslCipher = pick(rng, CIPHERS_12);
      }
    } else if (protocolVersion === 'HTTP/3.0') protocolVersion = 'HTTP/1.1';

    let method = 'GET';
    if (kind === 'api') method = apiMethods.items[apiMethods.index.sample(rng())]!;
    else if (kind === 'events') method = rng() < 0.92 ? 'POST' : 'OPTIONS';
    else if (client.kind === 'monitor' || (client.kind === 'tool' && rng() < 0.15)) method = rng() < 0.5 ? 'HEAD' : 'GET';
    else if (rng() < 0.004) method = 'HEAD';

    // Query as sent.
    let query = '';
    switch (entry.query) {
      case 'search':
        query = `q=${pick(rng, SEARCH_TERMS)}${rng() < 0.2 ? `&page=${2 + Math.floor(rng() * 5)}` : ''}`;
        break;
      case 'items':
        query = rng() < 0.6 ? `page=${1 + Math.floor(rng() * 20)}&limit=20` : `category=${pick(rng, CATEGORIES)}&sort=${pick(rng, SORTS)}`;
        break;
      case 'pixel':
        query = `stm=${timestampMs - 40 - Math.floor(rng() * 400)}&e=pv&url=https%3A%2F%2F${viewerHost}${encodeURIComponent(pick(rng, cat.pageUrls).slice(8 + viewerHost.length))}&tz=${pick(rng, TIMEZONES)}&res=${pick(rng, RESOLUTIONS)}`;
        break;
      case 'version':
        if (rng() < 0.35) query = 'v=3f9a1c2';
        break;
      case 'campaign':
        if (rng() < 0.1) query = pick(rng, CAMPAIGNS);
        break;
      default:
        break;
    }

    // Outcome.
    let status = 200;
    let responseResultType: ResultType;
    let resultType: ResultType;
    let detailed: string;
    let contentType = entry.contentType;
    let body = entry.size;
    let contentLength: number | null = null;
    let rangeStart: number | null = null;
    let rangeEnd: number | null = null;
    let fromOrigin = false;
    const cached = rng() < entry.hitRatio;
    const cacheResult: ResultType = cached ? (rng() < 0.04 ? 'RefreshHit' : 'Hit') : 'Miss';
    const roll = rng();
    if (protocol === 'http') {
      status = 301;
      responseResultType = 'Redirect';
      contentType = 'text/html';
      body = 167;
    } else if (kind === 'probe') {
      status = roll < 0.85 ? 404 : 403;
      responseResultType = 'Error';
      fromOrigin = status === 404;
      body = status === 404 ? 915 : 919;
      contentType = 'text/html';
    } else if (kind === 'pixel' || kind === 'health') {
      responseResultType = 'FunctionGeneratedResponse';
      if (kind === 'health') contentType = 'application/json';
    } else if (kind === 'redirect') {
      status = 301;
      responseResultType = cacheResult;
      fromOrigin = !cached;
      body = 0;
    } else if (kind === 'api' || kind === 'events') {
      fromOrigin = true;
      responseResultType = 'Miss';
      if (method === 'OPTIONS') body = 0;
      if (roll < 0.015) status = 403;
      else if (roll < 0.02) status = 404;
      else if (roll < 0.024) status = 500;
      else if (roll < 0.027) status = 503;
      if (status !== 200) {
        responseResultType = 'Error';
        body = 40 + Math.floor(rng() * 120);
      } else if (kind === 'api' && method === 'GET') {
        body = Math.floor(entry.size * (0.6 + 0.8 * rng()));
      }
    } else {
      responseResultType = cacheResult;
      fromOrigin = !cached || cacheResult === 'RefreshHit';
      if (kind === 'media' && entry.size > 10_000) {
        if (roll < 0.85) status = 206;
      } else if (kind === 'download') {
        if (roll < 0.3) status = 206;
      } else if (kind === 'page') {
        if (roll < 0.01) status = 404;
        else if (roll < 0.0115) status = 500;
        else if (roll < 0.013) status = 503;
        else if (roll < 0.045) status = 304;
      } else if (roll < 0.12 && (client.kind === 'browser' || client.kind === 'crawler')) {
        status = 304;
      } else if (kind === 'image' && roll < 0.123) {
        status = 404;
      }
      if (status >= 400) {
        responseResultType = 'Error';
        fromOrigin = true;
        contentType = 'text/html';
        body = 915 + Math.floor(rng() * 400);
      }
    }

    if (status === 200 || status === 206) {
      if (kind === 'page' || kind === 'api') body = Math.floor(body * (0.97 + 0.06 * rng()));
      contentLength = body;
      if (status === 206) {
        if (kind === 'media' || rng() < 0.3) {
          rangeStart = 0;
          rangeEnd = body - 1;
        } else {
          const chunk = 8 * 1024 * 1024;
          rangeStart = Math.floor((rng() * body) / chunk) * chunk;
          rangeEnd = Math.min(body - 1, rangeStart + chunk - 1);
        }
        body = rangeEnd - rangeStart + 1;
        contentLength = body;
      }
      if ((kind === 'api' || kind === 'page') && rng() < 0.25) contentLength = null; // chunked
      if (method === 'HEAD') body = 0;
    } else if (status === 304) {
      body = 0;
      contentType = '';
      responseResultType = cached ? cacheResult : 'Miss';
    } else if (status === 301) {
      contentLength = body;
    } else {
      contentLength = body;
    }

    let headerBytes = 260 + Math.floor(rng() * 260);
    if (status === 304 || status === 301) headerBytes = 180 + Math.floor(rng() * 160);
    let bytes = headerBytes + body;

    detailed = responseResultType;
    resultType = responseResultType;
    if (responseResultType === 'Miss' && rng() < 0.05) detailed = 'OriginShieldHit';
    else if (status === 503 && rng() < 0.5) detailed = 'OriginConnectError';
    else if (status === 500 && rng() < 0.3) detailed = 'OriginError';

    // Timings (seconds).
    let originFbl: number | null = null;
    let originLbl: number | null = null;
    let ttfb: number;
    if (fromOrigin) {
      const fbl = 0.008 + longTail(rng, kind === 'api' || kind === 'events' ? 0.09 : 0.045);
      originFbl = fbl;
      originLbl = fbl + body / 60_000_000 + longTail(rng, 0.002);
      ttfb = fbl + 0.001 + longTail(rng, 0.002);
    } else {
      ttfb = 0.001 + longTail(rng, kind === 'pixel' || kind === 'health' ? 0.002 : 0.006);
    }
    let timeTaken = ttfb + body / client.bandwidth + longTail(rng, 0.002);

    // Viewer went away before the response finished: logged as 000.
    if (rng() < 0.003 && status !== 301) {
      status = 0;
      resultType = 'Error';
      detailed = 'ClientCommError';
      bytes = rng() < 0.5 ? 0 : Math.floor(bytes * rng());
      contentLength = null;
      timeTaken += longTail(rng, 1.5);
    }

    const msTtfb = Math.max(1, Math.round(ttfb * 1000));
    const msTaken = Math.max(msTtfb, Math.round(timeTaken * 1000));

    let referer = '';
    if (client.kind === 'browser') {
      if (kind === 'page') {
        const r = rng();
        if (r < 0.25) referer = referersIndex.items[referersIndex.index.sample(rng())]!;
        else if (r < 0.55) referer = pick(rng, cat.pageUrls);
      } else if (kind !== 'probe' && kind !== 'download' && rng() < 0.97) {
        referer = pick(rng, cat.pageUrls);
      }
    }

    let accept = ACCEPT_ANY;
    if (client.kind === 'browser' || client.kind === 'crawler') {
      if (kind === 'page' || kind === 'redirect' || kind === 'probe') accept = ACCEPT_HTML;
      else if (kind === 'image' || kind === 'pixel') accept = ACCEPT_IMAGE;
      else if (kind === 'style') accept = ACCEPT_CSS;
      else if (kind === 'api' || kind === 'events') accept = ACCEPT_JSON;
    } else if (client.kind === 'monitor') accept = '';

    let host = viewerHost;
    const hr = rng();
    if (hr < 0.06) host = apexHost;
    else if (hr < 0.08) host = distributionHost;

    for (let i = 0; i < 10; i++) idWords[i] = (rng() * 4294967296) >>> 0;
    const requestId = `${idBuf.toString('base64url')}==`;

    let cmcd: CmcdValues | null = null;
    if (kind === 'media' && client.kind === 'browser' && entry.size > 10_000) {
      const next = cat.nextSegment.get(entry.path);
      cmcd = {
        encodedBitrate: String(pick(rng, [3200, 4500, 6000])),
        bufferLength: String(4000 + Math.floor(rng() * 26000)),
        contentId: 'intro',
        objectDuration: '4004',
        measuredThroughput: String(Math.round(client.bandwidth / 125)),
        nextObjectRequest: next ?? '',
        objectType: 'v',
        playbackRate: '1',
        streamingFormat: 'h',
        sessionId: client.sessionId,
        streamType: 'v',
        topBitrate: '6000',
        version: '1',
      };
    }

    yield {
      timestampMs,
      arrivalMs,
      status,
      bytes,
      requestBytes: 180 + Math.floor(rng() * 600) + (method === 'POST' || method === 'PUT' ? 200 + Math.floor(rng() * 1800) : 0) + client.cookie.length,
      method,
      path: entry.path,
      query,
      host,
      distributionHost,
      edge: edge.code,
      serverIp: edge.serverIps[Math.floor(rng() * edge.serverIps.length)]!,
      requestId,
      clientIp: client.ip,
      clientIpVersion: client.ipVersion,
      clientPort: 1024 + Math.floor(rng() * 64_511),
      country: client.country,
      asn: client.asn,
      forwardedFor: client.forwardedFor,
      userAgent: client.userAgent,
      referer,
      cookie: client.cookie,
      accept,
      acceptEncoding: client.acceptEncoding,
      acceptLanguage: client.acceptLanguage,
      resultType,
      responseResultType,
      detailedResultType: detailed,
      timeTaken: msTaken / 1000,
      ttfb: msTtfb / 1000,
      originFbl: originFbl === null ? null : Math.max(1, Math.round(originFbl * 1000)) / 1000,
      originLbl: originLbl === null ? null : Math.max(1, Math.round(originLbl * 1000)) / 1000,
      protocol,
      protocolVersion,
      sslProtocol,
      sslCipher,
      contentType,
      contentLength,
      rangeStart,
      rangeEnd,
      cacheBehavior: entry.behavior,
      connectionId: client.connectionIds[Math.floor(arrivalMs / 600_000) % client.connectionIds.length]!,
      cmcd,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding and line formatting

/** Characters CloudFront percent-encodes (formats.md §2.2): ASCII 0–32, >= 127, and < > " # % { } | \ ^ ~ [ ] ` '. */
const NEEDS_ESCAPE = /[\x00-\x20\x7f-\uffff<>"#%{}|\\^~[\]`']/;
const ESCAPE_TABLE: string[] = [];
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ESCAPE_TABLE.push(NEEDS_ESCAPE.test(ch) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : ch);
}

// The `u` flag hands astral characters (emoji) to escapeChar whole, so they encode as 4 UTF-8 bytes.
const ESCAPE_ALL = /[\x00-\x20\x7f-\u{10ffff}<>"#%{}|\\^~[\]`']/gu;
function escapeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 128) return ESCAPE_TABLE[c]!;
  let out = '';
  // A lone surrogate encodes as EF BF BD (U+FFFD), as Buffer does.
  for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * Escapes a wire value the way CloudFront writes it into a log (formats.md §2.2): bytes of
 * ASCII 0–32, >= 127 (as UTF-8) and `< > " # % { } | \ ^ ~ [ ] \` '` become `%XX`; `+` and the
 * rest stay literal. `''` becomes `-`. The result is always ASCII.
 */
export function cloudfrontEscape(value: string): string {
  if (value === '') return '-';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPE_ALL, escapeChar);
}

const ESCAPE_MEMO_LIMIT = 50_000;
const escapeMemo = new Map<string, string>();
/** cloudfrontEscape for values from small pools (user agents, referers, paths): memoized. */
function escapePooled(value: string): string {
  let out = escapeMemo.get(value);
  if (out === undefined) {
    out = cloudfrontEscape(value);
    if (escapeMemo.size >= ESCAPE_MEMO_LIMIT) escapeMemo.clear();
    escapeMemo.set(value, out);
  }
  return out;
}

const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) PAD3.push(String(i).padStart(3, '0'));
const STATUS_TEXT = new Map<number, string>();

function statusText(status: number): string {
  let s = STATUS_TEXT.get(status);
  if (s === undefined) {
    s = String(status).padStart(3, '0');
    STATUS_TEXT.set(status, s);
  }
  return s;
}

/** Epoch ms → `1600299221.087`. */
function epochSeconds3(ms: number): string {
  const whole = Math.floor(ms / 1000);
  return `${whole}.${PAD3[ms - whole * 1000]!}`;
}

/** Seconds → `0.168` (3 decimals). */
function seconds3(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const whole = Math.floor(ms / 1000);
  return `${whole}.${PAD3[ms - whole * 1000]!}`;
}

function optNumber(n: number | null): string {
  return n === null ? '-' : String(n);
}

function optSeconds(n: number | null): string {
  return n === null ? '-' : seconds3(n);
}

function orDash(s: string): string {
  return s === '' ? '-' : s;
}

// Queries are mostly unique (timestamps, page numbers), so they skip the memo; a line may need
// the escaped query twice (cs-uri-stem and cs-uri-query), hence this one-entry cache.
let lastQuery = '';
let lastQueryEscaped = '-';
function escapeQuery(query: string): string {
  if (query !== lastQuery) {
    lastQuery = query;
    lastQueryEscaped = cloudfrontEscape(query);
  }
  return lastQueryEscaped;
}

/** Escaped `path?query` as the real-time cs-uri-stem carries it. */
function stemWithQuery(r: DemoRequest): string {
  const p = escapePooled(r.path);
  return r.query === '' ? p : `${p}?${escapeQuery(r.query)}`;
}

interface HeaderPair {
  readonly name: string;
  readonly value: string;
}

function requestHeaders(r: DemoRequest): HeaderPair[] {
  const h: HeaderPair[] = [{ name: 'host', value: r.host }];
  if (r.userAgent !== '') h.push({ name: 'user-agent', value: r.userAgent });
  if (r.accept !== '') h.push({ name: 'accept', value: r.accept });
  if (r.acceptEncoding !== '') h.push({ name: 'accept-encoding', value: r.acceptEncoding });
  if (r.acceptLanguage !== '') h.push({ name: 'accept-language', value: r.acceptLanguage });
  if (r.referer !== '') h.push({ name: 'referer', value: r.referer });
  if (r.forwardedFor !== '') h.push({ name: 'x-forwarded-for', value: r.forwardedFor });
  if (r.method === 'POST' || r.method === 'PUT') h.push({ name: 'content-type', value: 'application/json' });
  if (r.cookie !== '') h.push({ name: 'cookie', value: r.cookie });
  return h;
}

/** Cuts an escaped value to 800 bytes without splitting a `%XX` escape. */
function cut800(s: string): string {
  if (s.length <= 800) return s;
  let end = 800;
  const pct = s.lastIndexOf('%', end - 1);
  if (pct > end - 3) end = pct;
  return s.slice(0, end);
}

function csHeaders(r: DemoRequest): string {
  // As in real records, the cookie header is named in cs-header-names but left out here.
  let out = '';
  for (const h of requestHeaders(r)) {
    if (h.name === 'cookie') continue;
    out += `${h.name}:${escapePooled(h.value)}%0A`;
  }
  return cut800(out);
}

function csHeaderNames(r: DemoRequest): string {
  let out = '';
  for (const h of requestHeaders(r)) out += `${h.name}%0A`;
  return cut800(out);
}

type Formatter = (r: DemoRequest) => string;

const dash: Formatter = () => '-';

const cmcdField =
  (key: keyof CmcdValues): Formatter =>
  (r) =>
    r.cmcd === null ? '-' : key === 'nextObjectRequest' ? escapePooled(r.cmcd[key]) : orDash(r.cmcd[key]);

/** How each real-time field (formats.md §1.2) is written. Fields not listed are written as `-`. */
const REALTIME_FORMATTERS: Readonly<Record<string, Formatter>> = {
  timestamp: (r) => epochSeconds3(r.timestampMs),
  'c-ip': (r) => r.clientIp,
  's-ip': (r) => r.serverIp,
  'time-to-first-byte': (r) => seconds3(r.ttfb),
  'sc-status': (r) => statusText(r.status),
  'sc-bytes': (r) => String(r.bytes),
  'cs-method': (r) => r.method,
  'cs-protocol': (r) => r.protocol,
  'cs-host': (r) => escapePooled(r.host),
  'cs-uri-stem': stemWithQuery,
  'cs-bytes': (r) => String(r.requestBytes),
  'x-edge-location': (r) => r.edge,
  'x-edge-request-id': (r) => r.requestId,
  'x-host-header': (r) => escapePooled(r.distributionHost),
  'time-taken': (r) => seconds3(r.timeTaken),
  'cs-protocol-version': (r) => r.protocolVersion,
  'c-ip-version': (r) => r.clientIpVersion,
  'cs-user-agent': (r) => escapePooled(r.userAgent),
  'cs-referer': (r) => escapePooled(r.referer),
  'cs-cookie': (r) => escapePooled(r.cookie.length > 800 ? r.cookie.slice(0, 800) : r.cookie),
  'cs-uri-query': (r) => escapeQuery(r.query),
  'x-edge-response-result-type': (r) => r.responseResultType,
  'x-forwarded-for': (r) => orDash(r.forwardedFor),
  'ssl-protocol': (r) => orDash(r.sslProtocol),
  'ssl-cipher': (r) => orDash(r.sslCipher),
  'x-edge-result-type': (r) => r.resultType,
  'fle-encrypted-fields': dash,
  'fle-status': dash,
  'sc-content-type': (r) => escapePooled(r.contentType),
  'sc-content-len': (r) => optNumber(r.contentLength),
  'sc-range-start': (r) => optNumber(r.rangeStart),
  'sc-range-end': (r) => optNumber(r.rangeEnd),
  'c-port': (r) => String(r.clientPort),
  'x-edge-detailed-result-type': (r) => r.detailedResultType,
  'c-country': (r) => orDash(r.country),
  'cs-accept-encoding': (r) => escapePooled(r.acceptEncoding),
  'cs-accept': (r) => escapePooled(r.accept),
  'cache-behavior-path-pattern': (r) => escapePooled(r.cacheBehavior),
  'cs-headers': csHeaders,
  'cs-header-names': csHeaderNames,
  'cs-headers-count': (r) => String(requestHeaders(r).length),
  'primary-distribution-id': dash,
  'primary-distribution-dns-name': dash,
  'origin-fbl': (r) => optSeconds(r.originFbl),
  'origin-lbl': (r) => optSeconds(r.originLbl),
  asn: (r) => String(r.asn),
  'cmcd-encoded-bitrate': cmcdField('encodedBitrate'),
  'cmcd-buffer-length': cmcdField('bufferLength'),
  'cmcd-buffer-starvation': dash,
  'cmcd-content-id': cmcdField('contentId'),
  'cmcd-object-duration': cmcdField('objectDuration'),
  'cmcd-deadline': dash,
  'cmcd-measured-throughput': cmcdField('measuredThroughput'),
  'cmcd-next-object-request': cmcdField('nextObjectRequest'),
  'cmcd-next-range-request': dash,
  'cmcd-object-type': cmcdField('objectType'),
  'cmcd-playback-rate': cmcdField('playbackRate'),
  'cmcd-requested-maximum-throughput': dash,
  'cmcd-streaming-format': cmcdField('streamingFormat'),
  'cmcd-session-id': cmcdField('sessionId'),
  'cmcd-stream-type': cmcdField('streamType'),
  'cmcd-startup': dash,
  'cmcd-top-bitrate': cmcdField('topBitrate'),
  'cmcd-version': cmcdField('version'),
  'r-host': dash,
  'sr-reason': dash,
  'x-edge-mqcs': dash,
  'distribution-tenant-id': dash,
  'connection-id': (r) => r.connectionId,
};

/** The 33 fields of a legacy standard log, in order (formats.md §2.1). */
export const STANDARD_FIELDS = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem',
  'sc-status', 'cs(Referer)', 'cs(User-Agent)', 'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type',
  'x-edge-request-id', 'x-host-header', 'cs-protocol', 'cs-bytes', 'time-taken', 'x-forwarded-for',
  'ssl-protocol', 'ssl-cipher', 'x-edge-response-result-type', 'cs-protocol-version', 'fle-status',
  'fle-encrypted-fields', 'c-port', 'time-to-first-byte', 'x-edge-detailed-result-type',
  'sc-content-type', 'sc-content-len', 'sc-range-start', 'sc-range-end',
] as const;

let lastDateSecond = Number.NaN;
let lastDate = '';
let lastTime = '';
function dateTimeOf(ms: number): void {
  const second = Math.floor(ms / 1000);
  if (second === lastDateSecond) return;
  lastDateSecond = second;
  const iso = new Date(second * 1000).toISOString();
  lastDate = iso.slice(0, 10);
  lastTime = iso.slice(11, 19);
}

/**
 * Standard-log fields: the names that differ from real-time ones, plus the host swap (§2.3);
 * any other name (v2 extras such as `asn`, `origin-fbl`, `c-country`) falls back to the
 * real-time formatter of the same name, and unknown names to `-`.
 */
const STANDARD_FORMATTERS: Readonly<Record<string, Formatter>> = {
  date: (r) => {
    dateTimeOf(r.timestampMs);
    return lastDate;
  },
  time: (r) => {
    dateTimeOf(r.timestampMs);
    return lastTime;
  },
  'timestamp(ms)': (r) => String(r.timestampMs),
  'cs(Host)': (r) => escapePooled(r.distributionHost),
  'x-host-header': (r) => escapePooled(r.host),
  'cs-uri-stem': (r) => escapePooled(r.path),
  'cs(Referer)': (r) => escapePooled(r.referer),
  'cs(User-Agent)': (r) => escapePooled(r.userAgent),
  'cs(Cookie)': (r) => escapePooled(r.cookie),
};

function compile(fields: readonly string[], table: Readonly<Record<string, Formatter>>, fallback?: Readonly<Record<string, Formatter>>): Formatter {
  const fns: Formatter[] = fields.map((f) => (Object.hasOwn(table, f) ? table[f]! : fallback !== undefined && Object.hasOwn(fallback, f) ? fallback[f]! : dash));
  const n = fns.length;
  if (n === 0) return () => '';
  // join() builds one flat string; `+=` would build a rope of 2n pieces that gets flattened later.
  const values: string[] = new Array<string>(n).fill('');
  return (r) => {
    for (let i = 0; i < n; i++) values[i] = fns[i]!(r);
    return values.join('\t');
  };
}

const realtimeCache = new WeakMap<readonly string[], Formatter>();
const standardCache = new WeakMap<readonly string[], Formatter>();

/** A compiled real-time line formatter for one field list (what `formatRealtimeLine` uses). */
export function realtimeLineFormatter(fields: readonly string[]): (request: DemoRequest) => string {
  let f = realtimeCache.get(fields);
  if (f === undefined) {
    f = compile(fields, REALTIME_FORMATTERS);
    realtimeCache.set(fields, f);
  }
  return f;
}

/** A compiled standard-log line formatter for one `#Fields` list. */
export function standardLineFormatter(fields: readonly string[] = STANDARD_FIELDS): (request: DemoRequest) => string {
  let f = standardCache.get(fields);
  if (f === undefined) {
    f = compile(fields, STANDARD_FORMATTERS, REALTIME_FORMATTERS);
    standardCache.set(fields, f);
  }
  return f;
}

/**
 * One real-time log line (no trailing newline): the values of `fields`, in that order,
 * tab-separated, escaped as CloudFront does; `-` for empty or unknown fields.
 */
export function formatRealtimeLine(request: DemoRequest, fields: readonly string[]): string {
  return realtimeLineFormatter(fields)(request);
}

/** The two header lines of a standard log. */
export function standardHeaderLines(fields: readonly string[] = STANDARD_FIELDS): [string, string] {
  return ['#Version: 1.0', `#Fields: ${fields.join(' ')}`];
}

/** A standard log's lines (no trailing newlines): `#Version`, `#Fields`, then one line per request. */
export function formatStandardLines(requests: Iterable<DemoRequest>, fields: readonly string[] = STANDARD_FIELDS): string[] {
  const format = standardLineFormatter(fields);
  const lines: string[] = standardHeaderLines(fields);
  for (const r of requests) lines.push(format(r));
  return lines;
}

/** A preset name (see FIELD_LIST_PRESETS) or an explicit list → the field list. */
export function resolveFieldList(fields: string | readonly string[] | undefined): readonly string[] {
  if (fields === undefined) return FIELD_LIST_PRESETS[DEFAULT_FIELD_LIST]!;
  if (typeof fields !== 'string') return fields;
  const list = FIELD_LIST_PRESETS[fields];
  if (list === undefined) {
    throw new ConfigError(`unknown field list preset ${JSON.stringify(fields)}; expected one of ${Object.keys(FIELD_LIST_PRESETS).join(', ')} or a list of field names`);
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Writing objects

export type DemoLogFormat = 'realtime' | 'standard';

export interface WriteLogObjectOptions {
  /** zlib level, 0–9. Default 6 (zlib's default). Level 1 is ~2x faster and ~20 % bigger. */
  readonly gzipLevel?: number;
  /** Bytes per chunk handed to gzip. Default 256 KiB. */
  readonly chunkBytes?: number;
}

export interface WrittenLog {
  /** Lines in the object (records, plus the two header lines of a standard log). */
  readonly lines: number;
  /** Request records in the object. */
  readonly events: number;
  /** Uncompressed size in bytes. */
  readonly bytes: number;
  /** Size of the gzip object on disk. */
  readonly compressedBytes: number;
}

/**
 * Streams requests into one gzip object with flat memory, whatever its size: lines are written
 * into ~256 KiB buffers that go through gzip with back-pressure (`pipeline`), so a 1 GB object
 * is fine. For `realtime`, `fields` is a real-time field list or preset name (default
 * `sgraph-27`); for `standard`, a `#Fields` list (default the 33 legacy fields) — a preset name
 * is refused there. Every line, the last one included, ends with `\n`.
 */
export async function writeLogObject(
  filePath: string,
  requests: Iterable<DemoRequest>,
  fields: string | readonly string[] | undefined,
  format: DemoLogFormat = 'realtime',
  options: WriteLogObjectOptions = {},
): Promise<WrittenLog> {
  let headerLines = 0;
  let events = 0;
  let bytes = 0;
  const chunkBytes = Math.max(4096, options.chunkBytes ?? 256 * 1024);
  let formatLine: Formatter;
  let header = '';
  if (format === 'standard') {
    if (typeof fields === 'string') throw new ConfigError(`standard logs take a #Fields list, not the preset name ${JSON.stringify(fields)}`);
    const list = fields ?? STANDARD_FIELDS;
    formatLine = standardLineFormatter(list);
    header = `${standardHeaderLines(list).join('\n')}\n`;
    headerLines = 2;
  } else {
    formatLine = realtimeLineFormatter(resolveFieldList(fields));
  }
  async function* chunks(): AsyncGenerator<Buffer, void, undefined> {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let off = buf.write(header, 0, 'utf8');
    for (const r of requests) {
      const line = formatLine(r);
      events++;
      // Lines are ASCII by construction, but stay safe for hand-made records: 3 bytes per unit.
      if (off + line.length * 3 + 1 > chunkBytes) {
        if (off > 0) {
          bytes += off;
          yield buf.subarray(0, off);
          // Let zlib's completions run between chunks, so compression overlaps generation
          // where the thread pool has a core of its own.
          await setImmediatePromise();
          buf = Buffer.allocUnsafe(chunkBytes);
          off = 0;
        }
        if (line.length * 3 + 1 > chunkBytes) {
          const big = Buffer.from(`${line}\n`, 'utf8');
          bytes += big.length;
          yield big;
          continue;
        }
      }
      off += buf.write(line, off, 'utf8');
      buf[off++] = 0x0a;
    }
    if (off > 0) {
      bytes += off;
      yield buf.subarray(0, off);
    }
  }
  await mkdir(path.dirname(filePath), { recursive: true });
  await pipeline(
    Readable.from(chunks()),
    createGzip({ level: options.gzipLevel ?? 6, chunkSize: 64 * 1024 }),
    createWriteStream(filePath),
  );
  const { size } = await stat(filePath);
  return { lines: headerLines + events, events, bytes, compressedBytes: size };
}

export interface WriteDemoObjectsOptions {
  /** Folder the objects are written under (keys become relative paths). */
  readonly dir: string;
  readonly seed?: number;
  /** Start of the traffic, epoch ms UTC. Default DEMO_DEFAULT_START_MS (fixed, for determinism). */
  readonly startMs?: number;
  /** Days of traffic (fractions allowed). Default 1. */
  readonly days?: number;
  readonly requestsPerHour?: number;
  /** Real-time field list or preset name. Default `sgraph-27`. Ignored for `standard`. */
  readonly fields?: string | readonly string[];
  /** `#Fields` of standard logs. Default the 33 legacy fields. */
  readonly standardFields?: readonly string[];
  readonly format?: DemoLogFormat;
  /** Key prefix. Default `cloudfront-realtime` / `cloudfront-standard`. */
  readonly prefix?: string;
  /** Firehose delivery stream name and version in real-time keys. Default `letsflow-demo-cf`, 1. */
  readonly streamName?: string;
  readonly streamVersion?: number;
  /** Firehose buffer interval. Default 300 s. */
  readonly bufferSeconds?: number;
  /** Distribution id in standard-log keys. Default DEMO_DISTRIBUTION_ID. */
  readonly distributionId?: string;
  readonly gzipLevel?: number;
}

export interface DemoObject {
  /** Absolute or dir-relative file path (`dir` joined with `key`). */
  readonly file: string;
  /** Object key, `/`-separated, relative to `dir`. */
  readonly key: string;
  /** The time the key names: Firehose arrival (real-time) or the event hour (standard). */
  readonly keyTimeMs: number;
  readonly lines: number;
  readonly events: number;
  readonly minTimestampMs: number;
  readonly maxTimestampMs: number;
}

export interface DemoObjectsResult {
  readonly files: string[];
  /** Total lines over all objects (standard logs include their header lines). */
  readonly lines: number;
  readonly events: number;
  readonly objects: DemoObject[];
}

/** Default demo start: 2026-04-20T00:00:00Z. Fixed so that default runs are reproducible. */
export const DEMO_DEFAULT_START_MS = Date.UTC(2026, 3, 20);

function utcParts(ms: number): { Y: string; M: string; D: string; h: string; m: string; s: string } {
  const iso = new Date(ms).toISOString();
  return { Y: iso.slice(0, 4), M: iso.slice(5, 7), D: iso.slice(8, 10), h: iso.slice(11, 13), m: iso.slice(14, 16), s: iso.slice(17, 19) };
}

function uuidFrom(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 16; i++) {
    let b = Math.floor(rng() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    hex += b.toString(16).padStart(2, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function uniqueFrom(rng: Rng): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < 8; i++) s += alphabet[Math.floor(rng() * alphabet.length)]!;
  return s;
}

function timestampRange(batch: readonly DemoRequest[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const r of batch) {
    if (r.timestampMs < min) min = r.timestampMs;
    if (r.timestampMs > max) max = r.timestampMs;
  }
  return { min, max };
}

/**
 * Writes demo traffic as gzip objects under `dir`, sequentially and deterministically.
 *
 * `realtime`: one object per Firehose buffer interval (~5 min, jittered) holding the records that
 * arrived in it, keyed `<prefix>/YYYY/MM/DD/HH/<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>.gz`
 * by delivery time: a few seconds to two minutes after the newest event of the object (never an
 * event time), so objects straddle 30-minute windows and hour folders. Empty intervals write nothing.
 *
 * `standard`: files `<prefix>/<distid>.YYYY-MM-DD-HH.<unique>.gz` named for the event hour, several
 * per hour (one per 20-minute delivery slot, plus stragglers), with `#Version`/`#Fields` headers.
 */
export async function writeDemoObjects(options: WriteDemoObjectsOptions): Promise<DemoObjectsResult> {
  const seed = options.seed ?? 1;
  const startMs = options.startMs ?? DEMO_DEFAULT_START_MS;
  const endMs = startMs + Math.round((options.days ?? 1) * DAY_MS);
  const format = options.format ?? 'realtime';
  const gzipOptions: WriteLogObjectOptions = options.gzipLevel === undefined ? {} : { gzipLevel: options.gzipLevel };
  // Key names and buffer jitter come from their own stream, so they don't shift the traffic.
  const keyRng = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  const requests = generateRequests({
    seed,
    startMs,
    endMs,
    ...(options.requestsPerHour === undefined ? {} : { requestsPerHour: options.requestsPerHour }),
  });
  const objects: DemoObject[] = [];

  if (format === 'standard') {
    const prefix = options.prefix ?? 'cloudfront-standard';
    const distributionId = options.distributionId ?? DEMO_DISTRIBUTION_ID;
    const fields = options.standardFields ?? STANDARD_FIELDS;
    const slotMs = 20 * 60_000;
    const open = new Map<string, { hour: number; slot: number; batch: DemoRequest[] }>();
    const flush = async (upToSlot: number): Promise<void> => {
      const ready = [...open.entries()].filter(([, b]) => b.slot < upToSlot).sort((a, b) => a[1].slot - b[1].slot || a[1].hour - b[1].hour);
      for (const [id, b] of ready) {
        open.delete(id);
        const p = utcParts(b.hour);
        const key = `${prefix}/${distributionId}.${p.Y}-${p.M}-${p.D}-${p.h}.${uniqueFrom(keyRng)}.gz`;
        const file = path.join(options.dir, ...key.split('/'));
        const written = await writeLogObject(file, b.batch, fields, 'standard', gzipOptions);
        const range = timestampRange(b.batch);
        objects.push({ file, key, keyTimeMs: b.hour, lines: written.lines, events: written.events, minTimestampMs: range.min, maxTimestampMs: range.max });
      }
    };
    for (const r of requests) {
      const slot = Math.floor(r.arrivalMs / slotMs);
      const hour = Math.floor(r.timestampMs / HOUR_MS) * HOUR_MS;
      const id = `${hour}|${slot}`;
      let b = open.get(id);
      if (b === undefined) {
        await flush(slot);
        b = { hour, slot, batch: [] };
        open.set(id, b);
      }
      b.batch.push(r);
    }
    await flush(Infinity);
  } else {
    const prefix = options.prefix ?? 'cloudfront-realtime';
    const stream = options.streamName ?? 'letsflow-demo-cf';
    const version = options.streamVersion ?? 1;
    const fields = resolveFieldList(options.fields);
    const bufferMs = (options.bufferSeconds ?? 300) * 1000;
    const nextWindowEnd = (from: number): number => from + Math.round(bufferMs * (0.93 + 0.1 * keyRng()));
    let windowEnd = nextWindowEnd(startMs);
    let batch: DemoRequest[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const range = timestampRange(batch);
      const lastArrival = batch[batch.length - 1]!.arrivalMs;
      const delivered = Math.max(lastArrival, range.max + 3_000 + Math.floor(keyRng() * 117_000));
      const keyTimeMs = Math.ceil(delivered / 1000) * 1000;
      const p = utcParts(keyTimeMs);
      const key = `${prefix}/${p.Y}/${p.M}/${p.D}/${p.h}/${stream}-${version}-${p.Y}-${p.M}-${p.D}-${p.h}-${p.m}-${p.s}-${uuidFrom(keyRng)}.gz`;
      const file = path.join(options.dir, ...key.split('/'));
      const written = await writeLogObject(file, batch, fields, 'realtime', gzipOptions);
      objects.push({ file, key, keyTimeMs, lines: written.lines, events: written.events, minTimestampMs: range.min, maxTimestampMs: range.max });
      batch = [];
    };
    for (const r of requests) {
      if (r.arrivalMs >= windowEnd) {
        await flush();
        while (r.arrivalMs >= windowEnd) windowEnd = nextWindowEnd(windowEnd);
      }
      batch.push(r);
    }
    await flush();
  }

  let lines = 0;
  let events = 0;
  for (const o of objects) {
    lines += o.lines;
    events += o.events;
  }
  return { files: objects.map((o) => o.file), lines, events, objects };
}
