import { gzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestObject } from '../../src/engine/ingest.js';
import { loadConfig } from '../../src/runtime/config.js';
import { createHandler } from '../../src/runtime/lambda/handler.js';
import type { SqsLambdaEvent } from '../../src/runtime/lambda/lambdaEvents.js';
import { stepContext } from '../../src/runtime/pipelineService.js';
import { s3CacheStore } from '../../src/sinks/s3CacheStore.js';
import { s3Object } from '../../src/sources/s3Object.js';
import { event } from '../helpers/factories.js';
import { sgraph27Line } from '../helpers/objects.js';
import { accessLine } from '../helpers/s3accessLines.js';
import { faultProxy, type FaultProxy } from './support/faultProxy.js';
import { startS3EventBridge, type S3EventBridge } from './support/s3EventBridge.js';
import { freshBucket, keysUnder, testS3Client } from './support/s3.js';

let bridge: S3EventBridge;
let proxy: FaultProxy;
let client: S3Client;
let source: string;
let cache: string;
let queueUrl: string;
let env: NodeJS.ProcessEnv;

const GOOD = ['cf/2026/02/16/one.gz', 'cf/2026/02/16/two words+plus.gz'];
const FAILING = 'cf/2026/02/16/fail-me.gz';
const logBody = (count: number, minute: number): Buffer =>
  gzipSync(Array.from({ length: count }, (_, i) => `${sgraph27Line(event({ timestamp: Date.UTC(2026, 1, 16, 14, minute + i * 7) }))}\n`).join(''));

/** The SQS → Lambda event for these messages, as the event source mapping builds it. */
function sqsLambdaEvent(messages: readonly Message[]): SqsLambdaEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: 'AIDATESTSENDER',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:letsflow-events',
      awsRegion: 'us-east-1',
    })),
  };
}

const context = (id: string) => ({ awsRequestId: id, functionName: 'letsflow-processor', getRemainingTimeInMillis: () => 55_000 });
const body = async (key: string): Promise<Buffer> => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: cache, Key: key }))).Body!.transformToByteArray());

beforeAll(async () => {
  bridge = await startS3EventBridge();
  // The function's S3 requests go through a fault proxy, which fails every GetObject of the failing object.
  proxy = await faultProxy(bridge.endpoint);
  client = testS3Client(proxy.endpoint, { maxAttempts: 1 });
  source = await freshBucket(bridge.s3, 'cf-logs');
  cache = await freshBucket(bridge.s3, 'cache');
  ({ queueUrl } = await bridge.createQueue(`lambda-events-${Date.now()}`, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }));
  env = {
    CACHE__SERVICE__BUCKET_NAME: cache,
    LETSFLOW_CACHE_PREFIX: 'lambda/',
    LETS__SOURCE_TYPE_MAP: JSON.stringify({ [`s3://${source}/cf/`]: 'cloudfront-realtime', [`s3://${source}/transfers-bucket/`]: 's3-access-transfers', 'vpc/': 'vpc-flow' }),
  };
});

afterAll(async () => {
  client.destroy();
  await proxy.close();
  await bridge.close();
});

describe('runtime: lambda handler with real S3 notifications', () => {
  let messages: Message[] = [];
  const lines: Record<string, unknown>[] = [];
  const write = (text: string): void => {
    for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  let handler: ReturnType<typeof createHandler>;

  beforeAll(async () => {
    await bridge.notify({ bucket: source, prefix: 'cf/', queueUrl });
    await bridge.s3.send(new PutObjectCommand({ Bucket: source, Key: GOOD[0], Body: logBody(5, 0) }));
    await bridge.s3.send(new PutObjectCommand({ Bucket: source, Key: GOOD[1], Body: logBody(3, 40) }));
    await bridge.s3.send(new PutObjectCommand({ Bucket: source, Key: FAILING, Body: logBody(2, 5) }));
    await bridge.settled();
    while (messages.length < 4) {
      const out = await bridge.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'] }),
      );
      messages.push(...(out.Messages ?? []));
    }
    handler = createHandler({ env, client, write });
  });

  it('commits what ingestObject would and names the failing message in batchItemFailures', async () => {
    // Prepare
    const failingMessage = messages.find((m) => m.Body!.includes('fail-me'))!;
    proxy.failNext(10_000, { match: (method, url) => method === 'GET' && url.startsWith(`/${source}/`) && url.includes('fail-me') });

    // Act
    const result = await handler(sqsLambdaEvent(messages), context('req-1'));

    // Assess: the failing message alone is reported; the test event and the good objects are done.
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: failingMessage.MessageId }] });
    // The bridge's notifications race each other, so the queue's order is not the upload order.
    const objectLines = lines.filter((l) => l.msg === 'object').sort((a, b) => String(a.key).localeCompare(String(b.key)));
    expect(objectLines.map((l) => [l.key, l.status, l.events])).toEqual([
      [FAILING, 'failed', 0],
      [GOOD[0], 'committed', 5],
      [GOOD[1], 'committed', 3],
    ]);
    expect(objectLines.every((l) => typeof l.ms === 'number' && l.requestId === 'req-1' && l.sourceType === 'cloudfront-realtime')).toBe(true);
    expect(objectLines[0]).toMatchObject({ level: 'error', reason: 's3_request_failed' });
    expect(lines.filter((l) => l.msg === 'message').map((l) => `${l.messageId === failingMessage.MessageId ? 'failing' : 'other'}:${l.outcome}`).sort()).toEqual([
      'failing:retry',
      'other:done',
      'other:done',
      'other:done',
    ]);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain('letsflow-test-secret-not-a-real-one');
    expect(logged).not.toContain('AKIDLETSFLOWTEST0000');

    // The same objects through ingestObject directly, into another prefix of the same bucket.
    const config = await loadConfig({}, env);
    const direct = s3CacheStore({ bucket: cache, prefix: 'direct/', client: bridge.s3 });
    for (const key of GOOD) {
      const head = await bridge.s3.send(new HeadObjectCommand({ Bucket: source, Key: key }));
      await ingestObject(s3Object({ client: bridge.s3, bucket: source, key, etag: head.ETag!, size: head.ContentLength! }), stepContext(config, direct), { consolidate: true });
    }
    const lambdaKeys = (await keysUnder(client, cache, 'lambda/')).map((k) => k.slice('lambda/'.length));
    const directKeys = (await keysUnder(client, cache, 'direct/')).map((k) => k.slice('direct/'.length));
    expect(lambdaKeys).toEqual(directKeys);
    expect(lambdaKeys.filter((k) => k.startsWith('sa-ledger/data/key-based/objects/')).length).toBe(2); // the failing object stays pending
    expect(lambdaKeys.some((k) => k.startsWith('sa-cloudfront-consolidated/'))).toBe(true);
    for (const key of lambdaKeys) expect(await body(`lambda/${key}`), key).toEqual(await body(`direct/${key}`));
  }, 20_000);

  it('succeeds on the redelivery once the failure is gone, and answers committed objects from the ledger', async () => {
    // Prepare
    proxy.failNext(0);
    const failingMessage = messages.find((m) => m.Body!.includes('fail-me'))!;
    const goodMessage = messages.find((m) => m.Body!.includes('one.gz'))!;
    lines.length = 0;

    // Act
    const result = await handler(sqsLambdaEvent([failingMessage, goodMessage]), context('req-2'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines.filter((l) => l.msg === 'object').map((l) => [l.key, l.status, l.reason])).toEqual([
      [FAILING, 'committed', undefined],
      [GOOD[0], 'committed', 'already_committed'],
    ]);
    expect((await keysUnder(client, cache, 'lambda/sa-ledger/data/key-based/objects/')).length).toBe(3);
  });

  it('handles direct S3 events: resolves when all are committed, throws when an object failed', async () => {
    // Prepare
    const s3Event = JSON.parse(messages.find((m) => m.Body!.includes('two+words'))!.Body!) as unknown;
    const failing = JSON.parse(messages.find((m) => m.Body!.includes('fail-me'))!.Body!) as { Records: { s3: { object: { key: string } } }[] };
    failing.Records[0]!.s3.object.key = 'cf/2026/02/16/later.gz';
    await bridge.s3.send(new PutObjectCommand({ Bucket: source, Key: 'cf/2026/02/16/later.gz', Body: logBody(1, 0) }));
    proxy.failNext(10_000, { match: (method, url) => method === 'GET' && url.includes('/cf/2026/02/16/later.gz') });

    // Act + Assess
    await expect(handler(s3Event, context('req-3'))).resolves.toBeUndefined();
    await expect(handler(failing, context('req-4'))).rejects.toMatchObject({ code: 'objects_failed', message: expect.stringContaining('later.gz: ') });
    proxy.failNext(0);
  }, 15_000);

  it('reports a body that is no S3 event as a batch item failure and skips objects without a parser or route', async () => {
    // Prepare
    const event = sqsLambdaEvent([
      { MessageId: 'poison-1', ReceiptHandle: 'r1', Body: '{"hello":"world"}', Attributes: { ApproximateReceiveCount: '3' } },
      {
        MessageId: 'other-1',
        ReceiptHandle: 'r2',
        Body: JSON.stringify({
          Records: [
            { eventName: 'ObjectCreated:Put', s3: { bucket: { name: source }, object: { key: 'vpc/2026-02-16-x', size: 10, eTag: 'e' } } },
            { eventName: 'ObjectCreated:Put', s3: { bucket: { name: source }, object: { key: 'elsewhere/a.gz', size: 10, eTag: 'e' } } },
            { eventName: 'ObjectCreated:Put', s3: { bucket: { name: cache }, object: { key: 'lambda/sa-ledger/x.json', size: 10, eTag: 'e' } } },
            { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: source }, object: { key: 'cf/gone.gz' } } },
          ],
        }),
      },
    ]);
    lines.length = 0;

    // Act
    const result = await handler(event, context('req-5'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison-1' }] });
    expect(lines.find((l) => l.messageId === 'poison-1')).toMatchObject({ level: 'error', outcome: 'poison', receiveCount: 3, reason: expect.stringMatching(/^not_s3_event: no Records/) });
    expect(lines.filter((l) => l.msg === 'object').map((l) => [l.key, l.status, l.reason])).toEqual([
      ['vpc/2026-02-16-x', 'skipped', 'no_parser'],
      ['elsewhere/a.gz', 'skipped', 'no_route'],
      ['lambda/sa-ledger/x.json', 'skipped', 'cache_bucket'],
    ]);
    expect(lines.find((l) => l.messageId === 'other-1')).toMatchObject({ outcome: 'done', objects: 3, ignored: ['not_object_created:ObjectRemoved:Delete'] });
  });

  it('routes an S3 access-log object of the transfers bucket to its own pipeline and namespaces', async () => {
    // Prepare: a plain-text access-log object, named as S3 names them, announced through the queue
    const key = 'transfers-bucket/2026-02-16-14-05-00-ABCDEF0123456789';
    const records = [0, 1, 2].map((i) =>
      accessLine({
        time: Date.UTC(2026, 1, 16, 14, i), bucket: 'transfers', requestId: `3E57427F3EXAMPL${i}`, operation: 'REST.GET.OBJECT', key: `file ${i}.bin`,
        status: 200, error: null, bytes: 100 * (i + 1), size: 1000, totalMs: 20, turnAroundMs: 5, requester: '-', tls: 'TLSv1.2',
      }),
    );
    await bridge.notify({ bucket: source, prefix: 'transfers-bucket/', queueUrl });
    await bridge.s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: `${records.join('\n')}\n` }));
    await bridge.settled();
    const announced: Message[] = [];
    while (!announced.some((m) => m.Body!.includes('transfers-bucket'))) {
      const out = await bridge.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30 }));
      announced.push(...(out.Messages ?? []));
    }
    lines.length = 0;

    // Act
    const result = await handler(sqsLambdaEvent(announced.filter((m) => m.Body!.includes('transfers-bucket'))), context('req-6'));

    // Assess: committed by the s3-access parser into the transfers pipeline's namespaces, and nowhere else
    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines.filter((l) => l.msg === 'object').map((l) => [l.key, l.status, l.sourceType, l.events])).toEqual([[key, 'committed', 's3-access-transfers', 3]]);
    const keys = await keysUnder(client, cache, 'lambda/sa-s3access-transfers-');
    expect(keys.some((k) => k.includes('sa-s3access-transfers-ledger/data/key-based/objects/'))).toBe(true);
    expect(keys.some((k) => k.includes('sa-s3access-transfers-consolidated/'))).toBe(true);
    expect(await keysUnder(client, cache, 'lambda/sa-s3access-cache-')).toEqual([]);
  }, 20_000);
});
