import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../../src/core/errors.js';
import { sqsS3Consumer } from '../../../../src/sources/sqsS3Events/sqsS3Consumer.js';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/letsflow-events';

const eventBody = (...keys: string[]): string =>
  JSON.stringify({ Records: keys.map((key) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'logs' }, object: { key, size: 1, eTag: 'e' } } })) });

/**
 * An in-memory SQS: messages waiting to be received, a long poll that waits for one (or its
 * abort), and every call recorded. `receiveErrors` fail the next receives.
 */
function fakeSqs(options: { redrive?: boolean; receiveErrors?: Error[] } = {}) {
  const waiting: Message[] = [];
  const calls: { command: string; input: Record<string, unknown>; at: number }[] = [];
  let arrived: (() => void) | undefined;
  const receiveErrors = [...(options.receiveErrors ?? [])];
  const send = vi.fn(async (command: { input: Record<string, unknown> }, sendOptions?: { abortSignal?: AbortSignal }) => {
    calls.push({ command: command.constructor.name, input: command.input, at: Date.now() });
    if (command instanceof GetQueueAttributesCommand) {
      return { Attributes: options.redrive === false ? {} : { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:1:dlq","maxReceiveCount":"3"}' } };
    }
    if (command instanceof ReceiveMessageCommand) {
      const error = receiveErrors.shift();
      if (error) throw error;
      while (waiting.length === 0) {
        await new Promise<void>((resolve, reject) => {
          arrived = resolve;
          sendOptions?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })), { once: true });
        });
      }
      return { Messages: waiting.splice(0, Number(command.input.MaxNumberOfMessages)) };
    }
    if (command instanceof DeleteMessageCommand || command instanceof ChangeMessageVisibilityCommand) return {};
    throw new Error(`unexpected command ${command.constructor.name}`);
  });
  return {
    sqs: { send } as unknown as SQSClient,
    calls,
    push(...messages: Message[]) {
      waiting.push(...messages);
      arrived?.();
    },
    named: (name: string) => calls.filter((c) => c.command === name),
  };
}

const message = (id: string, body: string, receiveCount = 1): Message => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: body, Attributes: { ApproximateReceiveCount: String(receiveCount) } });

describe('source: sqsS3Consumer (in-memory SQS)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('extends the visibility to the full timeout every half timeout while an object is processed, then deletes', async () => {
    // Prepare
    const queue = fakeSqs();
    let finish!: () => void;
    const consumer = sqsS3Consumer({
      sqs: queue.sqs,
      queueUrl: QUEUE,
      visibilityTimeoutSeconds: 30,
      handleObject: () => new Promise((resolve) => (finish = () => resolve('committed'))),
    });
    const running = consumer.start();
    queue.push(message('m1', eventBody('a.gz')));

    // Act
    await vi.advanceTimersByTimeAsync(46_000); // 15, 30 and 45 s
    const extensions = queue.named('ChangeMessageVisibilityCommand');
    const deletesBefore = queue.named('DeleteMessageCommand').length;
    finish();
    await vi.advanceTimersByTimeAsync(60_000);
    await consumer.stop();
    await running;

    // Assess
    const receivedAt = queue.named('ReceiveMessageCommand')[0]!.at; // virtual time: the message arrived at once
    expect(extensions.map((c) => [c.at - receivedAt, c.input.VisibilityTimeout, c.input.ReceiptHandle])).toEqual([
      [15_000, 30, 'rh-m1'],
      [30_000, 30, 'rh-m1'],
      [45_000, 30, 'rh-m1'],
    ]);
    expect(deletesBefore).toBe(0);
    expect(queue.named('DeleteMessageCommand').map((c) => c.input.ReceiptHandle)).toEqual(['rh-m1']);
    expect(queue.named('ChangeMessageVisibilityCommand')).toHaveLength(3); // none after the object was done
    expect(consumer.stats()).toMatchObject({ received: 1, deleted: 1, heartbeats: 3, objects: { committed: 1 } });
  });

  it('long-polls with the visibility timeout and asks for no more messages than free slots', async () => {
    // Prepare
    const queue = fakeSqs();
    const pending: (() => void)[] = [];
    const consumer = sqsS3Consumer({
      sqs: queue.sqs,
      queueUrl: QUEUE,
      visibilityTimeoutSeconds: 60,
      concurrency: 3,
      maxMessages: 10,
      handleObject: () => new Promise((resolve) => pending.push(() => resolve('committed'))),
    });
    const running = consumer.start();
    queue.push(message('m1', eventBody('a.gz')), message('m2', eventBody('b.gz')));

    // Act
    await vi.advanceTimersByTimeAsync(10); // m1 and m2 in flight; a receive for the last slot waits
    queue.push(message('m3', eventBody('c.gz')));
    await vi.advanceTimersByTimeAsync(10); // all three slots busy: no receive
    const whileFull = queue.named('ReceiveMessageCommand').length;
    pending.shift()?.();
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(10);
    const stopped = consumer.stop();
    for (const resolve of pending) resolve();
    await stopped;
    await running;

    // Assess: 3 free slots, then 1 (two in flight), none while full, then 2 (two finished).
    const receives = queue.named('ReceiveMessageCommand').map((c) => c.input);
    expect(whileFull).toBe(2);
    expect(receives.map((r) => r.MaxNumberOfMessages)).toEqual([3, 1, 2]);
    expect(consumer.stats()).toMatchObject({ received: 3, deleted: 3 });
    expect(receives[0]).toMatchObject({ QueueUrl: QUEUE, WaitTimeSeconds: 20, VisibilityTimeout: 60, MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'] });
  });

  it('retries a failed receive with backoff, counting it', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'RequestThrottled' });
    const queue = fakeSqs({ receiveErrors: [throttled, throttled] });
    const errors: unknown[] = [];
    const consumer = sqsS3Consumer({
      sqs: queue.sqs,
      queueUrl: QUEUE,
      visibilityTimeoutSeconds: 30,
      handleObject: async () => 'committed',
      onEvent: (e) => e.type === 'error' && errors.push(e.error),
    });
    const running = consumer.start();

    // Act
    await vi.advanceTimersByTimeAsync(999);
    const afterFirst = queue.named('ReceiveMessageCommand').length;
    await vi.advanceTimersByTimeAsync(1 + 2000);
    await consumer.stop();
    await running;

    // Assess: 1 s then 2 s between attempts.
    expect(afterFirst).toBe(1);
    expect(queue.named('ReceiveMessageCommand')).toHaveLength(3);
    expect(errors).toEqual([throttled, throttled]);
    expect(consumer.stats().errors.receive).toBe(2);
  });

  it('acknowledges test events and non-ObjectCreated records without calling handleObject', async () => {
    // Prepare
    const queue = fakeSqs();
    const handleObject = vi.fn(async () => 'committed' as const);
    const consumer = sqsS3Consumer({ sqs: queue.sqs, queueUrl: QUEUE, visibilityTimeoutSeconds: 30, handleObject });
    const running = consumer.start();
    queue.push(
      message('t', JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'logs' })),
      message('r', JSON.stringify({ Records: [{ eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'logs' }, object: { key: 'x' } } }] })),
    );

    // Act
    await vi.advanceTimersByTimeAsync(10);
    await consumer.stop();
    await running;

    // Assess
    expect(handleObject).not.toHaveBeenCalled();
    expect(consumer.stats()).toMatchObject({ deleted: 2, ignoredRecords: { test_event: 1, not_object_created: 1 } });
  });

  it('releases a poison body at once before its last receive, and reports it to onPoison on the last', async () => {
    // Prepare
    const queue = fakeSqs(); // RedrivePolicy maxReceiveCount "3"
    const poisoned: [string, number, string][] = [];
    const consumer = sqsS3Consumer({
      sqs: queue.sqs,
      queueUrl: QUEUE,
      visibilityTimeoutSeconds: 30,
      handleObject: async () => 'committed',
      onPoison: (m, count, reason) => void poisoned.push([m.MessageId!, count, reason]),
    });
    const running = consumer.start();
    queue.push(message('p1', 'garbage', 1), message('p3', 'garbage', 3));

    // Act
    await vi.advanceTimersByTimeAsync(10);
    await consumer.stop();
    await running;

    // Assess
    expect(poisoned).toEqual([['p3', 3, expect.stringMatching(/^not_s3_event/)]]);
    expect(queue.named('ChangeMessageVisibilityCommand').map((c) => [c.input.ReceiptHandle, c.input.VisibilityTimeout])).toEqual([
      ['rh-p1', 0],
      ['rh-p3', 0],
    ]);
    expect(queue.named('DeleteMessageCommand')).toHaveLength(0);
    expect(consumer.stats()).toMatchObject({ retried: 1, poison: 1 });
  });

  it('rejects start when the queue has no RedrivePolicy and maxReceives is not set', async () => {
    const queue = fakeSqs({ redrive: false });
    const consumer = sqsS3Consumer({ sqs: queue.sqs, queueUrl: QUEUE, visibilityTimeoutSeconds: 30, handleObject: async () => 'committed' });
    await expect(consumer.start()).rejects.toThrow(/has no RedrivePolicy, so a poison message would come back forever/);
  });

  it('rejects start with a clear error when the queue does not exist', async () => {
    // Prepare
    const missing = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    const queue = fakeSqs({ receiveErrors: [missing] });
    const consumer = sqsS3Consumer({ sqs: queue.sqs, queueUrl: QUEUE, visibilityTimeoutSeconds: 30, maxReceives: 5, handleObject: async () => 'committed' });

    // Act + Assess
    await expect(consumer.start()).rejects.toMatchObject({ code: 'sqs_queue_missing', message: expect.stringContaining('create the queue or correct --sqs-queue-url') });
  });

  it('stops when its signal is aborted', async () => {
    // Prepare
    const queue = fakeSqs();
    const abort = new AbortController();
    const consumer = sqsS3Consumer({ sqs: queue.sqs, queueUrl: QUEUE, visibilityTimeoutSeconds: 30, maxReceives: 5, handleObject: async () => 'committed', signal: abort.signal });
    const running = consumer.start();
    await vi.advanceTimersByTimeAsync(10);

    // Act
    abort.abort();

    // Assess
    await expect(running).resolves.toBeUndefined();
  });

  it.each([
    ['a visibility timeout of 0', { visibilityTimeoutSeconds: 0 }, /visibilityTimeoutSeconds/],
    ['more than 10 messages per receive', { maxMessages: 11 }, /maxMessages/],
    ['a wait over 20 s', { waitTimeSeconds: 21 }, /waitTimeSeconds/],
    ['an empty queue URL', { queueUrl: '' }, /queueUrl/],
  ])('throws a ConfigError for %s', (_, override, message) => {
    const build = () => sqsS3Consumer({ sqs: fakeSqs().sqs, queueUrl: QUEUE, visibilityTimeoutSeconds: 30, handleObject: async () => 'committed', ...override });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(message);
  });
});
