import type { S3Client } from '@aws-sdk/client-s3';
import { LetsflowError } from '../../core/errors.js';
import { parseS3Event, type S3ObjectRef } from '../../sources/sqsS3Events/parseS3Event.js';
import { jsonLog, stdoutWriter, type LogLine, type LogWriter } from './jsonLog.js';
import { isS3Event, isSqsEvent, type LambdaContextLike, type S3LambdaEvent, type SqsBatchResponse, type SqsLambdaEvent } from './lambdaEvents.js';
import { lambdaRuntime, type LambdaRuntime } from './lambdaRuntime.js';

/** Time left below which no further message or object is started: it would be cut off mid-write by the timeout. */
export const DEFAULT_TIME_MARGIN_MS = 10_000;

export type LetsflowLambdaHandler = (event: unknown, context?: LambdaContextLike) => Promise<SqsBatchResponse | undefined>;

export interface CreateHandlerOptions {
  /** The environment to read; `process.env` by default, read on the first invocation. */
  readonly env?: NodeJS.ProcessEnv;
  /** The S3 client; the SDK default chain (the function's role) by default. */
  readonly client?: S3Client;
  /** Where JSON log lines go; stdout by default. */
  readonly write?: LogWriter;
  /** Stop starting work when the invocation has less than this left; `DEFAULT_TIME_MARGIN_MS` by default. */
  readonly timeMarginMs?: number;
}

const describe = (error: unknown): { code: string; error: string } =>
  error instanceof LetsflowError ? { code: error.code, error: error.message } : { code: 'unexpected', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };

/**
 * Builds the processor function's handler; `handler`, the deployed entry point, is one built from
 * `process.env`.
 *
 * The S3 client, cache store, router and parsers are built on the first invocation and kept for
 * the container's life (a failure to build, such as a ConfigError for a missing
 * `CACHE__SERVICE__BUCKET_NAME`, is logged and thrown, and retried on the next invocation).
 * Every object goes through the same step, `objectDispatcher` → `ingestObject(…, { consolidate:
 * true })`, one at a time, and gets one JSON log line (key, status, events, ms).
 *
 * - SQS event (an event source mapping with ReportBatchItemFailures): returns `{ batchItemFailures }`
 *   naming each message with an object that failed transiently, a body that is no S3 event (so
 *   the queue's redrive policy takes it to the DLQ, reason logged), or that was not started
 *   because the invocation was about to time out. Quarantined and skipped objects are successes.
 * - Direct S3 event: throws when any object failed transiently, after trying all of them, so
 *   Lambda's asynchronous retries (then its DLQ or on-failure destination) take over; quarantined
 *   is success.
 * - Anything else throws `event_unsupported`.
 *
 * Nothing logged carries credentials: only the variables `LambdaEnvSchema` names are read, and
 * S3 failures are logged by code and sanitized message.
 *
 * @example
 * ```ts
 * import { createHandler } from 'letsflow';
 * const handler = createHandler({ env: { CACHE__SERVICE__BUCKET_NAME: 'acme-cache', LETS__SOURCE_TYPE_MAP: '{"": "cloudfront-realtime"}' } });
 * const { batchItemFailures } = (await handler(sqsEvent, context)) ?? { batchItemFailures: [] };
 * ```
 * @param options environment, S3 client, log writer and time margin, for tests and local runs
 * @returns the handler
 * @see objectDispatcher
 */
export function createHandler(options: CreateHandlerOptions = {}): LetsflowLambdaHandler {
  const log = jsonLog(options.write ?? stdoutWriter);
  const margin = options.timeMarginMs ?? DEFAULT_TIME_MARGIN_MS;
  let requestId: string | undefined;
  let built: Promise<LambdaRuntime> | undefined;

  const runtime = (): Promise<LambdaRuntime> => {
    built ??= lambdaRuntime({ env: options.env ?? process.env, ...(options.client && { client: options.client }), log, requestId: () => requestId }).catch(
      (error: unknown) => {
        built = undefined;
        throw error;
      },
    );
    return built;
  };
  const withId = (line: LogLine): LogLine => (requestId === undefined ? line : { ...line, requestId });
  const outOfTime = (context: LambdaContextLike | undefined): boolean => (context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) < margin;

  /** Handles the objects of one event in order; returns the failures (transient, or not started for lack of time). */
  async function handleObjects(rt: LambdaRuntime, objects: readonly S3ObjectRef[], context: LambdaContextLike | undefined): Promise<string[]> {
    const failures: string[] = [];
    for (const ref of objects) {
      if (outOfTime(context)) {
        failures.push(`s3://${ref.bucket}/${ref.key}: not started, the invocation is about to time out`);
        continue;
      }
      try {
        await rt.dispatcher.handle(ref);
      } catch (error) {
        // Logged by the dispatcher with its code; the other objects still get their turn.
        failures.push(`s3://${ref.bucket}/${ref.key}: ${describe(error).code}`);
      }
    }
    return failures;
  }

  async function handleSqs(rt: LambdaRuntime, event: SqsLambdaEvent, context: LambdaContextLike | undefined): Promise<SqsBatchResponse> {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const started = Date.now();
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
      const base = { msg: 'message', messageId: record.messageId, receiveCount };
      if (outOfTime(context)) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        log(withId({ level: 'warn', ...base, outcome: 'deferred', reason: 'the invocation is about to time out' }));
        continue;
      }
      const content = parseS3Event(record.body);
      if (content.kind === 'poison') {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        log(withId({ level: 'error', ...base, outcome: 'poison', reason: content.reason }));
        continue;
      }
      const failures = await handleObjects(rt, content.objects, context);
      if (failures.length > 0) batchItemFailures.push({ itemIdentifier: record.messageId });
      log(
        withId({
          level: failures.length > 0 ? 'warn' : 'info',
          ...base,
          outcome: failures.length > 0 ? 'retry' : 'done',
          objects: content.objects.length,
          ...(content.ignored.length > 0 && { ignored: content.ignored.map((r) => `${r.reason}:${r.eventName}`) }),
          ...(failures.length > 0 && { failures }),
          ms: Date.now() - started,
        }),
      );
    }
    return { batchItemFailures };
  }

  async function handleS3(rt: LambdaRuntime, event: S3LambdaEvent, context: LambdaContextLike | undefined): Promise<void> {
    const content = parseS3Event(event);
    if (content.kind === 'poison') throw new LetsflowError('event_invalid', 'reading', `S3 event not understood: ${content.reason}`);
    const failures = await handleObjects(rt, content.objects, context);
    if (failures.length > 0) {
      throw new LetsflowError(
        'objects_failed',
        'processing',
        `${failures.length} of ${content.objects.length} objects failed and stay pending (Lambda retries the event): ${failures.join('; ')}`,
      );
    }
  }

  return async (event, context) => {
    requestId = context?.awsRequestId;
    let rt: LambdaRuntime;
    try {
      rt = await runtime();
    } catch (error) {
      log(withId({ level: 'error', msg: 'startup', ...describe(error) }));
      throw error;
    }
    if (isSqsEvent(event)) return handleSqs(rt, event, context);
    if (isS3Event(event)) {
      await handleS3(rt, event, context);
      return undefined;
    }
    const keys = typeof event === 'object' && event !== null ? Object.keys(event).slice(0, 8).join(', ') : typeof event;
    const error = new LetsflowError('event_unsupported', 'reading', `not an SQS or S3 event (got ${keys}): letsflow handles SQS messages of S3 notifications and direct S3 notifications`);
    log(withId({ level: 'error', msg: 'event', ...describe(error) }));
    throw error;
  };
}

/** The processor function's entry point (`index.handler` in dist/lambda/index.mjs). */
export const handler: LetsflowLambdaHandler = createHandler();
