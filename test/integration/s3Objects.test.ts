import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { lastValueFrom, reduce } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ConfigError, type LetsflowError } from '../../src/core/errors.js';
import { readLines } from '../../src/sources/readLines.js';
import { s3Objects, S3ObjectsOptionsSchema } from '../../src/sources/s3Objects.js';
import { DEFAULT_READ_RETRIES, DEFAULT_RETRY_BASE_MS } from '../../src/sources/s3Object.js';
import type { SourceObject } from '../../src/sources/sourceObject.js';
import { faultProxy, type FaultProxy } from './support/faultProxy.js';
import { freshBucket, putObjects, testS3Client } from './support/s3.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const md5 = (bytes: Uint8Array | string): string => createHash('md5').update(bytes).digest('hex');

/** Reads a stream to the end, keeping what arrived when it fails. */
async function drain(object: SourceObject): Promise<{ bytes: Buffer; error: LetsflowError | undefined }> {
  const chunks: Buffer[] = [];
  const stream = await object.open();
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as LetsflowError };
  }
}

/** A gzip CloudFront-like log of `lines` lines; random paths keep it from compressing well (60,000 lines: about 1.4 MB). */
function gzipLog(lines: number, seed: number): { gz: Buffer; text: string } {
  let state = seed;
  const random = (): string => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state.toString(36);
  };
  const text = Array.from({ length: lines }, (_, line) => `2026-02-16\t14:${String(line % 60).padStart(2, '0')}:00\tGET\t/p/${random()}${random()}\t200\t${random()}${random()}${random()}`).join('\n');
  return { gz: gzipSync(text), text };
}

let proxy: FaultProxy;
let client: S3Client;
let direct: S3Client;
let bucket: string;

beforeAll(async () => {
  proxy = await faultProxy(inject('fauxqsEndpoint'));
  // One attempt per request, so the resumes seen are the source's own, not the SDK's retries.
  client = testS3Client(proxy.endpoint, { maxAttempts: 1 });
  direct = testS3Client(inject('fauxqsEndpoint'));
  bucket = await freshBucket(direct, 'source');
});

afterAll(async () => {
  client.destroy();
  direct.destroy();
  await proxy.close();
});

describe('source: s3Objects listing', () => {
  it('lists 2,600 objects across list pages, sorted by key, with their identities', async () => {
    // Prepare
    const objects = Array.from({ length: 2600 }, (_, index) => ({ key: `many/obj-${String(index).padStart(5, '0')}.log`, body: `object ${index}\n` }));
    const started = Date.now();
    await putObjects(direct, bucket, [...objects].reverse());
    const listsBefore = proxy.requests.filter((request) => request.url.includes('list-type=2')).length;

    // Act
    const listed = await s3Objects({ bucket, prefix: 'many/', client });

    // Assess
    expect(listed.map((object) => object.key)).toEqual(objects.map((object) => object.key));
    expect(proxy.requests.filter((request) => request.url.includes('list-type=2')).length - listsBefore).toBe(3);
    const last = listed.at(-1)!;
    expect(last).toMatchObject({ source: 's3', container: bucket, key: 'many/obj-02599.log', size: 'object 2599\n'.length, etag: md5('object 2599\n') });
    expect(last.arrivedAt).toBeGreaterThanOrEqual(started - 1000);
    expect(last.arrivedAt).toBeLessThanOrEqual(Date.now());
  }, 20_000);

  it('bounds a backfill by the Firehose date in the key, else by LastModified', async () => {
    // Prepare
    const keys = [
      'bf/2026/02/16/13/before.gz',
      'bf/2026/02/16/14/first-hour.gz',
      'bf/2026/02/16/23/last-hour.gz',
      'bf/2026/02/17/00/at-until.gz',
      'bf/year=2026/month=02/day=16/hour=15/hive-hour.gz',
      'bf/year=2026/month=02/day=16/hive-day-start.gz',
      'bf/2026/13/45/99/not-a-date.gz',
      'bf/undated.gz',
    ];
    const started = Date.now() - 1000;
    await putObjects(direct, bucket, keys.map((key) => ({ key, body: key })));
    const list = (since: string | number, until: string | number) => s3Objects({ bucket, prefix: 'bf/', client, since, until }).then((found) => found.map((object) => object.key));

    // Act
    const day = await list('2026-02-16T14:00:00Z', '2026-02-17T00:00:00Z');
    const morning = await list('2026-02-16T14:00:00Z', '2026-02-16T15:00:00Z');
    const afternoon = await list('2026-02-16T15:00:00Z', '2026-02-17T00:00:00Z');
    const recent = await list(started, Date.now() + 1000);

    // Assess
    expect(day).toEqual(['bf/2026/02/16/14/first-hour.gz', 'bf/2026/02/16/23/last-hour.gz', 'bf/year=2026/month=02/day=16/hour=15/hive-hour.gz']);
    expect([...morning, ...afternoon].sort()).toEqual(day);
    expect(recent).toEqual(['bf/2026/13/45/99/not-a-date.gz', 'bf/undated.gz']);
  });

  it('reports a missing bucket in one line saying what to fix', async () => {
    // Act
    const listing = s3Objects({ bucket: 'no-such-source-bucket', prefix: 'x/', client });

    // Assess
    await expect(listing).rejects.toMatchObject({ code: 's3_bucket_missing', stage: 'reading', message: expect.stringContaining('create it, or correct the bucket name') });
  });

  it('validates its options and round-trips the defaults', async () => {
    // Act
    const defaults = S3ObjectsOptionsSchema.parse({ bucket: 'b' });
    const [backwards, unknown] = await Promise.allSettled([
      s3Objects({ bucket, client, since: '2026-02-17', until: '2026-02-16' }),
      s3Objects({ bucket, client, ...({ region: 'x' } as object) }),
    ]);

    // Assess
    expect(defaults).toEqual({ bucket: 'b', prefix: '', readRetries: DEFAULT_READ_RETRIES, retryBaseMs: DEFAULT_RETRY_BASE_MS });
    expect(S3ObjectsOptionsSchema.parse(defaults)).toEqual(defaults);
    expect(backwards).toMatchObject({ status: 'rejected', reason: expect.any(ConfigError) });
    expect(String((backwards as PromiseRejectedResult).reason)).toMatch(/since must be before until/);
    expect(unknown).toMatchObject({ status: 'rejected', reason: expect.any(ConfigError) });
  });
});

describe('source: s3Objects reading', () => {
  const log = gzipLog(60_000, 7);

  const listOne = async (key: string, options: { readRetries?: number } = {}): Promise<SourceObject> => {
    const [object] = await s3Objects({ bucket, prefix: key, client, retryBaseMs: 10, ...options });
    return object!;
  };

  it('resumes a cut connection with Range and If-Match, and the bytes are exactly the original', async () => {
    // Prepare
    const key = 'read/resume.log.gz';
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: log.gz }));
    const object = await listOne(key);
    proxy.cutNextGet({ afterBytes: 1_000_000, pathEndsWith: key });
    const before = proxy.requests.length;

    // Act
    const { bytes, error } = await drain(object);

    // Assess
    expect(log.gz.length).toBeGreaterThan(1_400_000);
    expect(error).toBeUndefined();
    expect(sha256(bytes)).toBe(sha256(log.gz));
    expect(gunzipSync(bytes).toString('utf8')).toBe(log.text);
    const gets = proxy.requests.slice(before);
    expect(gets.map((request) => request.outcome)).toEqual(['cut', 'forwarded']);
    expect(gets.every((request) => request.ifMatch === `"${object.etag}"`)).toBe(true);
    expect(gets[0]!.range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_000_000);
  });

  it('feeds readLines every line of an object whose connection is cut twice', async () => {
    // Prepare
    const key = 'read/lines.log.gz';
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: log.gz }));
    const object = await listOne(key);
    proxy.cutNextGet({ afterBytes: 300_000, pathEndsWith: key });
    proxy.cutNextGet({ afterBytes: 500_000, pathEndsWith: key });

    // Act
    const lines = await lastValueFrom(readLines(object).pipe(reduce((count, batch) => count + batch.lines.length, 0)));

    // Assess
    expect(lines).toBe(60_000);
  });

  it('detects an object replaced mid-read instead of splicing it', async () => {
    // Prepare
    const key = 'read/replaced.log.gz';
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: log.gz }));
    const object = await listOne(key);
    const replacement = gzipLog(60_000, 99).gz;
    proxy.cutNextGet({
      afterBytes: 700_000,
      pathEndsWith: key,
      beforeCut: async () => {
        await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: replacement }));
      },
    });

    // Act
    const { bytes, error } = await drain(object);

    // Assess
    expect(error).toMatchObject({ code: 'object_changed', stage: 'reading' });
    expect(error?.message).toContain(`s3://${bucket}/${key}`);
    expect(error?.message).toContain('object changed while being read');
    expect(bytes.length).toBeLessThanOrEqual(700_000);
    expect(bytes.equals(log.gz.subarray(0, bytes.length))).toBe(true);
  });

  it('refuses an object replaced between listing and reading', async () => {
    // Prepare
    const key = 'read/relisted.log';
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'version 1\n' }));
    const object = await listOne(key);
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'version 2\n' }));

    // Act
    const { bytes, error } = await drain(object);

    // Assess
    expect(error).toMatchObject({ code: 'object_changed' });
    expect(bytes.length).toBe(0);
  });

  it('retries 503 SlowDown answers with backoff, and gives up after readRetries in a row', async () => {
    // Prepare
    const key = 'read/throttled.log';
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'throttled\n' }));
    const object = await listOne(key, { readRetries: 3 });
    const isGet = (method: string, url: string): boolean => method === 'GET' && url.includes('throttled');

    // Act
    proxy.failNext(3, { match: isGet });
    const recovered = await drain(object);
    proxy.failNext(4, { match: isGet });
    const exhausted = await drain(object);

    // Assess
    expect(recovered).toEqual({ bytes: Buffer.from('throttled\n'), error: undefined });
    expect(exhausted.error).toMatchObject({ code: 's3_request_failed', message: expect.stringMatching(/SlowDown.*gave up after 3 resumes at byte 0/) });
  });

  it('holds back a slow reader, and destroying the stream closes the response', async () => {
    // Prepare
    const key = 'read/large.bin';
    const large = Buffer.alloc(8 * 1024 * 1024, 7);
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: large }));
    const object = await listOne(key);
    const stream = await object.open();

    // Act
    stream.read(0);
    await vi.waitFor(() => expect(stream.readableLength).toBeGreaterThan(0));
    await sleep(200);
    const buffered = stream.readableLength;
    const responding = proxy.activeResponses();
    stream.destroy();

    // Assess
    expect(buffered).toBeLessThanOrEqual(512 * 1024);
    expect(responding).toBe(1);
    await vi.waitFor(() => expect(proxy.activeResponses()).toBe(0));
  });
});
