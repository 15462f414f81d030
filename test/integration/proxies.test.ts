import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { conditionalProxy, type LoopbackProxy } from './support/conditionalProxy.js';
import { faultProxy, type FaultProxy } from './support/faultProxy.js';
import { freshBucket, testS3Client } from './support/s3.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A plain GET through a proxy, collecting what arrives until the response ends or fails. */
function rawGet(endpoint: string, path: string): Promise<{ status: number; bytes: Buffer; error: Error | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${endpoint}${path}`, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), error: undefined }));
        res.on('error', (error) => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), error }));
      })
      .on('error', reject);
  });
}

describe('test support: conditionalProxy', () => {
  let proxy: LoopbackProxy;
  let client: S3Client;
  let bucket: string;

  beforeAll(async () => {
    proxy = await conditionalProxy(inject('fauxqsEndpoint'));
    client = testS3Client(proxy.endpoint);
    bucket = await freshBucket(client, 'proxy-conditional');
  });

  afterAll(async () => {
    client.destroy();
    await proxy.close();
  });

  it('answers a second If-None-Match: * create with 412 PreconditionFailed and keeps the first body', async () => {
    // Prepare
    const put = (body: string) => client.send(new PutObjectCommand({ Bucket: bucket, Key: 'create/once', Body: body, IfNoneMatch: '*' }));
    await put('first');

    // Act
    const second = put('second');

    // Assess
    await expect(second).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    const back = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'create/once' }));
    expect(await back.Body!.transformToString()).toBe('first');
  });

  it('applies If-Match: the current ETag writes, a stale one gets 412, an absent key gets 404 NoSuchKey', async () => {
    // Prepare
    const { ETag: first } = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'match/k', Body: 'v1' }));
    const put = (body: string, etag: string, key = 'match/k') => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfMatch: etag }));

    // Act
    const { ETag: second } = await put('v2', first!);
    const [stale, absent] = await Promise.allSettled([put('v3', first!), put('v1', first!, 'match/absent')]);

    // Assess
    expect(second).not.toBe(first);
    expect(stale).toMatchObject({ status: 'rejected', reason: { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } } });
    expect(absent).toMatchObject({ status: 'rejected', reason: { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } } });
    const back = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'match/k' }));
    expect(await back.Body!.transformToString()).toBe('v2');
  });

  it('lets exactly one of 8 racing creates through', async () => {
    // Act
    const settled = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) => client.send(new PutObjectCommand({ Bucket: bucket, Key: 'race/k', Body: `writer-${index}`, IfNoneMatch: '*' }))),
    );

    // Assess
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(settled.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.name)).toEqual(Array(7).fill('PreconditionFailed'));
  });

  it('forwards unconditional requests byte for byte', async () => {
    // Prepare
    const body = randomBytes(3 * 1024 * 1024);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain/blob', Body: body }));

    // Act
    const back = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain/blob' }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'plain/' }));

    // Assess
    expect(sha256(await back.Body!.transformToByteArray())).toBe(sha256(body));
    expect(listed.Contents?.map((object) => [object.Key, object.Size])).toEqual([['plain/blob', body.length]]);
  });
});

describe('test support: faultProxy', () => {
  let proxy: FaultProxy;
  let client: S3Client;
  let bucket: string;
  const body = randomBytes(512 * 1024);

  beforeAll(async () => {
    proxy = await faultProxy(inject('fauxqsEndpoint'));
    client = testS3Client(proxy.endpoint, { maxAttempts: 1 });
    bucket = await freshBucket(client, 'proxy-fault');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'blob.bin', Body: body }));
  });

  afterAll(async () => {
    client.destroy();
    await proxy.close();
  });

  it('destroys a GetObject socket after exactly N body bytes, once the hook ran', async () => {
    // Prepare
    let hookRan = false;
    proxy.cutNextGet({
      afterBytes: 100_000,
      beforeCut: async () => {
        hookRan = true;
      },
    });

    // Act
    const cut = await rawGet(proxy.endpoint, `/${bucket}/blob.bin`);
    const whole = await rawGet(proxy.endpoint, `/${bucket}/blob.bin`);

    // Assess
    expect(cut.status).toBe(200);
    expect(cut.error).toBeDefined();
    expect(cut.bytes.equals(body.subarray(0, 100_000))).toBe(true);
    expect(hookRan).toBe(true);
    expect(whole.error).toBeUndefined();
    expect(whole.bytes.equals(body)).toBe(true);
    expect(proxy.requests.slice(-2).map((request) => request.outcome)).toEqual(['cut', 'forwarded']);
  });

  it('answers the next K requests with 503 SlowDown, then forwards again', async () => {
    // Prepare
    proxy.failNext(2);
    const get = () => client.send(new GetObjectCommand({ Bucket: bucket, Key: 'blob.bin' }));

    // Act
    const first = get();
    await expect(first).rejects.toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    const second = get();
    await expect(second).rejects.toMatchObject({ name: 'SlowDown' });
    const third = await get();

    // Assess
    expect(sha256(await third.Body!.transformToByteArray())).toBe(sha256(body));
    expect(proxy.requests.slice(-3).map((request) => request.outcome)).toEqual(['failed', 'failed', 'forwarded']);
  });

  it('can answer with another status, code and headers', async () => {
    // Prepare
    proxy.failNext(1, { status: 403, code: 'AccessDenied' });

    // Act
    const get = client.send(new GetObjectCommand({ Bucket: bucket, Key: 'blob.bin' }));

    // Assess
    await expect(get).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(proxy.activeResponses()).toBe(0);
  });
});
