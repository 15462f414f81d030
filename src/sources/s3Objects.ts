import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { s3Failure } from './s3Client.js';
import { DEFAULT_READ_RETRIES, DEFAULT_RETRY_BASE_MS, MAX_RETRY_MS, s3Object, type S3ArchiveMode } from './s3Object.js';
import { keyDate } from './keyDate.js';
import type { SourceObject } from './sourceObject.js';


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
  /** What the archive step does with a committed object; no `archive()` without it. */
  readonly archive?: S3ArchiveMode;
  /**
   * Receives each object listed but left out by `since`/`until`: a bounded backfill must know
   * them, since an object dated just outside can still hold events for windows inside.
   */
  readonly onOutside?: (object: SourceObject) => void;
}

/**
 * Lists the objects of an S3 bucket under a prefix, in key order, each with its identity and a
 * resumable way to stream its bytes.
 *
 * Pages through ListObjectsV2 (folder markers, keys ending in `/`, are skipped). `since`/`until`
 * bound a backfill by arrival time: the date in the key when it has a Firehose date
 * (`YYYY/MM/DD/HH/` or `year=YYYY/month=MM/day=DD/(hour=HH/)`; UTC, the start of that hour or
 * day counts) or a CloudFront standard log's file-name hour, else LastModified. A key's date is when Firehose delivered the object, never the
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
  const { client, archive, onOutside, ...rest } = options;
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
        const arrival = keyDate(key)?.start ?? arrivedAt;
        const object = s3Object({ client, bucket, key, etag: quoted, size: size ?? 0, arrivedAt, readRetries, retryBaseMs, ...(archive && { archive }) });
        if (arrival < since || arrival >= until) onOutside?.(object);
        else objects.push(object);
      }
    }
  } catch (error) {
    throw await s3Failure(error, { bucket, key: prefix, operation: 'ListObjectsV2', client }, 'reading');
  }
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
