import { catalogFor } from './catalog.js';
import { DEMO_DISTRIBUTION_HOST, DEMO_VIEWER_HOST } from './demoDistribution.js';
import type { CmcdValues, DemoRequest, ResultType } from './demoRequest.js';
import { longTail, mulberry32, pick } from './random.js';
import {
  ACCEPT_ANY,
  ACCEPT_CSS,
  ACCEPT_HTML,
  ACCEPT_IMAGE,
  ACCEPT_JSON,
  CAMPAIGNS,
  CATEGORIES,
  CIPHERS_12,
  CIPHERS_13,
  EXTERNAL_REFERERS,
  RESOLUTIONS,
  SEARCH_TERMS,
  SORTS,
  TIMEZONES,
} from './requestValues.js';
import type { PathEntry } from './sitePaths.js';
import { DAY_MS, HOUR_MS } from './timeUnits.js';
import { weightedOf } from './WeightedIndex.js';

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
