import { pipelineNamespaces, type FinalityPolicy, type FormatOptions, type PipelineDefinition } from '../../engine/definition.js';
import { s3Access } from '../../formats/s3Access.js';
import { S3AccessEventSchema, type S3AccessEvent } from '../../formats/s3access/event.js';
import { storageSummary } from './storageKind.js';
import type { StorageSummary } from './storageSummary.js';
import { storageViews } from './storageViews.js';

/** The event fields the storage summary reads (the dedupe id's among them): all a run without raw events parses. */
export const STORAGE_SUMMARY_FIELDS: ReadonlySet<string> = new Set([
  'timestamp', 'bucket', 'request_id', 'operation', 'key', 'http_status', 'error_code', 'bytes_sent', 'object_size',
  'total_time_ms', 'turn_around_time_ms', 'requester', 'authentication_type', 'signature_version', 'tls_version',
]);

/**
 * S3 delivers server access logs best effort: "most log records are delivered within a few
 * hours", some later, some never (AWS, "Logging requests with server access logging"). Six
 * hours covers the few hours; records later still are kept as late events (counted, and a
 * window can be reopened), not lost.
 */
export const DEFAULT_S3_ACCESS_LATENESS_MS = 6 * 3_600_000;
/**
 * A bucket with no requests gets no log objects, so silence is normal. Eighteen hours of it
 * (with the lateness, a day after a window ends) lets a quiet bucket's yesterday become final
 * today, while no window settles before its stragglers could have come.
 */
export const DEFAULT_S3_ACCESS_IDLE_MS = 18 * 3_600_000;

export const S3_ACCESS_FINALITY: FinalityPolicy = { latenessMs: DEFAULT_S3_ACCESS_LATENESS_MS, idleMs: DEFAULT_S3_ACCESS_IDLE_MS, skewMs: 5 * 60_000 };

/**
 * An S3 access-log pipeline of its own name, source type and namespaces (`sa-<name>-*`): one
 * per logged bucket, so two buckets' aggregates never mix. The format follows the privacy
 * default: remote IPs and requesters are kept (in raw events, and as distinct requesters in
 * the summary) only with `keepClientIp`.
 *
 * @example
 * ```ts
 * import { registerPipeline, s3AccessPipelineFor } from 'letsflow';
 * registerPipeline(s3AccessPipelineFor({ name: 's3access-media', sourceType: 's3-access-media' }));
 * ```
 * @param options.name the pipeline's name: CLI `--pipeline`, routes, namespaces
 * @param options.sourceType the source type routed to it (`LETS__SOURCE_TYPE_MAP`, `--format`)
 * @returns the pipeline definition
 */
export function s3AccessPipelineFor(options: { name: string; sourceType: string }): PipelineDefinition<S3AccessEvent, StorageSummary> {
  const format = (o: FormatOptions) => s3Access({ keepRemoteIp: o.keepClientIp, keepRequester: o.keepClientIp });
  return {
    name: options.name,
    namespaces: pipelineNamespaces(options.name),
    formats: { [options.sourceType]: format },
    defaultFormat: options.sourceType,
    summary: storageSummary,
    events: S3AccessEventSchema,
    summaryFields: STORAGE_SUMMARY_FIELDS,
    finality: S3_ACCESS_FINALITY,
    views: storageViews,
  };
}

/** S3 server access logs of any bucket: source type `s3-access`, namespaces `sa-s3access-*`. */
export const s3AccessPipeline = s3AccessPipelineFor({ name: 's3access', sourceType: 's3-access' });
/** Seed 002's transfers bucket (`transfers-bucket/` of the access-logs bucket): `sa-s3access-transfers-*`. */
export const s3AccessTransfersPipeline = s3AccessPipelineFor({ name: 's3access-transfers', sourceType: 's3-access-transfers' });
/** Seed 002's cache bucket (`cache-bucket/` of the access-logs bucket): `sa-s3access-cache-*`. */
export const s3AccessCachePipeline = s3AccessPipelineFor({ name: 's3access-cache', sourceType: 's3-access-cache' });
