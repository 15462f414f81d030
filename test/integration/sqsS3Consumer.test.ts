import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LetsflowError } from '../../src/core/errors.js';
import { eventDrivenIngest } from '../../src/engine/eventDriven/eventDrivenIngest.js';
import { objectDispatcher, type ObjectReport } from '../../src/engine/eventDriven/objectDispatcher.js';
import { listLedger } from '../../src/engine/ledger.js';
import { NAMESPACES } from '../../src/pipelines/cloudfront/namespaces.js';
import type { CacheStore } from '../../src/sinks/cacheStore.js';
import { memoryCacheStore } from '../../src/sinks/memoryCacheStore.js';
import { s3CacheStore } from '../../src/sinks/s3CacheStore.js';
import type { S3ObjectRef } from '../../src/sources/sqsS3Events/parseS3Event.js';
import { sourceTypeRouter } from '../../src/sources/sqsS3Events/sourceTypeRouter.js';
import { sqsS3Consumer, type ConsumerEvent } from '../../src/sources/sqsS3Events/sqsS3Consumer.js';
import { cloudfrontContext, event, testFinality } from '../helpers/factories.js';
import { sgraph27Line } from '../helpers/objects.js';
import { queueDepth, s3EventJson, startS3EventBridge, type S3EventBridge } from './support/s3EventBridge.js';
import { freshBucket } from './support/s3.js';

let bridge: S3EventBridge;
let source: string;
let queue = 0;

/** A gzip real-time log of `count` events, a minute apart from `minute`. */
const logBody = (count: number, minute = 0): Buffer =>
  gzipSync(Array.from({ length: count }, (_, i) => `${sgraph27Line(event({ timestamp: Date.UTC(2026, 1, 16, 14, minute + i) }))}\n`).join(''));

const upload = async (bucket: string, key: string, body: Buffer | string): Promise<void> => {
  await bridge.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
};

/** Polls until `check` passes or `ms` elapse (then runs it once more to fail with its message). */
async function eventually(check: () => void | Promise<void>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

const ctxFor = (store: CacheStore) => cloudfrontContext(store, { clock: () => new Date(Date.UTC(2026, 1, 16, 18)), finality: testFinality({ latenessMs: 15 * 60_000 }) });

async function newQueue(visibilityTimeoutSeconds: number, maxReceiveCount = 5): Promise<{ queueUrl: string; dlqUrl: string }> {
  queue += 1;
  const { queueUrl, dlqUrl } = await bridge.createQueue(`events-${queue}-${Date.now()}`, { visibilityTimeoutSeconds, maxReceiveCount });
  return { queueUrl, dlqUrl: dlqUrl! };
}

beforeAll(async () => {
  bridge = await startS3EventBridge();
  source = await freshBucket(bridge.s3, 'logs');
});

afterAll(async () => {
  await bridge.close();
});

describe('source: sqsS3Consumer against SQS', () => {
  it('processes an object that takes 10× the visibility timeout exactly once (heartbeat)', async () => {
    // Prepare: visibility 1 s, processing 10 s. First, that this queue really redelivers after 1 s without a heartbeat.
    const { queueUrl, dlqUrl } = await newQueue(1);
    await bridge.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'probe', MessageBody: 'probe' }] }));
    const first = await bridge.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, VisibilityTimeout: 1 }));
    await sleep(1500);
    const again = await bridge.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(first.Messages?.[0]?.Body).toBe('probe');
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    await bridge.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle }));

    await bridge.notify({ bucket: source, prefix: 'slow/', queueUrl });
    const calls: S3ObjectRef[] = [];
    const consumer = sqsS3Consumer({
      sqs: bridge.sqs,
      queueUrl,
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      concurrency: 2, // a free slot keeps polling: a redelivery would be received and counted
      handleObject: async (ref) => {
        calls.push(ref);
        await sleep(10_000);
        return 'committed';
      },
    });
    const running = consumer.start();

    // Act
    await upload(source, 'slow/a b+c.gz', logBody(1));
    await bridge.settled();
    await eventually(() => expect(consumer.stats().deleted).toBe(2), 20_000); // the test event and the object's
    await sleep(2500); // past two more visibility timeouts: any redelivery would show up now
    await consumer.stop();
    await running;

    // Assess
    expect(calls.map((ref) => ref.key)).toEqual(['slow/a b+c.gz']);
    const stats = consumer.stats();
    expect(stats).toMatchObject({ received: 2, deleted: 2, retried: 0, poison: 0, released: 0, objects: { committed: 1, failed: 0 }, ignoredRecords: { test_event: 1 } });
    expect(stats.heartbeats).toBeGreaterThanOrEqual(15); // every 0.5 s for 10 s
    expect(stats.errors).toEqual({ receive: 0, delete: 0, visibility: 0 });
    expect(await queueDepth(bridge.sqs, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await queueDepth(bridge.sqs, dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  }, 40_000);

  it('deletes a message naming several objects only once all are committed (one fails the first time)', async () => {
    // Prepare: three real objects named by one S3 event; the second fails transiently on its first attempt.
    const { queueUrl, dlqUrl } = await newQueue(1);
    const keys = ['multi/a.gz', 'multi/b.gz', 'multi/c.gz'];
    for (const [index, key] of keys.entries()) await upload(source, key, logBody(3, index * 10));
    const heads = await Promise.all(keys.map((key) => bridge.s3.send(new HeadObjectCommand({ Bucket: source, Key: key }))));
    await bridge.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: s3EventJson(keys.map((key, i) => ({ bucket: source, key, size: heads[i]!.ContentLength!, eTag: heads[i]!.ETag!.replace(/"/g, '') }))),
      }),
    );
    const store = memoryCacheStore();
    const dispatcher = objectDispatcher({
      client: bridge.s3,
      router: sourceTypeRouter({ map: { 'multi/': 'cloudfront-realtime' }, cacheBucket: 'letsflow-cache' }),
      contextFor: () => ctxFor(store),
    });
    const attempts: string[] = [];
    const events: ConsumerEvent[] = [];
    const consumer = sqsS3Consumer({
      sqs: bridge.sqs,
      queueUrl,
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      onEvent: (e) => events.push(e),
      handleObject: async (ref) => {
        attempts.push(ref.key);
        if (ref.key === 'multi/b.gz' && attempts.filter((k) => k === ref.key).length === 1) {
          throw new LetsflowError('s3_request_failed', 'reading', 'GetObject s3://logs/multi/b.gz failed: SlowDown');
        }
        return (await dispatcher.handle(ref)).status as 'committed';
      },
    });
    const running = consumer.start();

    // Act
    await eventually(() => expect(consumer.stats().deleted).toBe(1), 10_000);
    await consumer.stop();
    await running;

    // Assess: first delivery tried all three and kept the message; the redelivery deleted it.
    const messages = events.filter((e) => e.type === 'message');
    expect(messages.map((e) => [e.receiveCount, e.outcome])).toEqual([
      [1, 'retry'],
      [2, 'deleted'],
    ]);
    expect(messages[0]).toMatchObject({ objects: 3, reason: expect.stringContaining(`s3://${source}/multi/b.gz: s3_request_failed`) });
    expect(attempts).toEqual([...keys, ...keys]);
    expect(dispatcher.counts()).toMatchObject({ committed: 3, alreadyCommitted: 2, failed: 0 }); // a and c answered from the ledger
    expect((await listLedger(store, NAMESPACES)).map((e) => [e.object.key, e.status, e.events])).toEqual([
      ['multi/a.gz', 'done', 3],
      ['multi/b.gz', 'done', 3],
      ['multi/c.gz', 'done', 3],
    ]);
    expect(await queueDepth(bridge.sqs, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await queueDepth(bridge.sqs, dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  }, 20_000);

  it('sends poison messages to the DLQ after maxReceiveCount receives, with the reason, and loses none of the batch', async () => {
    // Prepare: one batch of four: two good objects, a body that is no S3 event, an object that fails on every attempt.
    const { queueUrl, dlqUrl } = await newQueue(1, 2);
    for (const key of ['batch/good-1.gz', 'batch/good-2.gz', 'batch/always-fails.gz']) await upload(source, key, logBody(2));
    const record = async (key: string): Promise<string> => {
      const head = await bridge.s3.send(new HeadObjectCommand({ Bucket: source, Key: key }));
      return s3EventJson([{ bucket: source, key, size: head.ContentLength!, eTag: head.ETag!.replace(/"/g, '') }]);
    };
    await bridge.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'good1', MessageBody: await record('batch/good-1.gz') },
          { Id: 'garbage', MessageBody: 'hello, not an event' },
          { Id: 'fails', MessageBody: await record('batch/always-fails.gz') },
          { Id: 'good2', MessageBody: await record('batch/good-2.gz') },
        ],
      }),
    );
    const handled: string[] = [];
    const poisoned: { body: string; receiveCount: number; reason: string }[] = [];
    const consumer = sqsS3Consumer({
      sqs: bridge.sqs,
      queueUrl,
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      concurrency: 4, // all four arrive in one receive
      // maxReceives left out: read from the queue's RedrivePolicy (2)
      handleObject: async (ref) => {
        if (ref.key.endsWith('always-fails.gz')) throw new LetsflowError('sink_write_failed', 'writing', 'could not write sa-ledger/objects/x');
        handled.push(ref.key);
        return 'committed';
      },
      onPoison: (message, receiveCount, reason) => {
        poisoned.push({ body: message.Body ?? '', receiveCount, reason });
      },
    });
    const running = consumer.start();

    // Act
    const inDlq: Message[] = [];
    await eventually(async () => {
      const out = await bridge.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }));
      inDlq.push(...(out.Messages ?? []));
      expect(inDlq).toHaveLength(2);
    }, 15_000);
    await consumer.stop();
    await running;

    // Assess
    expect(handled.sort()).toEqual(['batch/good-1.gz', 'batch/good-2.gz']);
    expect(poisoned.map((p) => p.receiveCount)).toEqual([2, 2]);
    const byBody = new Map(poisoned.map((p) => [p.body, p.reason]));
    expect(byBody.get('hello, not an event')).toMatch(/^not_s3_event: the body is not JSON/);
    const failingBody = inDlq.map((m) => m.Body ?? '').find((body) => body !== 'hello, not an event') ?? '';
    expect((JSON.parse(failingBody) as { Records: { s3: { object: { key: string } } }[] }).Records[0]?.s3.object.key).toBe('batch/always-fails.gz');
    expect(byBody.get(failingBody)).toBe(`s3://${source}/batch/always-fails.gz: sink_write_failed: could not write sa-ledger/objects/x`);
    expect(consumer.stats()).toMatchObject({ deleted: 2, poison: 2, objects: { committed: 2, failed: 2 } });
    expect(await queueDepth(bridge.sqs, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  }, 25_000);

  it('stops: no new receives, the object in progress finishes, the unfinished message is visible again at once', async () => {
    // Prepare: one message naming two objects; the first takes a while.
    const { queueUrl } = await newQueue(30);
    await bridge.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: s3EventJson([
          { bucket: source, key: 'stop/first.gz', size: 1, eTag: 'e1' },
          { bucket: source, key: 'stop/second.gz', size: 1, eTag: 'e2' },
        ]),
      }),
    );
    const started: string[] = [];
    const finished: string[] = [];
    let entered!: () => void;
    const inFirst = new Promise<void>((resolve) => (entered = resolve));
    const consumer = sqsS3Consumer({
      sqs: bridge.sqs,
      queueUrl,
      visibilityTimeoutSeconds: 30,
      maxReceives: 5,
      handleObject: async (ref) => {
        started.push(ref.key);
        entered();
        await sleep(500);
        finished.push(ref.key);
        return 'committed';
      },
    });
    const running = consumer.start();
    await inFirst;

    // Act
    const stopAt = Date.now();
    await consumer.stop();
    const stopMs = Date.now() - stopAt;
    await running;

    // Assess: the long poll (20 s) was aborted, the first object finished, the second never started,
    // and the message is back on the queue now rather than after its 30 s visibility.
    expect(stopMs).toBeLessThan(2000);
    expect(started).toEqual(['stop/first.gz']);
    expect(finished).toEqual(['stop/first.gz']);
    expect(consumer.stats()).toMatchObject({ released: 1, deleted: 0 });
    const again = await bridge.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  }, 15_000);

  it('never processes an object in the cache bucket, even with a notification wrongly set on it (no circular trigger)', async () => {
    // Prepare: notifications on the source bucket AND on the cache bucket, so every cache write comes back as an event.
    const { queueUrl } = await newQueue(2);
    const cacheBucket = await freshBucket(bridge.s3, 'cache');
    await bridge.notify({ bucket: source, prefix: 'loop/', queueUrl });
    await bridge.notify({ bucket: cacheBucket, queueUrl });
    const store = s3CacheStore({ bucket: cacheBucket, prefix: 'letsflow/', client: bridge.s3 });
    const reports: ObjectReport[] = [];
    const dispatcher = objectDispatcher({
      client: bridge.s3,
      router: sourceTypeRouter({ map: { '': 'cloudfront-realtime' }, cacheBucket }), // a catch-all rule: only the cache-bucket guard stands between us and a loop
      contextFor: () => ({ ...ctxFor(store), keepRaw: true }),
      log: (report) => reports.push(report),
    });
    const consumer = sqsS3Consumer({ sqs: bridge.sqs, queueUrl, visibilityTimeoutSeconds: 2, waitTimeSeconds: 1, handleObject: async (ref) => (await dispatcher.handle(ref)).status as 'committed' });
    const running = consumer.start();

    // Act: one log object in the source, one object dropped straight into the cache bucket.
    await upload(source, 'loop/one.gz', logBody(4));
    await upload(cacheBucket, 'letsflow/stray/log.gz', logBody(1));
    await eventually(async () => {
      await bridge.settled();
      const cacheWrites = bridge.sent.filter((s) => s.bucket === cacheBucket).length;
      expect(cacheWrites).toBeGreaterThanOrEqual(4); // the stray object, raw events, a partial, the ledger
      expect(consumer.stats().deleted).toBe(2 + 1 + cacheWrites); // two test events, the source object, every cache event
      expect(await queueDepth(bridge.sqs, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    }, 15_000);
    await consumer.stop();
    await running;

    // Assess: the only object read and committed is the source one; every cache-bucket event was skipped unread.
    const fromCache = reports.filter((r) => r.bucket === cacheBucket);
    expect(fromCache.length).toBe(bridge.sent.filter((s) => s.bucket === cacheBucket).length);
    expect(fromCache.every((r) => r.status === 'skipped' && r.reason === 'cache_bucket')).toBe(true);
    expect(reports.filter((r) => r.status === 'committed').map((r) => `${r.bucket}/${r.key}`)).toEqual([`${source}/loop/one.gz`]);
    expect((await listLedger(store, NAMESPACES)).map((e) => e.object.key)).toEqual(['loop/one.gz']);
    expect(dispatcher.counts().skipped.cache_bucket).toBe(fromCache.length);
  }, 25_000);
});

describe('source: eventDrivenIngest against SQS', () => {
  it('commits notified objects and records a poison message in sa-errors before it reaches the DLQ', async () => {
    // Prepare
    const { queueUrl, dlqUrl } = await newQueue(1, 1);
    await bridge.notify({ bucket: source, prefix: 'edi/', queueUrl });
    await bridge.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"not":"an event"}' }));
    const store = memoryCacheStore();
    const ingest = eventDrivenIngest({
      sqs: bridge.sqs,
      queueUrl,
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      client: bridge.s3,
      store,
      errorsNamespace: NAMESPACES.errors,
      cacheBucket: 'letsflow-cache',
      sourceTypeMap: '{"edi/": "cloudfront-realtime"}',
      contextFor: (type) => (type === 'cloudfront-realtime' ? ctxFor(store) : undefined),
    });
    const running = ingest.start();

    // Act
    await upload(source, 'edi/2026/02/16/a.gz', logBody(6));
    await bridge.settled();
    await eventually(async () => {
      expect(ingest.stats().objects.committed).toBe(1);
      expect(await queueDepth(bridge.sqs, dlqUrl)).toMatchObject({ visible: 1 });
    }, 10_000);
    await ingest.stop();
    await running;

    // Assess
    const [poison] = await store.list('sa-errors', 'json', 'sqs-poison/');
    const record = JSON.parse(Buffer.from((await store.get({ namespace: 'sa-errors', key: poison!, fileType: 'json' }))!).toString('utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ receive_count: 1, body: '{"not":"an event"}', reason: expect.stringMatching(/^not_s3_event: no Records array/) });
    expect((await listLedger(store, NAMESPACES)).map((e) => [e.object.key, e.events])).toEqual([['edi/2026/02/16/a.gz', 6]]);
    expect(ingest.stats()).toMatchObject({ messages: { deleted: 2, poison: 1 }, routes: { routed: { 'cloudfront-realtime': 1 } } });
    expect(await queueDepth(bridge.sqs, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  }, 15_000);
});
