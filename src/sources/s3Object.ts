import { finished, Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { LetsflowError } from '../core/errors.js';
import { isMissingKey, isTransientS3Error, s3ErrorName, s3Failure, s3HttpStatus } from './s3Client.js';
import { displayName, type SourceObject } from './sourceObject.js';

/** Times one read may fail in a row (no byte arriving in between) before the object is given up. */
export const DEFAULT_READ_RETRIES = 4;
/** First wait before resuming a read; it doubles on each failure in a row, up to MAX_RETRY_MS. */
export const DEFAULT_RETRY_BASE_MS = 200;
export const MAX_RETRY_MS = 10_000;
const STREAM_HIGH_WATER_MARK = 256 * 1024;

/**
 * Where the archive step puts an object: `move` copies it under `prefix` (same key after it)
 * and deletes the original; `tag` marks it `letsflow-status=processed` for lifecycle rules.
 */
export type S3ArchiveMode = { readonly mode: 'move'; readonly prefix: string } | { readonly mode: 'tag' };

export interface S3ObjectOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  /** The ETag as listed or notified, with or without quotes. */
  readonly etag: string;
  readonly size: number;
  /** Epoch ms; 0 when unknown. */
  readonly arrivedAt?: number;
  readonly readRetries?: number;
  readonly retryBaseMs?: number;
  readonly archive?: S3ArchiveMode;
}

const unquote = (etag: string): string => etag.replace(/^"(.*)"$/, '$1');

/**
 * One S3 object as a source object, from what a listing or an S3 event notification says
 * of it: `open()` streams its bytes, resuming dropped connections with Range + If-Match on the
 * ETag (a replaced object fails with `object_changed`, never spliced); `archive()` moves or
 * tags it when an archive mode is given.
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { readLines, s3Object } from 'letsflow';
 * const object = s3Object({ client: new S3Client({}), bucket: 'logs', key: 'a.gz', etag: 'abc', size: 1234 });
 * readLines(object).subscribe((batch) => console.log(batch.lines.length));
 * ```
 */
export function s3Object(options: S3ObjectOptions): SourceObject {
  const { client, bucket, key, size, archive } = options;
  const identity = { source: 's3' as const, container: bucket, key, size, etag: unquote(options.etag), arrivedAt: options.arrivedAt ?? 0 };
  const read: ObjectRead = {
    client,
    bucket,
    key,
    ifMatch: `"${identity.etag}"`,
    size,
    name: displayName(identity),
    readRetries: options.readRetries ?? DEFAULT_READ_RETRIES,
    retryBaseMs: options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
  };
  return {
    ...identity,
    open: async () => new ResumingObjectStream(read),
    ...(archive !== undefined && { archive: () => archiveObject(client, bucket, key, read.ifMatch, archive) }),
  };
}

async function archiveObject(client: S3Client, bucket: string, key: string, ifMatch: string, archive: S3ArchiveMode): Promise<void> {
  try {
    if (archive.mode === 'tag') {
      await client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: 'letsflow-status', Value: 'processed' }] } }));
      return;
    }
    // Copy only the version that was committed; a replaced object stays live as pending work.
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: `${archive.prefix}${key}`, CopySource: `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`, CopySourceIfMatch: ifMatch }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: ifMatch }));
  } catch (error) {
    // Moved already by an earlier, interrupted archive run.
    if (isMissingKey(error)) return;
    throw await s3Failure(error, { bucket, key, operation: archive.mode === 'tag' ? 'PutObjectTagging' : 'CopyObject', client }, 'writing');
  }
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
