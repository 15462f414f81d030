import { longTail, mulberry32, pick, type Rng } from '../../cloudfront/demo/random.js';
import { HOUR_MS } from '../../cloudfront/demo/timeUnits.js';
import type { Actor } from './actors.js';
import { ACTORS } from './actors.js';
import type { AccessFieldCount, AccessRecord } from './accessRecord.js';
import { bucketObjects, type BucketObject } from './bucketObjects.js';
import { DEMO_ACCESS_BUCKETS, DEMO_BUCKET_OWNER, DEMO_REGION, type AccessLogSource } from './demoBuckets.js';
import { formatAccessLine } from './formatAccessLine.js';
import { hostId, lowerHex, upperHex } from './hexIds.js';
import { TRAFFIC_PROFILES, type Scenario } from './trafficProfiles.js';

export interface GenerateAccessLinesOptions {
  /** Which bucket's traffic: `transfers` or `cache`. */
  readonly source: AccessLogSource;
  /** Same seed, same lines. Default 1. */
  readonly seed?: number;
  /** Inclusive start, epoch ms (UTC). */
  readonly startMs: number;
  /** Exclusive end, epoch ms. Default: no end (stop at `maxLines`). */
  readonly endMs?: number;
  /** Mean draws of the traffic model per hour (a copy or a batch delete writes several records). Default 2000. */
  readonly requestsPerHour?: number;
  /** Stop after this many lines (duplicates included). */
  readonly maxLines?: number;
  /** Share of records S3 delivers twice, byte for byte (formats.md §3.2). Default 0.002. */
  readonly duplicateRate?: number;
  /** Share of lines that end in a space. Default 0.03. */
  readonly trailingSpaceRate?: number;
}

/** One line of an access log, with the time of its record (for cutting lines into objects). */
export interface AccessLogEntry {
  readonly timeMs: number;
  readonly line: string;
  /** A delivery repeat: the same bytes as an earlier line. */
  readonly duplicate: boolean;
}

// Layouts over the years (formats.md §3.1): most lines have all 27 fields, older ones fewer.
const FIELD_COUNTS: readonly (readonly [AccessFieldCount, number])[] = [[27, 0.6], [26, 0.2], [25, 0.1], [24, 0.1]];
const DUPLICATE_MAX_GAP = 20;

function fieldCount(rng: Rng): AccessFieldCount {
  let u = rng();
  for (const [count, share] of FIELD_COUNTS) {
    if (u < share) return count;
    u -= share;
  }
  return 27;
}

/** `20260420T101500Z`, the X-Amz-Date of a presigned URL signed a few minutes before use. */
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
}

/** Part of a record that depends on the transport: TLS (or plain HTTP) and the host header. */
function transport(rng: Rng, bucket: string, actor: Actor): { cipherSuite: string; tlsVersion: string; hostHeader: string; pathStyle: boolean } {
  const pathStyle = actor.name === 'operator' && rng() < 0.5;
  const hostHeader = pathStyle ? `s3.${DEMO_REGION}.amazonaws.com` : `${bucket}.s3.${DEMO_REGION}.amazonaws.com`;
  const u = rng();
  if (u < 0.01 && actor.name !== 'browser') return { cipherSuite: '-', tlsVersion: '-', hostHeader, pathStyle };
  if (u < 0.7) return { cipherSuite: 'TLS_AES_128_GCM_SHA256', tlsVersion: 'TLSv1.3', hostHeader, pathStyle };
  return { cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', tlsVersion: 'TLSv1.2', hostHeader, pathStyle };
}

/**
 * Access-log lines of one demo bucket from `startMs` on, in delivery order: roughly by time, a
 * second or so out of order, as S3 writes them. A pure function of the options.
 *
 * Records follow formats.md §3: GET, PUT and HEAD of objects (200, 206, 304, 403 AccessDenied,
 * 404 NoSuchKey, the odd 503 SlowDown and 500 InternalError), bucket listings, copies (the GET
 * and PUT side share a request id; the GET side has bare `-` URI, referer and user agent),
 * multi-object deletes (one BATCH.DELETE.OBJECT per key, URI `-`), multipart uploads, lifecycle
 * expiry (`AmazonS3`, `"-"` URI), a 404 NoSuchLifecycleConfiguration and scanners' 403s. Bytes
 * Sent is `-` when nothing was sent. Lines have 24 to 27 fields, some end in a space, and a few
 * are repeated byte for byte a few lines later (`duplicate`).
 */
export function* generateAccessLines(options: GenerateAccessLinesOptions): Generator<AccessLogEntry, void, undefined> {
  const { source } = options;
  // The two buckets draw from their own streams, so one seed gives two different logs.
  const rng = mulberry32(((options.seed ?? 1) * 2 + (source === 'transfers' ? 0 : 1)) >>> 0);
  const { bucket } = DEMO_ACCESS_BUCKETS[source];
  const profile = TRAFFIC_PROFILES[source];
  const objects = bucketObjects(source);
  const perHour = Math.max(1, options.requestsPerHour ?? 2000);
  const end = options.endMs ?? Infinity;
  const maxLines = options.maxLines ?? Infinity;
  const duplicateRate = options.duplicateRate ?? 0.002;
  const trailingSpaceRate = options.trailingSpaceRate ?? 0.03;
  let emitted = 0;
  /** Lines to repeat, with the number of lines still to come before each. */
  const repeats: { line: string; timeMs: number; after: number }[] = [];

  const anObject = (): BucketObject => objects.objects[objects.index.sample(rng())]!;
  const ms = (value: number): string => String(Math.max(1, Math.round(value)));

  function base(t: number, actor: Actor, operation: string, requestId: string): AccessRecord {
    const tls = transport(rng, bucket, actor);
    return {
      bucketOwner: DEMO_BUCKET_OWNER,
      bucket,
      timeMs: t,
      remoteIp: actor.remoteIp(rng),
      requester: actor.requester,
      requestId,
      operation,
      key: '-',
      requestUri: '-',
      status: '200',
      errorCode: '-',
      bytesSent: '-',
      objectSize: '-',
      totalTime: '1',
      turnAroundTime: '-',
      referer: actor.referer(rng),
      userAgent: actor.userAgent(rng),
      versionId: '-',
      hostId: hostId(rng),
      signatureVersion: actor.authType === '-' ? '-' : 'SigV4',
      cipherSuite: tls.cipherSuite,
      authType: actor.authType,
      hostHeader: tls.hostHeader,
      tlsVersion: tls.tlsVersion,
      accessPointArn: '-',
      aclRequired: '-',
      sourceRegion: actor.sourceRegion,
    };
  }

  /** `"GET /key?query HTTP/1.1"`: presigned URLs carry their signature, SDK v3 its `x-id`. */
  function uri(method: string, actor: Actor, t: number, path: string, sdkOp: string, hostHeader: string): string {
    const full = hostHeader.startsWith('s3.') ? `/${bucket}${path}` : path;
    let query = '';
    if (actor.authType === 'QueryString') {
      const signedAt = t - Math.floor(rng() * 600_000);
      query =
        `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAZEXAMPLE7DEMOKEY%2F${amzDate(signedAt).slice(0, 8)}%2F${DEMO_REGION}%2Fs3%2Faws4_request` +
        `&X-Amz-Date=${amzDate(signedAt)}&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&x-id=${sdkOp}&X-Amz-Signature=${lowerHex(rng, 64)}`;
    } else if (actor.name === 'user-lambda' && sdkOp !== '') {
      query = `?x-id=${sdkOp}`;
    }
    return `"${method} ${full}${query} HTTP/1.1"`;
  }

  /** The error a request got, if any: status, code and the XML body's size. */
  function failure(actor: Actor, write: boolean, missing: boolean): { status: string; code: string } | undefined {
    const u = rng();
    if (missing) return { status: '404', code: 'NoSuchKey' };
    if (actor.authType === 'QueryString' && u < 0.05) return { status: '403', code: 'AccessDenied' }; // an expired link
    if (write && u < 0.003) return { status: '503', code: 'SlowDown' };
    if (u > 0.9995) return { status: '500', code: 'InternalError' };
    return undefined;
  }

  function records(scenario: Scenario, t: number): AccessRecord[] {
    const requestId = upperHex(rng, 16);
    switch (scenario) {
      case 'get': {
        const actor = profile.readers.items[profile.readers.index.sample(rng())]!;
        const object = anObject();
        const r = base(t, actor, 'REST.GET.OBJECT', requestId);
        const failed = failure(actor, false, rng() < profile.missRate);
        const latency = longTail(rng, actor.name === 'browser' ? 25 : 12);
        const common = { ...r, key: object.keyField, requestUri: uri('GET', actor, t, object.path, 'GetObject', r.hostHeader) };
        if (failed) {
          const body = failed.code === 'NoSuchKey' ? 230 + object.keyField.length : 243;
          return [{ ...common, status: failed.status, errorCode: failed.code, bytesSent: String(body), totalTime: ms(latency), turnAroundTime: ms(latency * 0.8) }];
        }
        const u = rng();
        if (u < 0.02 && actor.name === 'browser') {
          return [{ ...common, status: '304', objectSize: String(object.size), totalTime: ms(latency), turnAroundTime: ms(latency * 0.9) }];
        }
        const ranged = u < 0.08 && object.size > 2_000_000;
        const sent = ranged ? Math.min(object.size, 1_048_576 * (1 + Math.floor(rng() * 8))) : object.size;
        const throughput = actor.name === 'browser' ? 2_000 : 40_000; // bytes per ms
        const turnaround = longTail(rng, 9);
        return [{
          ...common,
          status: ranged ? '206' : '200',
          bytesSent: sent === 0 ? '-' : String(sent),
          objectSize: String(object.size),
          totalTime: ms(turnaround + latency + sent / throughput),
          turnAroundTime: ms(turnaround),
        }];
      }
      case 'put': {
        const actor = profile.writers.items[profile.writers.index.sample(rng())]!;
        const object = anObject();
        const r = base(t, actor, 'REST.PUT.OBJECT', requestId);
        const failed = failure(actor, true, false);
        const common = { ...r, key: object.keyField, requestUri: uri('PUT', actor, t, object.path, 'PutObject', r.hostHeader) };
        if (failed) return [{ ...common, status: failed.status, errorCode: failed.code, bytesSent: '243', totalTime: ms(longTail(rng, 30)), turnAroundTime: ms(longTail(rng, 5)) }];
        const turnaround = longTail(rng, 35);
        const throughput = actor.name === 'browser' ? 1_000 : 30_000;
        return [{ ...common, objectSize: String(object.size), totalTime: ms(turnaround + object.size / throughput), turnAroundTime: ms(turnaround) }];
      }
      case 'head': {
        const actor = profile.readers.items[profile.readers.index.sample(rng())]!;
        const object = anObject();
        const r = base(t, actor, 'REST.HEAD.OBJECT', requestId);
        const missing = rng() < profile.missRate * 2; // HEAD is how the Lambdas ask "is it there?"
        const total = longTail(rng, 8);
        return [{
          ...r,
          key: object.keyField,
          requestUri: uri('HEAD', actor, t, object.path, 'HeadObject', r.hostHeader),
          status: missing ? '404' : '200',
          errorCode: missing ? 'NoSuchKey' : '-',
          objectSize: missing ? '-' : String(object.size),
          totalTime: ms(total),
          turnAroundTime: ms(total * 0.8),
        }];
      }
      case 'list': {
        const actor = rng() < 0.8 ? ACTORS['admin-lambda'] : ACTORS.console;
        const r = base(t, actor, 'REST.GET.BUCKET', requestId);
        const prefix = source === 'transfers' ? 'transfers%2F' : 'sa-cloudfront%2Flatest%2F';
        const sent = 600 + Math.floor(rng() * 40_000);
        const total = longTail(rng, 40);
        return [{
          ...r,
          requestUri: `"GET /?list-type=2&prefix=${prefix}&encoding-type=url HTTP/1.1"`,
          bytesSent: String(sent),
          totalTime: ms(total),
          turnAroundTime: ms(total * 0.9),
        }];
      }
      case 'delete': {
        const actor = profile.writers.items[profile.writers.index.sample(rng())]!;
        const object = anObject();
        const r = base(t, actor, 'REST.DELETE.OBJECT', requestId);
        const total = longTail(rng, 15);
        return [{ ...r, key: object.keyField, requestUri: uri('DELETE', actor, t, object.path, 'DeleteObject', r.hostHeader), status: '204', totalTime: ms(total), turnAroundTime: ms(total * 0.9) }];
      }
      case 'copy': {
        const actor = rng() < 0.7 ? ACTORS['user-lambda'] : ACTORS['admin-lambda'];
        const from = anObject();
        const to = anObject();
        const total = longTail(rng, 30) + from.size / 200_000;
        const put = base(t, actor, 'REST.COPY.OBJECT', requestId);
        // The GET side: same request id and time, no URI, referer or user agent of its own.
        const get: AccessRecord = {
          ...put,
          operation: 'REST.COPY.OBJECT_GET',
          key: from.keyField,
          requestUri: '-',
          objectSize: String(from.size),
          totalTime: '-',
          referer: '-',
          userAgent: '-',
        };
        return [
          get,
          {
            ...put,
            key: to.keyField,
            requestUri: `"PUT ${to.path}?x-id=CopyObject HTTP/1.1"`,
            bytesSent: String(234 + Math.floor(rng() * 20)), // the CopyObjectResult XML
            objectSize: String(from.size),
            totalTime: ms(total),
            turnAroundTime: ms(total * 0.95),
          },
        ];
      }
      case 'multi-delete': {
        const actor = ACTORS['admin-lambda'];
        const n = 2 + Math.floor(rng() * 7);
        const post = base(t, actor, 'REST.POST.MULTI_OBJECT_DELETE', requestId);
        const total = longTail(rng, 20) + n * 3;
        const out: AccessRecord[] = [{ ...post, requestUri: '"POST /?delete HTTP/1.1"', bytesSent: String(120 + n * 90), totalTime: ms(total), turnAroundTime: ms(total * 0.9) }];
        // Distinct keys: one request deleting a key twice would log two identical lines.
        const keys = new Set<BucketObject>();
        while (keys.size < n) keys.add(anObject());
        for (const object of keys) {
          out.push({ ...post, operation: 'BATCH.DELETE.OBJECT', key: object.keyField, requestUri: '-', status: '204', totalTime: '-', turnAroundTime: '-', referer: '-', userAgent: '-' });
        }
        return out;
      }
      case 'multipart': {
        const actor = ACTORS.browser;
        const object = anObject();
        const parts = 2 + Math.floor(rng() * 5);
        const size = Math.max(object.size, parts * 5_242_880);
        const start = base(t, actor, 'REST.POST.UPLOADS', requestId);
        const uploadId = lowerHex(rng, 32);
        const out: AccessRecord[] = [{ ...start, key: object.keyField, requestUri: uri('POST', actor, t, `${object.path}?uploads`, 'CreateMultipartUpload', start.hostHeader).replace('?uploads?', '?uploads&'), bytesSent: '398', totalTime: ms(longTail(rng, 25)), turnAroundTime: ms(longTail(rng, 20)) }];
        const partSize = Math.floor(size / parts);
        let at = t;
        for (let p = 1; p <= parts; p++) {
          at += 1_000 + partSize / 1_500;
          const part = base(Math.round(at), actor, 'REST.PUT.PART', upperHex(rng, 16));
          const turnaround = longTail(rng, 40);
          out.push({ ...part, key: object.keyField, requestUri: `"PUT ${object.path}?partNumber=${p}&uploadId=${uploadId} HTTP/1.1"`, objectSize: String(p === parts ? size - partSize * (parts - 1) : partSize), totalTime: ms(turnaround + partSize / 1_500), turnAroundTime: ms(turnaround) });
        }
        const done = base(Math.round(at) + 500, actor, 'REST.POST.UPLOAD', upperHex(rng, 16));
        out.push({ ...done, key: object.keyField, requestUri: `"POST ${object.path}?uploadId=${uploadId} HTTP/1.1"`, bytesSent: '356', objectSize: String(size), totalTime: ms(longTail(rng, 120)), turnAroundTime: ms(longTail(rng, 100)) });
        return out;
      }
      case 'expire': {
        const object = anObject();
        return [{
          ...base(t, ACTORS['user-lambda'], 'S3.EXPIRE.OBJECT', requestId),
          remoteIp: '-',
          requester: 'AmazonS3',
          key: object.keyField,
          requestUri: '"-"',
          status: '-',
          objectSize: String(object.size),
          totalTime: '-',
          referer: '"-"',
          userAgent: '"-"',
          signatureVersion: '-',
          cipherSuite: '-',
          authType: '-',
          hostHeader: '-',
          tlsVersion: '-',
          sourceRegion: '-',
        }];
      }
      case 'get-lifecycle': {
        const r = base(t, ACTORS.console, 'REST.GET.LIFECYCLE', requestId);
        return [{ ...r, requestUri: '"GET /?lifecycle HTTP/1.1"', status: '404', errorCode: 'NoSuchLifecycleConfiguration', bytesSent: '332', totalTime: ms(longTail(rng, 10)), turnAroundTime: ms(longTail(rng, 8)), aclRequired: rng() < 0.5 ? 'Yes' : '-' }];
      }
      case 'probe': {
        const r = base(t, ACTORS.anonymous, 'REST.GET.OBJECT', requestId);
        const paths = ['/.env', '/wp-login.php', '/.git/config', '/backup.sql', '/index.html'] as const;
        const path = pick(rng, paths);
        return [{ ...r, key: path.slice(1), requestUri: `"GET ${path} HTTP/1.1"`, status: '403', errorCode: 'AccessDenied', bytesSent: '243', totalTime: ms(longTail(rng, 6)), turnAroundTime: ms(longTail(rng, 5)) }];
      }
    }
  }

  let t = Math.ceil(options.startMs);
  const startMs = t;
  while (emitted < maxLines) {
    // Busiest at 15:00 UTC, quietest at 03:00, ±40 %.
    const hour = (t / HOUR_MS) % 24;
    const rate = perHour * (1 + 0.4 * Math.sin(((hour - 9) / 24) * 2 * Math.PI));
    t += (-Math.log(1 - rng()) * HOUR_MS) / rate;
    if (t >= end) break;
    const scenario = profile.scenarios.items[profile.scenarios.index.sample(rng())]!;
    // S3 logs whole seconds and writes records a little out of order.
    const at = Math.max(startMs, Math.floor(t - rng() * 1_500));
    // The records of one request share a layout (one log writer wrote them).
    const layout = fieldCount(rng);
    for (const record of records(scenario, at)) {
      if (record.timeMs >= end) continue;
      const line = formatAccessLine(record, layout, rng() < trailingSpaceRate);
      if (rng() < duplicateRate) repeats.push({ line, timeMs: record.timeMs, after: Math.floor(rng() * DUPLICATE_MAX_GAP) });
      yield { timeMs: record.timeMs, line, duplicate: false };
      if (++emitted >= maxLines) return;
      for (let i = 0; i < repeats.length; i++) {
        const repeat = repeats[i]!;
        if (repeat.after-- > 0) continue;
        repeats.splice(i--, 1);
        yield { timeMs: repeat.timeMs, line: repeat.line, duplicate: true };
        if (++emitted >= maxLines) return;
      }
    }
  }
}
