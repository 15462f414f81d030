import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectsCommand, paginateListObjectsV2, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client for the local emulator: dummy credentials given explicitly (the default chain is
 * never consulted), path-style addressing, and checksums only where S3 requires them.
 */
export function testS3Client(endpoint: string, overrides: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDLETSFLOWTEST0000', secretAccessKey: 'letsflow-test-secret-not-a-real-one' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

/** Creates a bucket with a fresh name, so test files never share state. */
export async function freshBucket(client: S3Client, label: string): Promise<string> {
  const bucket = `${label}-${randomBytes(4).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Every key under `prefix`, sorted. */
export async function keysUnder(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) keys.push(object.Key!);
  }
  return keys.sort();
}

/** Deletes every object under `prefix`. */
export async function emptyPrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
  const keys = await keysUnder(client, bucket, prefix);
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000).map((Key) => ({ Key }));
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch } }));
  }
}

/** Uploads objects with at most `concurrency` requests in flight. */
export async function putObjects(client: S3Client, bucket: string, objects: readonly { key: string; body: Uint8Array | string }[], concurrency = 64): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < objects.length) {
        const { key, body } = objects[next++]!;
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      }
    }),
  );
}
