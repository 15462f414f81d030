import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { createHandler } from '../../../src/runtime/lambda/handler.js';
import { isS3Event, isSqsEvent } from '../../../src/runtime/lambda/lambdaEvents.js';
import { readLambdaEnv } from '../../../src/runtime/lambda/lambdaEnv.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
// A client that must never be used: these tests stop before any S3 request.
const offline = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIAOFFLINE', secretAccessKey: SECRET } });
const ENV = { CACHE__SERVICE__BUCKET_NAME: 'acme-cache', LETS__SOURCE_TYPE_MAP: '{"cloudfront-realtime/":"cloudfront-realtime"}', AWS_SECRET_ACCESS_KEY: SECRET };

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (text: string) => lines.push(...text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)) };
}

describe('runtime: lambda environment', () => {
  it('reads the cache bucket, the optional prefix and the map', () => {
    expect(readLambdaEnv({ ...ENV, LETSFLOW_CACHE_PREFIX: 'letsflow/' })).toEqual({
      cacheBucket: 'acme-cache',
      cachePrefix: 'letsflow/',
      sourceTypeMap: { 'cloudfront-realtime/': 'cloudfront-realtime' },
    });
  });

  it("falls back to the seed's logs bucket and prefix when there is no map", () => {
    expect(readLambdaEnv({ CACHE__SERVICE__BUCKET_NAME: 'acme-cache', LETS__SOURCE_TYPE_MAP: '', SGRAPH_SEND__SA_LOGS_BUCKET: 'acme-cf-logs', SGRAPH_SEND__SA_LOGS_PREFIX: 'cloudfront-realtime/' }).sourceTypeMap).toEqual({
      's3://acme-cf-logs/cloudfront-realtime/': 'cloudfront-realtime',
    });
  });

  it.each([
    ['no cache bucket', { LETS__SOURCE_TYPE_MAP: '{}' }, /CACHE__SERVICE__BUCKET_NAME is required/],
    ['a cache bucket that is no bucket name', { CACHE__SERVICE__BUCKET_NAME: 'Acme_Cache' }, /must be a bucket name .*got "Acme_Cache"/],
    ['nothing to route', { CACHE__SERVICE__BUCKET_NAME: 'acme-cache' }, /nothing to route: set LETS__SOURCE_TYPE_MAP/],
    ['a map that is not JSON', { CACHE__SERVICE__BUCKET_NAME: 'acme-cache', LETS__SOURCE_TYPE_MAP: "{'a': 'b'}" }, /LETS__SOURCE_TYPE_MAP is not JSON/],
    ['a prefix starting with "/"', { CACHE__SERVICE__BUCKET_NAME: 'acme-cache', LETSFLOW_CACHE_PREFIX: '/x' }, /LETSFLOW_CACHE_PREFIX must not start with "\/"/],
  ])('throws a ConfigError for %s, without echoing other variables', (_, env, message) => {
    const read = () => readLambdaEnv({ ...env, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: SECRET });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
    expect(() => read()).not.toThrow(new RegExp(SECRET.slice(0, 12)));
  });
});

describe('runtime: lambda handler', () => {
  it('tells SQS and direct S3 events apart', () => {
    expect(isSqsEvent({ Records: [{ eventSource: 'aws:sqs', messageId: 'm', body: '{}' }] })).toBe(true);
    expect(isS3Event({ Records: [{ eventSource: 'aws:s3', s3: {} }] })).toBe(true);
    expect(isSqsEvent({ Records: [{ eventSource: 'aws:s3' }] })).toBe(false);
    expect(isS3Event({ source: 'aws.events' })).toBe(false);
  });

  it('logs and throws a clear error when the environment is invalid, then builds once it is fixed', async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = { AWS_SECRET_ACCESS_KEY: SECRET };
    const { lines, write } = capture();
    const handler = createHandler({ env, client: offline, write });
    const sqsEvent = { Records: [{ eventSource: 'aws:sqs', messageId: 'p', body: 'not json' }] };

    // Act + Assess
    await expect(handler(sqsEvent, { awsRequestId: 'r1' })).rejects.toThrow(/CACHE__SERVICE__BUCKET_NAME is required/);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: 'startup', code: 'config_invalid', requestId: 'r1' })]);
    Object.assign(env, ENV);
    await expect(handler(sqsEvent, { awsRequestId: 'r2' })).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'p' }] });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('builds its clients and store once per container', async () => {
    // Prepare: count how often the environment is read.
    let reads = 0;
    const env = new Proxy({ ...ENV }, { get: (target, name: string) => ((reads += name === 'CACHE__SERVICE__BUCKET_NAME' ? 1 : 0), target[name as keyof typeof target]) });
    const handler = createHandler({ env, client: offline, write: () => undefined });
    const event = { Records: [{ eventSource: 'aws:sqs', messageId: 't', body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }) }] };

    // Act
    await handler(event, { awsRequestId: 'r0' });
    const afterFirst = reads;
    for (let i = 1; i < 4; i++) await handler(event, { awsRequestId: `r${i}` });

    // Assess: read while building on the first invocation, never again.
    expect(afterFirst).toBeGreaterThan(0);
    expect(reads).toBe(afterFirst);
  });

  it('acknowledges objects it must not read (cache bucket, no route) without touching S3', async () => {
    // Prepare
    const { lines, write } = capture();
    const handler = createHandler({ env: ENV, client: offline, write });
    const body = JSON.stringify({
      Records: [
        { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'acme-cache' }, object: { key: 'cloudfront-realtime/a.gz', size: 1, eTag: 'e' } } },
        { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'acme-logs' }, object: { key: 'elsewhere/a.gz', size: 1, eTag: 'e' } } },
      ],
    });

    // Act
    const result = await handler({ Records: [{ eventSource: 'aws:sqs', messageId: 'm1', body }] }, { awsRequestId: 'r1', getRemainingTimeInMillis: () => 50_000 });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines.filter((l) => l.msg === 'object').map((l) => [l.bucket, l.status, l.reason, l.level])).toEqual([
      ['acme-cache', 'skipped', 'cache_bucket', 'warn'],
      ['acme-logs', 'skipped', 'no_route', 'warn'],
    ]);
  });

  it('defers messages it has no time left for', async () => {
    // Prepare
    const { lines, write } = capture();
    const handler = createHandler({ env: ENV, client: offline, write, timeMarginMs: 10_000 });
    const record = (id: string) => ({ eventSource: 'aws:sqs', messageId: id, body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }) });

    // Act
    const result = await handler({ Records: [record('a'), record('b')] }, { getRemainingTimeInMillis: () => 9_000 });

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }] });
    expect(lines.map((l) => l.outcome)).toEqual(['deferred', 'deferred']);
  });

  it('refuses an event that is neither SQS nor S3', async () => {
    const handler = createHandler({ env: ENV, client: offline, write: () => undefined });
    await expect(handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).rejects.toMatchObject({ code: 'event_unsupported' });
  });
});
