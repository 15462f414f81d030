import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LetsflowError } from '../../core/errors.js';
import { isMissingKey, s3Failure } from '../../sources/s3Client.js';
import { s3Object } from '../../sources/s3Object.js';
import type { S3ObjectRef } from '../../sources/sqsS3Events/parseS3Event.js';
import type { SourceTypeRouter } from '../../sources/sqsS3Events/sourceTypeRouter.js';
import type { ObjectStatus } from '../../sources/sqsS3Events/sqsS3Consumer.js';
import type { AnyStepContext } from '../definition.js';
import { LedgerEntrySchema, readJson } from '../documents.js';
import { ingestObject } from '../ingest.js';
import { objectId, pipelineRefs } from '../layout.js';
import { settles } from '../ledger.js';

/**
 * Why an object was skipped: `cache_bucket` (letsflow's own output), `no_route` (no map rule),
 * `no_parser` (a source type letsflow cannot read yet), `object_missing` (deleted since the
 * event), `object_changed` (replaced since the event; the newer write has its own event).
 */
export type SkipReason = 'cache_bucket' | 'no_route' | 'no_parser' | 'object_missing' | 'object_changed';

/** What became of one object; also its structured log line. */
export interface ObjectReport {
  readonly bucket: string;
  readonly key: string;
  /** `failed`: a transient failure, thrown after this report is logged. */
  readonly status: ObjectStatus | 'failed';
  readonly sourceType: string | undefined;
  /** Events committed (0 unless committed now). */
  readonly events: number;
  readonly ms: number;
  /** A skip reason, `already_committed` for a redelivered object, the quarantine or failure code. */
  readonly reason?: string;
  /** The failure or quarantine message. */
  readonly detail?: string;
}

export interface DispatcherCounts {
  readonly committed: number;
  readonly quarantined: number;
  /** Redeliveries of objects the ledger already holds at that ETag: answered from the ledger, not re-read. */
  readonly alreadyCommitted: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
  readonly failed: number;
}

export interface ObjectDispatcher {
  /** Routes, reads and commits one object; throws (after logging) when it failed in a way worth retrying. */
  handle(ref: S3ObjectRef): Promise<ObjectReport>;
  /** `handle` as `sqsS3Consumer` takes it: the status alone. */
  handleObject(ref: S3ObjectRef): Promise<ObjectStatus>;
  counts(): DispatcherCounts;
}

export interface ObjectDispatcherOptions {
  /** Reads the source objects. */
  readonly client: S3Client;
  readonly router: SourceTypeRouter;
  /** The step context (store, parser, limits) for a source type, or `undefined` when letsflow has no parser for it. */
  readonly contextFor: (sourceType: string) => AnyStepContext | undefined;
  /** Receives one report per object handled. */
  readonly log?: (report: ObjectReport) => void;
}

const STALE_CODES = new Set<SkipReason>(['object_missing', 'object_changed']);

/**
 * The per-object step of event-driven processing (seed 002 R2, "single Lambda, multiple
 * parsers"): routes an object named by an S3 event to its source type's parser and ingests it
 * with `ingestObject(object, ctx, { consolidate: true })`, the same step a listing-driven run takes.
 *
 * Skipped, never read, and counted: objects in the cache bucket (no circular trigger), objects no
 * rule routes, source types without a parser, and objects deleted or replaced since their event
 * (`object_missing`, `object_changed`; a replaced object's new version has an event of its own).
 * An object the ledger already holds at the event's ETag (a redelivery) is answered from the
 * ledger. A quarantined object is settled, not a failure. Anything else thrown by the read or the
 * store is logged as `failed` and rethrown, leaving the object pending for a retry. When the event
 * lacks the size or ETag, a HeadObject supplies them. One report per object goes to `log`.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, objectDispatcher, sourceTypeRouter, stepContextFor, s3Client, s3CacheStore } from 'letsflow';
 * const client = s3Client({});
 * const ctx = stepContextFor(cloudfrontPipeline, s3CacheStore({ bucket: 'acme-cache', client }));
 * const dispatcher = objectDispatcher({ client, router: sourceTypeRouter({ map: { '': 'cloudfront-realtime' }, cacheBucket: 'acme-cache' }),
 *   contextFor: (type) => (type === 'cloudfront-realtime' ? ctx : undefined) });
 * ```
 * @param options.client the S3 client that reads source objects
 * @param options.router bucket/prefix → source type, refusing the cache bucket
 * @param options.contextFor the step context per source type
 * @param options.log one report per object
 * @returns the dispatcher
 * @see sourceTypeRouter
 * @see sqsS3Consumer
 */
export function objectDispatcher(options: ObjectDispatcherOptions): ObjectDispatcher {
  const { client, router, contextFor, log } = options;
  const counts = {
    committed: 0,
    quarantined: 0,
    alreadyCommitted: 0,
    skipped: { cache_bucket: 0, no_route: 0, no_parser: 0, object_missing: 0, object_changed: 0 },
    failed: 0,
  };

  async function identity(ref: S3ObjectRef): Promise<{ etag: string; size: number } | undefined> {
    if (ref.eTag !== undefined && ref.size !== undefined) return { etag: ref.eTag, size: ref.size };
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return { etag: (head.ETag ?? '').replace(/^"(.*)"$/, '$1'), size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw await s3Failure(error, { bucket: ref.bucket, key: ref.key, operation: 'HeadObject', client }, 'reading');
    }
  }

  async function handle(ref: S3ObjectRef): Promise<ObjectReport> {
    const started = Date.now();
    const { bucket, key } = ref;
    let sourceType: string | undefined;
    const report = (status: ObjectReport['status'], rest: Partial<ObjectReport> = {}): ObjectReport => {
      const line: ObjectReport = { bucket, key, status, sourceType, events: 0, ms: Date.now() - started, ...rest };
      log?.(line);
      return line;
    };
    const skip = (reason: SkipReason): ObjectReport => {
      counts.skipped[reason] += 1;
      return report('skipped', { reason });
    };

    const route = router.route(ref);
    if (route.action === 'skip') return skip(route.reason);
    sourceType = route.sourceType;
    const ctx = contextFor(sourceType);
    if (ctx === undefined) return skip('no_parser');
    try {
      const known = await identity(ref);
      if (known === undefined) return skip('object_missing');
      const object = s3Object({ client, bucket, key, etag: known.etag, size: known.size, arrivedAt: ref.eventTime ?? 0 });
      const previous = await readJson(ctx.store, pipelineRefs(ctx.pipeline.namespaces).ledger(objectId(object)), LedgerEntrySchema);
      if (previous !== undefined && settles(previous, object)) {
        counts.alreadyCommitted += 1;
        return report(previous.status === 'done' ? 'committed' : 'quarantined', { reason: 'already_committed' });
      }
      const entry = await ingestObject(object, ctx, { consolidate: true });
      if (entry.status === 'quarantined') {
        counts.quarantined += 1;
        return report('quarantined', { ...(entry.error && { reason: entry.error.code, detail: entry.error.message }) });
      }
      counts.committed += 1;
      return report('committed', { events: entry.events });
    } catch (error) {
      if (error instanceof LetsflowError && STALE_CODES.has(error.code as SkipReason)) return skip(error.code as SkipReason);
      counts.failed += 1;
      const code = error instanceof LetsflowError ? error.code : 'unexpected';
      report('failed', { reason: code, detail: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  return {
    handle,
    // A report returned (not thrown) is never `failed`.
    handleObject: async (ref) => (await handle(ref)).status as ObjectStatus,
    counts: () => structuredClone(counts),
  };
}
