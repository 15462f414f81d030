import { finished, Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ConfigError, LetsflowError } from '../core/errors.js';
import { isMissingKey, isTransientS3Error, s3ErrorName, s3Failure, s3HttpStatus } from './s3Client.js';
import { displayName, type SourceObject } from './sourceObject.js';

/** Times one read may fail in a row (no byte arriving in between) before the object is given up. */
export const DEFAULT_READ_RETRIES = 4;
/** First wait before resuming a read; it doubles on each failure in a row, up to MAX_RETRY_MS. */
export const DEFAULT_RETRY_BASE_MS = 200;
const MAX_RETRY_MS = 10_000;
const STREAM_HIGH_WATER_MARK = 256 * 1024;

export const S3ObjectsOptionsSchema = z
  .object({
    bucket: z.string().min(1).describe('the bucket to read'),
    prefix: z.string().default('').describe('only keys that start with this, such as "cloudfront-realtime/"'),
    since: z.coerce.date().optional().describe('only objects that arrived at or after this time (key date, else LastModified)'),
    until: z.coerce.date().optional().describe('only objects that arrived before this time (key date, else LastModified)'),
    readRetries: z.number().int().min(0).max(20).default(DEFAULT_READ_RETRIES).describe('resumes of one object read in a row without progress'),
    retryBaseMs: z.number().int().min(0).max(MAX_RETRY_MS).default(DEFAULT_RETRY_BASE_MS).describe('first backoff before a resume, doubling'),
  })
  .strict()
  .refine((options) => options.since === undefined || options.until === undefined || options.since < options.until, {
    message: 'since must be before until',
    path: ['until'],
  })
  .describe('log objects in an S3 bucket');

export interface S3ObjectsOptions {
  /** See `S3ObjectsOptionsSchema`. */
  readonly bucket: string;
  /** See `S3ObjectsOptionsSchema`; empty by default. */
  readonly prefix?: string;
  /** The client to list and read with; its region must be the bucket's. */
  readonly client: S3Client;
  /** Inclusive lower bound on arrival time: a Date, epoch ms or an ISO string. */
  readonly since?: Date | number | string;
  /** Exclusive upper bound on arrival time: a Date, epoch ms or an ISO string. */
  readonly until?: Date | number | string;
  /** See `S3ObjectsOptionsSchema`; `DEFAULT_READ_RETRIES` by default. */
  readonly readRetries?: number;
  /** See `S3ObjectsOptionsSchema`; `DEFAULT_RETRY_BASE_MS` by default. */
  readonly retryBaseMs?: number;
}

// Firehose's default prefix (`YYYY/MM/DD/HH/`, UTC) and its Hive-style custom form.
const FIREHOSE_HOUR = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//;
const HIVE_DATE = /(?:^|\/)year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/(?:hour=(\d{2})\/)?/;

/** The start of the hour (or day) a Firehose-style key is dated with, epoch ms; `undefined` when it has no valid date. */
function keyArrival(key: string): number | undefined {
  const match = FIREHOSE_HOUR.exec(key) ?? HIVE_DATE.exec(key);
  if (match === null) return undefined;
  const [year, month, day, hour] = match.slice(1, 5).map((part) => (part === undefined ? 0 : Number(part))) as [number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour);
  const date = new Date(time);
  const valid = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24;
  return valid ? time : undefined;
}

const unquote = (etag: string): string => etag.replace(/^"(.*)"$/, '$1');

/**
 * Lists the objects of an S3 bucket under a prefix, in key order, each with its identity and a
 * resumable way to stream its bytes.
 *
 * Pages through ListObjectsV2 (folder markers, keys ending in `/`, are skipped). `since`/`until`
 * bound a backfill by arrival time: the date in the key when it has a Firehose date
 * (`YYYY/MM/DD/HH/` or `year=YYYY/month=MM/day=DD/(hour=HH/)`; UTC, the start of that hour or
 * day counts), else LastModified. A key's date is when Firehose delivered the object, never the
 * time of the events inside it, so a window's events may sit in objects dated up to the
 * buffering interval (and any lateness) later. `since` is inclusive and `until` exclusive, so
 * adjacent ranges split the objects exactly. `open()` streams GetObject with back-pressure; if the
 * connection drops mid-object it resumes with a Range request from the byte reached, with
 * If-Match on the listed ETag (on every request, the first included), so bytes of a replaced
 * object are never spliced: that surfaces as an `object_changed` error naming the object
 * ("object changed while being read"). Up to `readRetries` failures in a row, with jittered
 * exponential backoff; a byte arriving resets the count. Destroying the stream aborts the
 * request in flight and destroys the response body. Listing failures throw a LetsflowError (a
 * missing bucket, denied access or a wrong region in one line saying what to fix).
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { readLines, s3Objects } from 'letsflow';
 * const client = new S3Client({ region: 'eu-west-1' });
 * const objects = await s3Objects({ bucket: 'my-logs', prefix: 'cloudfront/', client, since: '2026-02-16T00:00:00Z' });
 * readLines(objects[0]!).subscribe((batch) => console.log(batch.lines.length));
 * ```
 * @param options bucket, prefix, client, arrival bounds and read retries
 * @returns the objects, sorted by key
 * @throws ConfigError when the options are invalid
 * @see localObjects
 */
export async function s3Objects(options: S3ObjectsOptions): Promise<SourceObject[]> {
  const { client, ...rest } = options;
  const parsed = S3ObjectsOptionsSchema.safeParse(rest);
  if (!parsed.success) throw new ConfigError(`s3Objects: invalid options: ${z.prettifyError(parsed.error)}`);
  if (typeof client?.send !== 'function') throw new ConfigError('s3Objects: client must be an S3Client');
  const { bucket, prefix, readRetries, retryBaseMs } = parsed.data;
  const since = parsed.data.since?.getTime() ?? -Infinity;
  const until = parsed.data.until?.getTime() ?? Infinity;

  const objects: SourceObject[] = [];
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
      for (const listed of page.Contents ?? []) {
        const { Key: key, ETag: quoted, Size: size, LastModified: lastModified } = listed;
        if (key === undefined || quoted === undefined || key.endsWith('/')) continue;
        const arrivedAt = lastModified?.getTime() ?? 0;
        const arrival = keyArrival(key) ?? arrivedAt;
        if (arrival < since || arrival >= until) continue;
        const identity = { source: 's3' as const, container: bucket, key, size: size ?? 0, etag: unquote(quoted), arrivedAt };
        const read: ObjectRead = { client, bucket, key, ifMatch: `"${identity.etag}"`, size: identity.size, name: displayName(identity), readRetries, retryBaseMs };
        objects.push({ ...identity, open: async () => new ResumingObjectStream(read) });
      }
    }
  } catch (error) {
    throw await s3Failure(error, { bucket, key: prefix, operation: 'ListObjectsV2', client }, 'reading');
  }
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

interface ObjectRead {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  /** The listed ETag, quoted as S3 sends it. */
  readonly ifMatch: string;
  readonly size: number;
  readonly name: string;
  readonly readRetries: number;
  readonly retryBaseMs: number;
}

/** A response body that ended before the bytes its Content-Length promised. */
class PrematureEnd extends Error {}

/**
 * The bytes of one object as a Readable that survives dropped connections: it owns the current
 * response body, pauses it when its own buffer is full, resumes from the byte reached with a
 * Range + If-Match request after a failure, and destroys the body (aborting the request) when
 * destroyed itself.
 */
class ResumingObjectStream extends Readable {
  readonly #read: ObjectRead;
  readonly #abort = new AbortController();
  #body: Readable | undefined;
  #position = 0;
  #total: number;
  #failures = 0;
  // True from a request's start, or a retry's scheduling, until a body is attached or the stream fails.
  #fetching = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(read: ObjectRead) {
    super({ highWaterMark: STREAM_HIGH_WATER_MARK });
    this.#read = read;
    this.#total = read.size;
  }

  override _read(): void {
    if (this.#body !== undefined) this.#body.resume();
    else if (!this.#fetching) void this.#fetch();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#abort.abort();
    const body = this.#body;
    this.#body = undefined;
    body?.destroy();
    callback(error);
  }

  async #fetch(): Promise<void> {
    this.#fetching = true;
    const { client, bucket, key, ifMatch } = this.#read;
    const from = this.#position;
    const range = from > 0 ? { Range: `bytes=${from}-` } : {};
    let body: Readable;
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: ifMatch, ...range }), { abortSignal: this.#abort.signal });
      if (!(out.Body instanceof Readable)) throw new Error('GetObject returned no body stream');
      body = out.Body;
      if (this.destroyed) {
        body.destroy();
        return;
      }
      // A server that ignored the Range would send byte 0 again: splicing that in would corrupt the object.
      if (from > 0 && out.ContentRange?.startsWith(`bytes ${from}-`) !== true) {
        body.destroy();
        this.destroy(new LetsflowError('read_failed', 'reading', `${this.#read.name}: S3 ignored the Range of a resumed read at byte ${from} (got ${out.ContentRange ?? 'the whole object'})`));
        return;
      }
      const total = out.ContentRange === undefined ? from + (out.ContentLength ?? 0) : Number(out.ContentRange.split('/')[1]);
      if (Number.isFinite(total)) this.#total = total;
    } catch (error) {
      this.#fetching = false;
      this.#fail(error);
      return;
    }
    this.#fetching = false;
    this.#attach(body);
  }

  #attach(body: Readable): void {
    this.#body = body;
    body.on('data', (chunk: Buffer) => {
      this.#position += chunk.length;
      this.#failures = 0;
      if (!this.push(chunk)) body.pause();
    });
    finished(body, (error) => {
      // Our own _destroy took the body away: nothing to report.
      if (this.#body !== body) return;
      this.#body = undefined;
      body.removeAllListeners('data');
      if (!error && this.#position >= this.#total) {
        this.push(null);
        return;
      }
      this.#fail(error ?? new PrematureEnd(`the response ended at byte ${this.#position} of ${this.#total}`));
    });
  }

  #fail(error: unknown): void {
    if (this.destroyed) return;
    const { name, readRetries, retryBaseMs } = this.#read;
    const at = `at byte ${this.#position} of ${this.#total}`;
    if (s3ErrorName(error) === 'PreconditionFailed' || s3HttpStatus(error) === 412) {
      this.destroy(
        new LetsflowError(
          'object_changed',
          'reading',
          `${name}: object changed while being read: its ETag is no longer ${this.#read.ifMatch} (${at}); nothing was spliced, list it again to read the new version`,
        ),
      );
      return;
    }
    if (isMissingKey(error)) {
      this.destroy(new LetsflowError('object_missing', 'reading', `${name}: object was deleted after it was listed (${at})`));
      return;
    }
    const transient = error instanceof PrematureEnd || isTransientS3Error(error);
    if (transient && this.#failures < readRetries) {
      this.#failures += 1;
      const backoff = Math.min(MAX_RETRY_MS, retryBaseMs * 2 ** (this.#failures - 1));
      this.#fetching = true;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#fetch();
      }, backoff * (0.5 + Math.random() / 2));
      return;
    }
    const { client, bucket, key } = this.#read;
    void s3Failure(error, { bucket, key, operation: 'GetObject', client }, 'reading').then((failure) => {
      const detail = transient ? `gave up after ${this.#failures} resumes ${at}` : at;
      this.destroy(new LetsflowError(failure.code, 'reading', `${failure.message} (${detail})`, { cause: failure.cause }));
    });
  }
}
