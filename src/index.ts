/* letsflow's public API. Anything not exported here is internal. */

/* Sources */
export { localObjects } from './sources/localObjects.js';
export { readLines, DEFAULT_BATCH_SIZE, DEFAULT_MAX_LINE_LENGTH } from './sources/readLines.js';
export type { LineBatch, ReadLinesOptions } from './sources/readLines.js';
export { s3Client, S3ClientOptionsSchema } from './sources/s3Client.js';
export type { S3ClientOptions } from './sources/s3Client.js';
export { DEFAULT_READ_RETRIES, DEFAULT_RETRY_BASE_MS, s3Object } from './sources/s3Object.js';
export type { S3ArchiveMode, S3ObjectOptions } from './sources/s3Object.js';
export { s3Objects, S3ObjectsOptionsSchema } from './sources/s3Objects.js';
export type { S3ObjectsOptions } from './sources/s3Objects.js';
export { displayName } from './sources/sourceObject.js';
export {
  decodeS3Key, DEFAULT_MAX_MESSAGES, DEFAULT_WAIT_TIME_SECONDS, eventDrivenIngest, objectDispatcher, parseS3Event, parseSourceTypeMap,
  poisonRef, redriveDlq, sourceTypeRouter, SourceTypeMapSchema, sqsS3Consumer, SqsS3ConsumerSettingsSchema, visibilityHeartbeat,
} from './sources/sqsS3Events/index.js';
export type {
  EventDrivenIngest, EventDrivenIngestOptions, ObjectDispatcher, S3ObjectRef, SourceTypeMap, SourceTypeRouter, SqsS3Consumer, SqsS3ConsumerOptions,
} from './sources/sqsS3Events/index.js';
export type { ObjectIdentity, SourceObject } from './sources/sourceObject.js';

/* Formats */
export { cloudfrontRealtime, CloudFrontRealtimeOptionsSchema } from './formats/cloudfrontRealtime.js';
export type { CloudFrontRealtimeOptions } from './formats/cloudfrontRealtime.js';
export { cloudfrontStandard, CloudFrontStandardOptionsSchema } from './formats/cloudfrontStandard.js';
export type { CloudFrontStandardOptions } from './formats/cloudfrontStandard.js';
export { eventsNdjson } from './formats/eventsNdjson.js';
export { AWS_CANONICAL_FIELDS, DEFAULT_FIELD_LIST, FIELD_LIST_PRESETS, SGRAPH_27_FIELDS, SGRAPH_LIVE_26_FIELDS } from './formats/fieldLists.js';
export { DEFAULT_MAX_ERROR_RECORDS, emptyTally } from './formats/logFormat.js';
export type { LogFormat, ObjectParser, ParserContext, ParseTally } from './formats/logFormat.js';
export { percentDecode } from './formats/percentDecode.js';

/* Operators */
export { consolidate } from './operators/consolidate.js';
export type { WindowPartial } from './operators/consolidate.js';
export { parse } from './operators/parse.js';
export { rollup } from './operators/rollup.js';
export { windowTumbling } from './operators/windowTumbling.js';
export type { WindowTumblingOptions } from './operators/windowTumbling.js';

/* Sinks */
export { STRATEGIES } from './sinks/cacheStore.js';
export type { CacheStore, EntryBody, EntryRef, FileType, Strategy, VersionedEntry, WriteCondition } from './sinks/cacheStore.js';
export { entryPath, validateKey, validateNamespace } from './sinks/cachePaths.js';
export { DEFAULT_CACHE_ROOT, fsCacheStore, FsCacheStoreOptionsSchema } from './sinks/fsCacheStore.js';
export type { FsCacheStoreOptions } from './sinks/fsCacheStore.js';
export { memoryCacheStore } from './sinks/memoryCacheStore.js';
export { DEFAULT_PART_SIZE, s3CacheStore, S3CacheStoreOptionsSchema } from './sinks/s3CacheStore.js';
export type { S3CacheStoreOptions } from './sinks/s3CacheStore.js';
export type { MemoryCacheStore } from './sinks/memoryCacheStore.js';

/* Pipelines */
export { aggregate } from './pipelines/cloudfront/aggregateStep.js';
export { archiveCommitted } from './pipelines/cloudfront/archiveStep.js';
export { claimObject, releaseLease, renewLease } from './pipelines/cloudfront/leases.js';
export type { HeldLease } from './pipelines/cloudfront/leases.js';
export { listErrors, replayQuarantined } from './pipelines/cloudfront/operatorTools.js';
export { reopenWindow } from './pipelines/cloudfront/reopenWindow.js';
export type { AggregateOutcome } from './pipelines/cloudfront/aggregateStep.js';
export { consolidateObject } from './pipelines/cloudfront/consolidateStep.js';
export { DEFAULT_LATENESS_MS, SUMMARY_FIELDS } from './pipelines/cloudfront/context.js';
export type { StepContext } from './pipelines/cloudfront/context.js';
export { writeDemoObjects } from './pipelines/cloudfront/demoData.js';
export { AggregateDocSchema, LedgerEntrySchema } from './pipelines/cloudfront/documents.js';
export type { AggregateDoc, LedgerEntry } from './pipelines/cloudfront/documents.js';
export { ingestObject } from './pipelines/cloudfront/ingest.js';
export { NAMESPACES, objectId } from './pipelines/cloudfront/layout.js';
export { listLedger, pendingObjects } from './pipelines/cloudfront/ledger.js';
export { runPipeline } from './pipelines/cloudfront/runPipeline.js';
export type { LeaseOptions, RunOptions, RunOutcome, RunProgress } from './pipelines/cloudfront/runPipeline.js';

/* Runtime */
export { cloudfrontService, stepContext } from './runtime/cloudfrontService.js';
export type { CloudFrontService, PipelineStatus } from './runtime/cloudfrontService.js';
export { ConfigSchema, loadConfig } from './runtime/config.js';
export type { Config } from './runtime/config.js';
export { startServe } from './runtime/serve/serve.js';
export { createHandler } from './runtime/lambda/handler.js';
export type { RunningServer } from './runtime/serve/serve.js';

/* Core */
export { CloudFrontEventSchema, MAX_ERROR_LINE_CHARS } from './core/event.js';
export type { CloudFrontEvent, EventField, ParseErrorRecord } from './core/event.js';
export { describeSummary } from './core/describeSummary.js';
export type { SummaryView } from './core/describeSummary.js';
export { childStarts, parseTimeKey, PERIODS, timeKey, windowEnd, windowStart } from './core/periods.js';
export type { Period } from './core/periods.js';
export { emptySummary, mergeAll, mergeSummaries, summarize, SummaryBuilder, summaryFromJson, summaryToJson } from './core/summary.js';
export type { PathStats, Summary } from './core/summary.js';
export type { Finality, WindowResult } from './core/windowResult.js';

/* Errors */
export { ConfigError, InvalidKeyError, LetsflowError, ObjectQuarantinedError, PreconditionFailedError, SinkWriteError } from './core/errors.js';
export type { ErrorStage } from './core/errors.js';
