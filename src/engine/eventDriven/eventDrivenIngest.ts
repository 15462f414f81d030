import type { S3Client } from '@aws-sdk/client-s3';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { CacheStore, EntryRef } from '../../sinks/cacheStore.js';
import { sourceTypeRouter, type RouterCounts } from '../../sources/sqsS3Events/sourceTypeRouter.js';
import { sqsS3Consumer, type ConsumerEvent, type ConsumerStats, type SqsS3ConsumerSettings } from '../../sources/sqsS3Events/sqsS3Consumer.js';
import type { Timers } from '../../sources/sqsS3Events/visibilityHeartbeat.js';
import type { AnyStepContext } from '../definition.js';
import { jsonBytes } from '../documents.js';
import { objectDispatcher, type DispatcherCounts, type ObjectReport } from './objectDispatcher.js';

/** How much of a poison message's body its sa-errors record keeps. */
export const POISON_BODY_CHARS = 16 * 1024;

export interface EventDrivenIngestOptions extends Omit<SqsS3ConsumerSettings, 'queueUrl'> {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Reads the source objects. */
  readonly client: S3Client;
  /** Where poison messages are recorded: `<errorsNamespace>/sqs-poison/<message id>`. */
  readonly store: CacheStore;
  /** The errors namespace poison messages go to, such as `sa-errors`. */
  readonly errorsNamespace: string;
  /** The cache's bucket, never processed; `undefined` when the cache is a folder. */
  readonly cacheBucket: string | undefined;
  /** `LETS__SOURCE_TYPE_MAP`, as text or parsed (format: `SourceTypeMapSchema`). */
  readonly sourceTypeMap: string | Readonly<Record<string, string>>;
  /** The step context of a source type, `undefined` for a type without a parser. */
  readonly contextFor: (sourceType: string) => AnyStepContext | undefined;
  /** One report per object. */
  readonly log?: (report: ObjectReport) => void;
  /** Settled messages and failed SQS calls. */
  readonly onEvent?: (event: ConsumerEvent) => void;
  readonly signal?: AbortSignal;
  readonly timers?: Timers;
}

export interface EventDrivenIngest {
  /** Resolves once stopped; rejects on a configuration error (queue missing, access denied, no RedrivePolicy). */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { readonly messages: ConsumerStats; readonly objects: DispatcherCounts; readonly routes: RouterCounts };
}

/** The errors entry of a poison message; message ids are UUIDs, anything else is made key-safe. */
export const poisonRef = (errorsNamespace: string, messageId: string): EntryRef => ({
  namespace: errorsNamespace,
  key: `sqs-poison/${messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128) || 'unknown'}`,
  fileType: 'json',
});

/**
 * Event-driven ingestion as one unit, for `letsflow serve --sqs-queue-url`: an `sqsS3Consumer`
 * on the queue whose objects go through `objectDispatcher` (router from the source-type map,
 * refusing the cache bucket; `ingestObject` per object), and whose poison messages are recorded
 * in `<errorsNamespace>/sqs-poison/<message id>` (receive count, reason, the first 16 KiB of the body)
 * before SQS moves them to the dead-letter queue. Behaviour, bounds and stopping are the
 * consumer's; the map is validated when this is built (ConfigError).
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import { eventDrivenIngest, s3Client } from 'letsflow';
 * const ingest = eventDrivenIngest({ sqs: new SQSClient({}), queueUrl, visibilityTimeoutSeconds: 300, client: s3Client({}),
 *   store: ctx.store, errorsNamespace: ctx.pipeline.namespaces.errors, cacheBucket: 'acme-cache', sourceTypeMap: process.env.LETS__SOURCE_TYPE_MAP ?? '{"": "cloudfront-realtime"}',
 *   contextFor: (type) => (type === 'cloudfront-realtime' ? ctx : undefined) });
 * await ingest.start();
 * ```
 * @param options queue and consumer settings, S3 client, store, cache bucket, map and contexts
 * @returns start/stop/stats
 * @throws ConfigError when the map or a consumer setting is invalid
 * @see sqsS3Consumer
 * @see objectDispatcher
 */
export function eventDrivenIngest(options: EventDrivenIngestOptions): EventDrivenIngest {
  const { sqs, client, store, errorsNamespace, cacheBucket, sourceTypeMap, contextFor, log, onEvent, signal, timers, ...settings } = options;
  const router = sourceTypeRouter({ map: sourceTypeMap, cacheBucket });
  const dispatcher = objectDispatcher({ client, router, contextFor, ...(log && { log }) });
  const recordPoison = async (message: Message, receiveCount: number, reason: string): Promise<void> => {
    const body = message.Body ?? '';
    await store.put(
      poisonRef(errorsNamespace, message.MessageId ?? ''),
      jsonBytes({
        queue: settings.queueUrl,
        message_id: message.MessageId ?? null,
        receive_count: receiveCount,
        reason,
        body: body.slice(0, POISON_BODY_CHARS),
        body_chars: body.length,
        recorded_at: new Date().toISOString(),
      }),
    );
  };
  const consumer = sqsS3Consumer({
    ...settings,
    sqs,
    handleObject: dispatcher.handleObject,
    onPoison: recordPoison,
    ...(onEvent && { onEvent }),
    ...(signal && { signal }),
    ...(timers && { timers }),
  });
  return {
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    stats: () => ({ messages: consumer.stats(), objects: dispatcher.counts(), routes: router.counts() }),
  };
}
