import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { z } from 'zod';
import { ConfigError, LetsflowError, PreconditionFailedError, SinkWriteError } from '../core/errors.js';
import { isMissingKey, s3ConfigurationError, s3ErrorName, s3Failure, s3HttpStatus, sanitizedCause, type S3Target } from '../sources/s3Client.js';
import type { CacheStore, EntryBody, EntryRef, FileType, VersionedEntry, WriteCondition } from './cacheStore.js';
import { addressablePaths, entryPaths, isContentFile, keyBasedFolder } from './cachePaths.js';
import { checkCondition, describeCondition, isAsyncIterable, versionedPath } from './conditionalWrites.js';

/** Multipart part size: S3's minimum is 5 MiB, and some emulators refuse a request body over 11 MiB. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_SIZE = 10 * 1024 * 1024;
// Parts uploaded at once: memory held by one streaming put is about this times the part size.
const UPLOAD_QUEUE_SIZE = 4;
const HEALTHCHECK_NAMESPACE = 'letsflow-healthcheck';
const CONTENT_TYPES: Readonly<Record<FileType, string>> = { json: 'application/json', binary: 'application/octet-stream' };

export const S3CacheStoreOptionsSchema = z
  .object({
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name is 3 to 63 characters of [a-z0-9.-], starting and ending with a letter or digit')
      .describe('the bucket holding the cache'),
    prefix: z
      .string()
      .max(512)
      .refine((prefix) => !prefix.startsWith('/'), 'the prefix is the start of object keys and must not start with "/"')
      .default('')
      .describe('folder inside the bucket holding the namespaces, such as "letsflow/cache/"; a missing trailing "/" is added'),
    partSize: z
      .number()
      .int()
      .min(MIN_PART_SIZE)
      .max(MAX_PART_SIZE)
      .default(DEFAULT_PART_SIZE)
      .describe('bytes per multipart part of a streamed put; bodies up to this size go in one PutObject'),
  })
  .strict()
  .describe('a cache store in an S3 bucket, laid out like the cache service (object key = prefix + entry path)');

export interface S3CacheStoreOptions {
  /** See `S3CacheStoreOptionsSchema`. */
  readonly bucket: string;
  /** See `S3CacheStoreOptionsSchema`; empty by default. */
  readonly prefix?: string;
  /** See `S3CacheStoreOptionsSchema`; `DEFAULT_PART_SIZE` by default. */
  readonly partSize?: number;
  /** The client to send requests with; its region must be the bucket's. */
  readonly client: S3Client;
  /** The time that places `temporal*` copies in their hour folder; the wall clock by default. */
  readonly clock?: () => Date;
}

const isSdkError = (error: unknown): boolean => typeof error === 'object' && error !== null && '$metadata' in error;
// CopySource is a URL path: each key segment encoded, the slashes kept.
const copySource = (bucket: string, key: string): string => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;



/**
 * A cache store in an S3 bucket, in the cache service's layout: an entry's object key is the
 * store's prefix followed by the path `fsCacheStore` would use, so a bucket and a folder can be
 * synced either way.
 *
 * Bodies up to `partSize` go in one PutObject; larger and streamed bodies go through a multipart
 * `Upload` with back-pressure, which is aborted if the body fails, so S3 keeps the old object
 * (each object write is atomic). The extra copies of `temporal_latest`/`temporal_versioned` are
 * server-side copies of the first. `get` returns `undefined` only for a missing key; `list` pages
 * through ListObjectsV2 under the namespace's key-based folder. Versions are S3 ETags; `putIf`
 * sends If-None-Match: * or If-Match and maps 412 PreconditionFailed, 409
 * ConditionalRequestConflict and (for If-Match) NoSuchKey to `PreconditionFailedError`. A missing
 * bucket, denied access, a bucket in another region or refused credentials throw one
 * LetsflowError line saying what to fix (`s3_bucket_missing`, `s3_access_denied`,
 * `s3_wrong_region`, `s3_credentials_invalid`); other write failures throw `SinkWriteError`.
 * Causes never carry credentials. `healthcheck` writes, reads back and conditionally re-creates a
 * scratch entry, so a store that ignores conditional writes fails it (`conditional_writes_unsupported`).
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { s3CacheStore } from 'letsflow';
 * const store = s3CacheStore({ bucket: 'my-cache', prefix: 'letsflow/', client: new S3Client({ region: 'eu-west-1' }) });
 * await store.healthcheck();
 * await store.put({ namespace: 'sa-cloudfront-aggregate', key: 'hourly/2026-02-16-14', fileType: 'json' }, '{"requests":1}');
 * ```
 * @param options bucket, prefix, part size, the S3 client and, for tests, the clock
 * @returns the store
 * @throws ConfigError when the options are invalid
 * @see fsCacheStore
 */
export function s3CacheStore(options: S3CacheStoreOptions): CacheStore {
  const parsed = S3CacheStoreOptionsSchema.safeParse({ bucket: options.bucket, prefix: options.prefix, partSize: options.partSize });
  if (!parsed.success) throw new ConfigError(`s3CacheStore: invalid options: ${z.prettifyError(parsed.error)}`);
  if (typeof options.client?.send !== 'function') throw new ConfigError('s3CacheStore: client must be an S3Client');
  if (options.clock !== undefined && typeof options.clock !== 'function') throw new ConfigError('s3CacheStore: clock must be a function returning a Date');
  const { bucket, partSize } = parsed.data;
  const prefix = parsed.data.prefix === '' || parsed.data.prefix.endsWith('/') ? parsed.data.prefix : `${parsed.data.prefix}/`;
  const { client } = options;
  const clock = options.clock ?? (() => new Date());
  const objectKey = (entryPath: string): string => `${prefix}${entryPath}`;
  const url = (key: string): string => `s3://${bucket}/${key}`;
  const target = (key: string, operation: string): S3Target => ({ bucket, key, operation, client });

  /** A write failure: a configuration problem as its own line, anything else as SinkWriteError. */
  async function writeFailure(error: unknown, key: string, operation: string): Promise<LetsflowError> {
    if (error instanceof LetsflowError) return error;
    const known = isSdkError(error) ? await s3ConfigurationError(error, target(key, operation), 'writing') : undefined;
    return known ?? new SinkWriteError(url(key), { cause: isSdkError(error) ? sanitizedCause(error) : error });
  }

  async function writeObject(key: string, body: EntryBody, contentType: string): Promise<void> {
    const bytes = isAsyncIterable(body) ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes !== undefined && bytes.byteLength <= partSize) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
      return;
    }
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: bytes ?? Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false }), ContentType: contentType },
      partSize,
      queueSize: UPLOAD_QUEUE_SIZE,
    });
    await upload.done();
  }

  const store: CacheStore = {
    location: `s3://${bucket}/${prefix}`,

    async put(ref: EntryRef, body: EntryBody): Promise<void> {
      const [first, ...copies] = entryPaths(ref, clock()).map(objectKey);
      let key = first!;
      try {
        await writeObject(key, body, CONTENT_TYPES[ref.fileType]);
        // Copies are made only once the first write succeeded, so a failing body changes no copy.
        for (const copy of copies) {
          key = copy;
          await client.send(new CopyObjectCommand({ Bucket: bucket, Key: copy, CopySource: copySource(bucket, first!) }));
        }
      } catch (error) {
        throw await writeFailure(error, key, key === first ? 'PutObject' : 'CopyObject');
      }
    },

    async get(ref: EntryRef): Promise<Uint8Array | undefined> {
      const [first] = addressablePaths(ref);
      return (await readObject(objectKey(first!)))?.body;
    },

    async list(namespace: string, fileType: FileType, keyPrefix = ''): Promise<string[]> {
      const folder = `${prefix}${keyBasedFolder(namespace)}/`;
      const keys = new Set<string>();
      try {
        for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: folder + keyPrefix })) {
          for (const object of page.Contents ?? []) {
            const relative = object.Key?.slice(folder.length) ?? '';
            const slash = relative.lastIndexOf('/');
            if (slash < 0) continue;
            const key = relative.slice(0, slash);
            if (key.startsWith(keyPrefix) && isContentFile(key, fileType, relative.slice(slash + 1))) keys.add(key);
          }
        }
      } catch (error) {
        throw await s3Failure(error, { bucket, key: folder + keyPrefix, operation: 'ListObjectsV2', client }, 'reading');
      }
      return [...keys].sort();
    },

    async getVersioned(ref: EntryRef): Promise<VersionedEntry | undefined> {
      return readObject(objectKey(versionedPath(ref, 'getVersioned')));
    },

    async putIf(ref: EntryRef, body: Uint8Array | string, condition: WriteCondition): Promise<string> {
      checkCondition(condition);
      const key = objectKey(versionedPath(ref, 'putIf'));
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const header = 'ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch };
      try {
        const out = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: CONTENT_TYPES[ref.fileType], ...header }));
        if (out.ETag === undefined) throw new SinkWriteError(url(key), { cause: new Error('S3 answered the conditional PutObject without an ETag') });
        return out.ETag;
      } catch (error) {
        const name = s3ErrorName(error);
        const status = s3HttpStatus(error);
        // 409: a concurrent write to the same key won the race; 404 on If-Match: the object it names is gone.
        const lost =
          name === 'PreconditionFailed' || status === 412 || name === 'ConditionalRequestConflict' || (status === 409 && name !== 'OperationAborted') ||
          ('ifMatch' in condition && name === 'NoSuchKey');
        if (lost) throw new PreconditionFailedError(url(key), describeCondition(condition));
        throw await writeFailure(error, key, 'PutObject');
      }
    },

    async remove(ref: EntryRef): Promise<void> {
      for (const key of addressablePaths(ref).map(objectKey)) {
        try {
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        } catch (error) {
          throw await writeFailure(error, key, 'DeleteObject');
        }
      }
    },

    async healthcheck(): Promise<void> {
      const ref: EntryRef = { namespace: HEALTHCHECK_NAMESPACE, key: `probe-${randomBytes(6).toString('hex')}`, fileType: 'binary' };
      const probe = randomBytes(32);
      await store.put(ref, probe);
      try {
        const back = await store.get(ref);
        if (back === undefined || !Buffer.from(back).equals(probe)) {
          throw new SinkWriteError(store.location, { cause: new Error('the healthcheck entry read back differs from what was written') });
        }
        const ignored = await store.putIf(ref, probe, { ifNoneMatch: '*' }).then(
          () => true,
          (error: unknown) => {
            if (error instanceof PreconditionFailedError) return false;
            throw error;
          },
        );
        if (ignored) {
          throw new LetsflowError(
            'conditional_writes_unsupported',
            'writing',
            `${store.location}: the store ignored If-None-Match: * (creating an existing object succeeded), so leases and ledger updates would not be safe: ` +
              'use AWS S3 or an S3-compatible store that implements conditional writes',
          );
        }
      } finally {
        await store.remove(ref);
      }
    },
  };

  async function readObject(key: string): Promise<VersionedEntry | undefined> {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = await out.Body!.transformToByteArray();
      if (out.ETag === undefined) throw new LetsflowError('s3_request_failed', 'reading', `${url(key)}: S3 answered GetObject without an ETag`);
      return { body, version: out.ETag };
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw await s3Failure(error, target(key, 'GetObject'), 'reading');
    }
  }

  return store;
}
