import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsServer, SpyMessage } from 'fauxqs';
import { startLoopbackFauxqs } from './loopbackFauxqs.js';
import { testS3Client } from './s3.js';

/**
 * S3 → SQS event notifications for tests, which fauxqs 1.9.2 lacks (it accepts
 * PutBucketNotificationConfiguration and ignores it; shared/reference/toolchain.md §3).
 *
 * The bridge runs its own fauxqs in the test's process — the shared one of globalSetup lives in
 * the main vitest process, where its spy cannot be reached — with message spies on, and wraps
 * `spy.addMessage`: each `uploaded` S3 event (PutObject, CompleteMultipartUpload) in a bucket and
 * prefix a rule names becomes, after a HeadObject, a standard S3 event notification JSON sent to
 * the rule's queue, the key URL-encoded as AWS encodes it. A consumer sees what production SQS
 * would deliver. Like AWS, adding a rule first sends an `s3:TestEvent` to the queue.
 */
export interface NotificationRule {
  readonly bucket: string;
  readonly queueUrl: string;
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface S3EventBridge {
  /** `http://127.0.0.1:PORT` of the bridge's own fauxqs (S3 and SQS). */
  readonly endpoint: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  /** Notifies `queueUrl` of uploads into `bucket` under `prefix` (ending in `suffix`); sends an s3:TestEvent first, as AWS does. */
  notify(rule: NotificationRule, options?: { testEvent?: boolean }): Promise<void>;
  /** Resolves once every notification for the uploads seen so far is on its queue. */
  settled(): Promise<void>;
  /** The notifications sent, in order. */
  readonly sent: readonly { readonly bucket: string; readonly key: string; readonly queueUrl: string }[];
  /** Creates a queue (and, with `maxReceiveCount`, its dead-letter queue with a RedrivePolicy). */
  createQueue(name: string, options: { visibilityTimeoutSeconds: number; maxReceiveCount?: number }): Promise<{ queueUrl: string; dlqUrl?: string }>;
  close(): Promise<void>;
}

/** A key as S3 event notifications carry it: form-encoded (space as `+`), `/` kept. */
export function awsEncodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

export interface EventRecordInput {
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
  readonly eTag?: string;
  readonly eventName?: string;
}

/** A standard S3 event notification (eventVersion 2.1) naming these objects, as AWS writes it. */
export function s3EventJson(records: readonly EventRecordInput[]): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    Records: records.map((record, index) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: now,
      eventName: record.eventName ?? 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDATESTPRINCIPAL' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': `REQ${index}`, 'x-amz-id-2': 'bridge' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'letsflow-test-bridge',
        bucket: { name: record.bucket, ownerIdentity: { principalId: 'A3TESTOWNER' }, arn: `arn:aws:s3:::${record.bucket}` },
        object: {
          key: awsEncodeKey(record.key),
          ...(record.size !== undefined && { size: record.size }),
          ...(record.eTag !== undefined && { eTag: record.eTag }),
          sequencer: (Date.now() * 1000 + index).toString(16).toUpperCase(),
        },
      },
    })),
  });
}

/** The test event S3 sends to a destination when a notification is configured. */
export function s3TestEventJson(bucket: string): string {
  return JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date().toISOString(), Bucket: bucket, RequestId: 'TESTREQ', HostId: 'bridge' });
}

/** Approximate visible plus in-flight messages of a queue. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(a.ApproximateNumberOfMessages ?? 0), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/** An SQS client for the emulator; the endpoint matters, since fauxqs's queue URLs name a host that does not resolve. */
export function testSqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLETSFLOWTEST0000', secretAccessKey: 'letsflow-test-secret-not-a-real-one' },
  });
}

export async function startS3EventBridge(): Promise<S3EventBridge> {
  const server = await startLoopbackFauxqs({ messageSpies: { bufferSize: 1000 } });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const s3 = testS3Client(endpoint);
  const sqs = testSqsClient(endpoint);
  const rules: NotificationRule[] = [];
  const pending = new Set<Promise<void>>();
  const sent: { bucket: string; key: string; queueUrl: string }[] = [];
  const failures: unknown[] = [];

  const track = (work: Promise<void>): void => {
    const tracked = work.catch((error: unknown) => {
      failures.push(error);
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };

  async function deliver(bucket: string, key: string, rule: NotificationRule): Promise<void> {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const body = s3EventJson([{ bucket, key, size: head.ContentLength ?? 0, eTag: (head.ETag ?? '').replace(/"/g, '') }]);
    await sqs.send(new SendMessageCommand({ QueueUrl: rule.queueUrl, MessageBody: body }));
    sent.push({ bucket, key, queueUrl: rule.queueUrl });
  }

  const spy = server.spy as FauxqsServer['spy'] & { addMessage(message: SpyMessage): void };
  const addMessage = spy.addMessage.bind(spy);
  spy.addMessage = (message: SpyMessage): void => {
    addMessage(message);
    if (message.service !== 's3' || message.status !== 'uploaded') return;
    for (const rule of rules) {
      if (rule.bucket === message.bucket && message.key.startsWith(rule.prefix ?? '') && message.key.endsWith(rule.suffix ?? '')) {
        track(deliver(message.bucket, message.key, rule));
      }
    }
  };

  return {
    endpoint,
    s3,
    sqs,
    sent,
    async notify(rule, options = {}) {
      rules.push(rule);
      if (options.testEvent ?? true) await sqs.send(new SendMessageCommand({ QueueUrl: rule.queueUrl, MessageBody: s3TestEventJson(rule.bucket) }));
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
      if (failures.length > 0) throw new Error(`s3EventBridge: ${failures.length} notifications failed: ${String(failures[0])}`);
    },
    async createQueue(name, options) {
      let dlqUrl: string | undefined;
      const attributes: Record<string, string> = { VisibilityTimeout: String(options.visibilityTimeoutSeconds) };
      if (options.maxReceiveCount !== undefined) {
        ({ QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` })));
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
        attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: options.maxReceiveCount });
      }
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      return { queueUrl: QueueUrl!, ...(dlqUrl !== undefined && { dlqUrl }) };
    },
    async close() {
      await Promise.allSettled([...pending]);
      s3.destroy();
      sqs.destroy();
      await server.stop();
    },
  };
}
