import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ConfigError, LetsflowError } from '../../core/errors.js';
import { parseS3Event, type IgnoredRecord, type S3ObjectRef } from './parseS3Event.js';
import { realTimers, visibilityHeartbeat, type Timers } from './visibilityHeartbeat.js';

/** SQS's longest long poll; fewer empty receives, and a stop aborts the poll anyway. */
export const DEFAULT_WAIT_TIME_SECONDS = 20;
/** SQS's largest receive batch; a receive never asks for more than the free processing slots. */
export const DEFAULT_MAX_MESSAGES = 10;
/** Messages processed at once: enough to overlap one object's reads with another's writes, few enough for a small box. */
export const DEFAULT_CONCURRENCY = 2;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** How `handleObject` settled one object; anything it throws is a transient failure. */
export type ObjectStatus = 'committed' | 'quarantined' | 'skipped';
const OBJECT_STATUSES = new Set<unknown>(['committed', 'quarantined', 'skipped']);

export const SqsS3ConsumerSettingsSchema = z
  .object({
    queueUrl: z.string().min(1).describe('the queue S3 notifies; its host is ignored when the SQS client has an endpoint'),
    visibilityTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(43_200)
      .describe('how long a received message stays hidden; the heartbeat extends it to this every half of it while the message is processed'),
    waitTimeSeconds: z.number().int().min(0).max(20).default(DEFAULT_WAIT_TIME_SECONDS).describe('long-poll wait of each receive'),
    maxMessages: z.number().int().min(1).max(10).default(DEFAULT_MAX_MESSAGES).describe('most messages one receive asks for (also bounded by free slots)'),
    concurrency: z.number().int().min(1).max(100).default(DEFAULT_CONCURRENCY).describe('messages processed at once; their objects go one after another'),
    maxReceives: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe("receives after which a still failing message is reported to onPoison; the queue's RedrivePolicy maxReceiveCount when absent"),
  })
  .strict()
  .describe('an SQS consumer of S3 ObjectCreated notifications');

export type SqsS3ConsumerSettings = z.input<typeof SqsS3ConsumerSettingsSchema>;

export interface SqsS3ConsumerOptions extends SqsS3ConsumerSettings {
  readonly sqs: SQSClient;
  /** Processes one object to its commit point; throws for a failure worth retrying. */
  readonly handleObject: (ref: S3ObjectRef) => Promise<ObjectStatus>;
  /**
   * Told once a message has failed on its last allowed receive (`maxReceives`), or is no S3
   * event at all on that receive, with why: record it (sa-errors). SQS's RedrivePolicy then moves
   * the message to the dead-letter queue on its next receive.
   */
  readonly onPoison?: (message: Message, receiveCount: number, reason: string) => void | Promise<void>;
  /** Told of each message settled and of each failed SQS call, for logs and metrics. */
  readonly onEvent?: (event: ConsumerEvent) => void;
  /** Aborting it stops the consumer, as `stop()` does. */
  readonly signal?: AbortSignal;
  readonly timers?: Timers;
}

/**
 * What became of a message: `deleted` (every object settled), `retry` (an object failed; the
 * message comes back when its visibility runs out), `poison` (reported to onPoison, released for
 * the dead-letter queue), `released` (stopping before all its objects were done; visible again).
 */
export type MessageOutcome = 'deleted' | 'retry' | 'poison' | 'released';

export type ConsumerEvent =
  | {
      readonly type: 'message';
      readonly messageId: string;
      readonly receiveCount: number;
      readonly outcome: MessageOutcome;
      readonly objects: number;
      readonly ms: number;
      readonly reason?: string;
    }
  | { readonly type: 'error'; readonly operation: 'ReceiveMessage' | 'DeleteMessage' | 'ChangeMessageVisibility' | 'onPoison'; readonly messageId?: string; readonly error: unknown };

export interface ConsumerStats {
  readonly received: number;
  readonly deleted: number;
  readonly retried: number;
  readonly poison: number;
  readonly released: number;
  readonly objects: { readonly committed: number; readonly quarantined: number; readonly skipped: number; readonly failed: number };
  readonly ignoredRecords: Readonly<Record<IgnoredRecord['reason'], number>>;
  /** Visibility extensions sent by heartbeats. */
  readonly heartbeats: number;
  readonly errors: { readonly receive: number; readonly delete: number; readonly visibility: number };
}

export interface SqsS3Consumer {
  /** Starts polling; resolves once stopped and every message in flight is settled, rejects on a configuration error (queue missing, access denied). */
  start(): Promise<void>;
  /** Stops receiving, lets the objects in progress finish, releases unfinished messages, then resolves. */
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

// Failures no retry can fix: the consumer stops and says what to change.
const FATAL_SQS_ERRORS = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'AccessDenied',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAddress',
  'InvalidSecurity',
]);

const errorName = (error: unknown): string => (typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '');
const describeError = (error: unknown): string =>
  error instanceof LetsflowError ? `${error.code}: ${error.message}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);

function fatalSqsError(error: unknown, operation: string, queueUrl: string): LetsflowError | undefined {
  const name = errorName(error);
  if (!FATAL_SQS_ERRORS.has(name)) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  const fix = /NonExistentQueue|QueueDoesNotExist/.test(name)
    ? 'create the queue or correct --sqs-queue-url'
    : /AccessDenied/.test(name)
      ? `grant sqs:${operation}, sqs:DeleteMessage, sqs:ChangeMessageVisibility and sqs:GetQueueAttributes on the queue`
      : 'check the credentials in use (they are never logged)';
  const code = /NonExistentQueue|QueueDoesNotExist/.test(name) ? 'sqs_queue_missing' : /AccessDenied/.test(name) ? 'sqs_access_denied' : 'sqs_credentials_invalid';
  return new LetsflowError(code, 'reading', `${operation} ${queueUrl} failed (${name}: ${message}): ${fix}`);
}

function emptyStats() {
  return {
    received: 0,
    deleted: 0,
    retried: 0,
    poison: 0,
    released: 0,
    objects: { committed: 0, quarantined: 0, skipped: 0, failed: 0 },
    ignoredRecords: { test_event: 0, not_object_created: 0 },
    heartbeats: 0,
    errors: { receive: 0, delete: 0, visibility: 0 },
  };
}

/**
 * Consumes S3 `ObjectCreated` notifications from an SQS queue: each message's objects go to
 * `handleObject` one after another, and the message is deleted only once every one of them is
 * committed, quarantined or skipped.
 *
 * Receives long-poll (`waitTimeSeconds`) and ask for no more messages than there are free slots
 * (`concurrency`, at most `maxMessages`), so no message waits hidden while others are worked on.
 * While a message is in flight a heartbeat sets its visibility back to `visibilityTimeoutSeconds`
 * every half timeout, so an object that takes many timeouts is processed once. When an object
 * throws, the rest of the message's objects are still tried, then the message is left alone: its
 * visibility runs out and SQS redelivers it. On the receive where `ApproximateReceiveCount`
 * reaches `maxReceives` (default: the queue's RedrivePolicy `maxReceiveCount`) a still failing
 * message, or a body that is no S3 event, is handed to `onPoison` with the reason and released,
 * so SQS moves it to the dead-letter queue on the next receive; a body that is no S3 event is
 * also released at once on earlier receives, to get there fast. Test events and non-ObjectCreated
 * records are acknowledged and counted. A failed receive is retried with backoff (1 s doubling to
 * 30 s); a missing queue, denied access or refused credentials reject `start()`. `stop()` (or
 * aborting `signal`) stops receiving, aborts the long poll, lets each object in progress finish,
 * releases (visibility 0) the messages whose objects were not all done, and resolves when nothing
 * is in flight. Memory is bounded by `concurrency` messages.
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import { sqsS3Consumer } from 'letsflow';
 * const consumer = sqsS3Consumer({ sqs: new SQSClient({}), queueUrl, visibilityTimeoutSeconds: 60,
 *   handleObject: async (ref) => { console.log(ref.bucket, ref.key); return 'committed'; } });
 * process.once('SIGTERM', () => void consumer.stop());
 * await consumer.start();
 * ```
 * @param options.sqs the SQS client (give it an `endpoint` for an emulator)
 * @param options.queueUrl the queue
 * @param options.visibilityTimeoutSeconds visibility of received messages, kept up by the heartbeat
 * @param options.waitTimeSeconds long-poll wait, default 20
 * @param options.maxMessages most messages per receive, default 10
 * @param options.concurrency messages in flight, default 2
 * @param options.maxReceives receives before onPoison, default from the RedrivePolicy
 * @param options.handleObject processes one object
 * @param options.onPoison records a message bound for the dead-letter queue
 * @param options.onEvent told of settled messages and failed SQS calls
 * @param options.signal stops the consumer when aborted
 * @param options.timers injectable timers
 * @returns the consumer; call `start()`
 * @throws ConfigError when an option is invalid
 * @see parseS3Event
 * @see visibilityHeartbeat
 */
export function sqsS3Consumer(options: SqsS3ConsumerOptions): SqsS3Consumer {
  const { sqs, handleObject, onPoison, onEvent, signal } = options;
  const parsed = SqsS3ConsumerSettingsSchema.safeParse({
    queueUrl: options.queueUrl,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    ...(options.waitTimeSeconds !== undefined && { waitTimeSeconds: options.waitTimeSeconds }),
    ...(options.maxMessages !== undefined && { maxMessages: options.maxMessages }),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.maxReceives !== undefined && { maxReceives: options.maxReceives }),
  });
  if (!parsed.success) throw new ConfigError(`sqsS3Consumer: invalid options: ${z.prettifyError(parsed.error)}`);
  const settings = parsed.data;
  const { queueUrl, visibilityTimeoutSeconds } = settings;
  const timers = options.timers ?? realTimers;
  const stats = emptyStats();
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let running: Promise<void> | undefined;
  let receiveAbort: AbortController | undefined;
  let wake: (() => void) | undefined;

  const emit = (event: ConsumerEvent): void => {
    try {
      onEvent?.(event);
    } catch {
      // A throwing observer must not break the consumer.
    }
  };
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  /** Waits for `notify()` (a slot freed, a stop) or `ms`. */
  const pause = (ms?: number): Promise<void> =>
    new Promise((resolve) => {
      const handle = ms === undefined ? undefined : timers.setTimeout(notify, ms);
      wake = () => {
        if (handle !== undefined) timers.clearTimeout(handle);
        resolve();
      };
    });

  async function setVisibility(message: Message, seconds: number): Promise<void> {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds }));
  }

  async function release(message: Message): Promise<void> {
    try {
      await setVisibility(message, 0);
    } catch (error) {
      stats.errors.visibility += 1;
      emit({ type: 'error', operation: 'ChangeMessageVisibility', messageId: message.MessageId ?? '', error });
    }
  }

  async function redriveMaxReceives(): Promise<number> {
    let attributes: Record<string, string> | undefined;
    try {
      ({ Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] })));
    } catch (error) {
      throw fatalSqsError(error, 'GetQueueAttributes', queueUrl) ?? error;
    }
    const policy = attributes?.RedrivePolicy;
    const count = policy === undefined ? Number.NaN : Number((JSON.parse(policy) as { maxReceiveCount?: unknown }).maxReceiveCount);
    if (!Number.isInteger(count) || count < 1) {
      throw new ConfigError(
        `queue ${queueUrl} has no RedrivePolicy, so a poison message would come back forever: give it a dead-letter queue (maxReceiveCount), or set maxReceives`,
      );
    }
    return count;
  }

  async function processMessage(message: Message, maxReceives: number): Promise<void> {
    const started = Date.now();
    const messageId = message.MessageId ?? '';
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1') || 1;
    const heartbeat = visibilityHeartbeat({
      visibilityTimeoutSeconds,
      extend: () => setVisibility(message, visibilityTimeoutSeconds),
      onError: (error) => {
        stats.errors.visibility += 1;
        emit({ type: 'error', operation: 'ChangeMessageVisibility', messageId, error });
      },
      timers,
    });
    let reason: string | undefined;
    let poisonBody = false;
    let unfinished = false;
    let objects = 0;
    try {
      const content = parseS3Event(message.Body ?? '');
      if (content.kind === 'poison') {
        reason = content.reason;
        poisonBody = true;
      } else {
        for (const { reason: why } of content.ignored) stats.ignoredRecords[why] += 1;
        objects = content.objects.length;
        for (const ref of content.objects) {
          if (stopping) {
            unfinished = true;
            break;
          }
          try {
            const status = await handleObject(ref);
            if (!OBJECT_STATUSES.has(status)) throw new Error(`handleObject returned ${JSON.stringify(status)}, not committed, quarantined or skipped`);
            stats.objects[status] += 1;
          } catch (error) {
            stats.objects.failed += 1;
            reason ??= `s3://${ref.bucket}/${ref.key}: ${describeError(error)}`;
          }
        }
      }
    } finally {
      await heartbeat.stop();
      stats.heartbeats += heartbeat.beats;
    }

    let outcome: MessageOutcome;
    if (unfinished) {
      outcome = 'released';
      stats.released += 1;
      await release(message);
    } else if (reason === undefined) {
      outcome = 'deleted';
      try {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        stats.deleted += 1;
      } catch (error) {
        // The objects are committed; a redelivery finds them in the ledger.
        stats.errors.delete += 1;
        emit({ type: 'error', operation: 'DeleteMessage', messageId, error });
      }
    } else if (receiveCount >= maxReceives) {
      outcome = 'poison';
      stats.poison += 1;
      try {
        await onPoison?.(message, receiveCount, reason);
      } catch (error) {
        emit({ type: 'error', operation: 'onPoison', messageId, error });
      }
      await release(message);
    } else {
      outcome = 'retry';
      stats.retried += 1;
      // A body that is no S3 event will never succeed: hurry it to the dead-letter queue. A failed
      // object waits out the visibility timeout, which is the retry's backoff.
      if (poisonBody) await release(message);
    }
    emit({ type: 'message', messageId, receiveCount, outcome, objects, ms: Date.now() - started, ...(reason !== undefined && { reason }) });
  }

  function track(work: Promise<void>): void {
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      notify();
    });
  }

  async function loop(): Promise<void> {
    const maxReceives = settings.maxReceives ?? (await redriveMaxReceives());
    let failures = 0;
    while (!stopping) {
      if (inFlight.size >= settings.concurrency) {
        await pause();
        continue;
      }
      const abort = new AbortController();
      receiveAbort = abort;
      let messages: Message[];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(settings.maxMessages, settings.concurrency - inFlight.size),
            WaitTimeSeconds: settings.waitTimeSeconds,
            VisibilityTimeout: visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }),
          { abortSignal: abort.signal },
        );
        messages = out.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (stopping) break;
        const fatal = fatalSqsError(error, 'ReceiveMessage', queueUrl);
        if (fatal !== undefined) throw fatal;
        failures += 1;
        stats.errors.receive += 1;
        emit({ type: 'error', operation: 'ReceiveMessage', error });
        await pause(Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1)));
        continue;
      } finally {
        receiveAbort = undefined;
      }
      stats.received += messages.length;
      if (stopping) {
        // Received as the stop came: hand them straight back.
        await Promise.all(messages.map(release));
        stats.released += messages.length;
        break;
      }
      for (const message of messages) track(processMessage(message, maxReceives));
    }
  }

  function stop(): Promise<void> {
    stopping = true;
    receiveAbort?.abort();
    notify();
    return (running ?? Promise.resolve()).catch(() => undefined);
  }

  return {
    start() {
      if (running !== undefined) return running;
      if (signal?.aborted) stopping = true;
      signal?.addEventListener('abort', () => void stop(), { once: true });
      running = loop().finally(async () => {
        stopping = true;
        await Promise.allSettled([...inFlight]);
      });
      return running;
    },
    stop,
    stats: () => structuredClone(stats),
  };
}
