import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, LetsflowError, PreconditionFailedError } from '../../src/core/errors.js';
import type { EntryRef } from '../../src/sinks/cacheStore.js';
import { DEFAULT_PART_SIZE, s3CacheStore, S3CacheStoreOptionsSchema } from '../../src/sinks/s3CacheStore.js';
import { describeCacheStoreContract } from '../unit/sinks/cacheStoreContract.js';
import { conditionalProxy, type LoopbackProxy } from './support/conditionalProxy.js';
import { faultProxy, type FaultProxy } from './support/faultProxy.js';
import { emptyPrefix, freshBucket, keysUnder, testS3Client } from './support/s3.js';

let conditional: LoopbackProxy;
let faults: FaultProxy;
let client: S3Client;
let bucket: string;
let run = 0;

// Requests go client → fault proxy → conditional proxy → fauxqs, so every test has conditional writes and can inject faults.
beforeAll(async () => {
  conditional = await conditionalProxy(inject('fauxqsEndpoint'));
  faults = await faultProxy(conditional.endpoint);
  client = testS3Client(faults.endpoint);
  bucket = await freshBucket(client, 'cache-store');
});

afterAll(async () => {
  client.destroy();
  await faults.close();
  await conditional.close();
});

describeCacheStoreContract('s3CacheStore', async (clock) => {
  run += 1;
  const prefix = `run-${run}/cache/`;
  return {
    store: s3CacheStore({ bucket, prefix, client, clock }),
    files: async () => (await keysUnder(client, bucket, prefix)).map((key) => key.slice(prefix.length)),
    readRaw: async (relative) => {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + relative }));
        return await out.Body!.transformToByteArray();
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    cleanup: () => emptyPrefix(client, bucket, prefix),
  };
});

describe('s3CacheStore in a bucket', () => {
  const ref: EntryRef = { namespace: 'ns', key: 'hourly/2026-02-16-14', fileType: 'json' };

  it('keys objects as prefix + entry path, adding the missing "/" to the prefix', async () => {
    // Prepare
    const store = s3CacheStore({ bucket, prefix: 'layout/cache', client });

    // Act
    await store.put(ref, '{}');

    // Assess
    expect(store.location).toBe(`s3://${bucket}/layout/cache/`);
    expect(await keysUnder(client, bucket, 'layout/')).toEqual(['layout/cache/ns/data/key-based/hourly/2026-02-16-14/hourly-2026-02-16-14.json']);
    expect(await store.list('ns', 'json')).toEqual(['hourly/2026-02-16-14']);
  });

  it('returns the ETag as the version', async () => {
    // Prepare
    const store = s3CacheStore({ bucket, prefix: 'etag/', client });

    // Act
    const version = await store.putIf(ref, '{"a":1}', { ifNoneMatch: '*' });
    const head = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `etag/${'ns/data/key-based/hourly/2026-02-16-14/hourly-2026-02-16-14.json'}` }));

    // Assess
    expect(version).toBe(head.ETag);
    expect(version).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('passes the healthcheck through the conditional proxy, and fails it on a store that ignores If-None-Match', async () => {
    // Prepare
    const raw = testS3Client(inject('fauxqsEndpoint'));
    const good = s3CacheStore({ bucket, prefix: 'health/', client });
    const ignoring = s3CacheStore({ bucket, prefix: 'health/', client: raw });

    try {
      // Act
      const [passing, failing] = await Promise.allSettled([good.healthcheck(), ignoring.healthcheck()]);

      // Assess
      expect(passing).toEqual({ status: 'fulfilled', value: undefined });
      expect(failing).toMatchObject({ status: 'rejected', reason: { code: 'conditional_writes_unsupported' } });
      expect(await keysUnder(client, bucket, 'health/')).toEqual([]);
    } finally {
      raw.destroy();
    }
  });

  it('reports a missing bucket in one line naming the bucket and the fix', async () => {
    // Prepare
    const store = s3CacheStore({ bucket: 'no-such-bucket-here', client });

    // Act
    const attempts = await Promise.allSettled([store.put(ref, '{}'), store.get(ref), store.list('ns', 'json'), store.putIf(ref, '{}', { ifNoneMatch: '*' })]);

    // Assess
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({
        status: 'rejected',
        reason: { code: 's3_bucket_missing', message: expect.stringMatching(/^[^\n]*no-such-bucket-here[^\n]*create it, or correct the bucket name$/) },
      });
    }
  });

  it.each([
    { status: 403, code: 'AccessDenied', expected: 's3_access_denied', says: /access denied to GetObject.*grant s3:GetObject on bucket/ },
    { status: 301, code: 'PermanentRedirect', headers: { 'x-amz-bucket-region': 'eu-west-1' }, expected: 's3_wrong_region', says: /is in eu-west-1, not in us-east-1.*set the region to eu-west-1/ },
    { status: 403, code: 'SignatureDoesNotMatch', expected: 's3_credentials_invalid', says: /refused the credentials/ },
  ])('turns $code into $expected, without the credentials', async ({ status, code, headers, expected, says }) => {
    // Prepare
    const store = s3CacheStore({ bucket, prefix: 'errors/', client });
    faults.failNext(1, { status, code, ...(headers === undefined ? {} : { headers }) });

    // Act
    const error = await store.get(ref).then(
      () => expect.fail('get should have failed'),
      (caught: unknown) => caught as LetsflowError,
    );

    // Assess
    expect(error).toBeInstanceOf(LetsflowError);
    expect(error).toMatchObject({ code: expected, stage: 'reading' });
    expect(error.message).toMatch(says);
    const printed = `${error.message} ${String(error.cause)} ${JSON.stringify(error)} ${JSON.stringify(error.cause)}`;
    expect(printed).not.toContain('AKIDLETSFLOWTEST');
    expect(printed).not.toContain('letsflow-test-secret');
  });

  it('uploads a 20 MiB buffer in parts no larger than the part size', async () => {
    // Prepare
    const store = s3CacheStore({ bucket, prefix: 'multipart/', client });
    const body = new Uint8Array(20 * 1024 * 1024).map((_, index) => index % 253);
    const before = faults.requests.length;

    // Act
    await store.put({ namespace: 'ns', key: 'big', fileType: 'binary' }, body);
    const back = await store.get({ namespace: 'ns', key: 'big', fileType: 'binary' });

    // Assess
    expect(Buffer.from(back!).equals(Buffer.from(body))).toBe(true);
    const parts = faults.requests.slice(before).filter((request) => request.method === 'PUT' && request.url.includes('partNumber='));
    expect(parts).toHaveLength(Math.ceil(body.length / DEFAULT_PART_SIZE));
  });

  it('keeps the old object when a streamed body fails after some parts were uploaded', async () => {
    // Prepare
    const store = s3CacheStore({ bucket, prefix: 'multipart-fail/', client });
    const big = { namespace: 'ns', key: 'big', fileType: 'binary' } as const;
    await store.put(big, new Uint8Array([1, 2, 3]));
    async function* failingLate(): AsyncGenerator<Uint8Array> {
      for (let index = 0; index < 12; index += 1) yield new Uint8Array(1024 * 1024).fill(index);
      throw new Error('source read failed after 12 MiB');
    }
    const before = faults.requests.length;

    // Act
    const put = store.put(big, failingLate());

    // Assess
    await expect(put).rejects.toMatchObject({ code: 'sink_write_failed', cause: { message: 'source read failed after 12 MiB' } });
    expect(await store.get(big)).toEqual(new Uint8Array([1, 2, 3]));
    const requests = faults.requests.slice(before);
    expect(requests.some((request) => request.url.includes('partNumber='))).toBe(true);
    expect(requests.some((request) => request.method === 'DELETE' && request.url.includes('uploadId='))).toBe(true);
  });

  it('throws PreconditionFailedError naming the s3:// object', async () => {
    // Prepare
    const store = s3CacheStore({ bucket, prefix: 'named/', client });
    await store.put(ref, '{}');

    // Act
    const create = store.putIf(ref, '{}', { ifNoneMatch: '*' });

    // Assess
    await expect(create).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(create).rejects.toMatchObject({ path: `s3://${bucket}/named/ns/data/key-based/hourly/2026-02-16-14/hourly-2026-02-16-14.json` });
  });
});

describe('S3CacheStoreOptionsSchema', () => {
  it('round-trips the default options and refuses bad ones', () => {
    // Act
    const defaulted = S3CacheStoreOptionsSchema.parse({ bucket: 'my-cache' });

    // Assess
    expect(defaulted).toEqual({ bucket: 'my-cache', prefix: '', partSize: DEFAULT_PART_SIZE });
    expect(S3CacheStoreOptionsSchema.parse(defaulted)).toEqual(defaulted);
    expect(S3CacheStoreOptionsSchema.safeParse({ bucket: 'My_Bucket' }).success).toBe(false);
    expect(S3CacheStoreOptionsSchema.safeParse({ bucket: 'ok-bucket', prefix: '/abs' }).success).toBe(false);
    expect(S3CacheStoreOptionsSchema.safeParse({ bucket: 'ok-bucket', partSize: 64 * 1024 * 1024 }).success).toBe(false);
    expect(S3CacheStoreOptionsSchema.safeParse({ bucket: 'ok-bucket', region: 'x' }).success).toBe(false);
    expect(() => s3CacheStore({ bucket: 'ok-bucket', client: {} as S3Client })).toThrow(ConfigError);
  });
});
