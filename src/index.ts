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
  decodeS3Key, DEFAULT_MAX_MESSAGES, DEFAULT_WAIT_TIME_SECONDS, parseS3Event, parseSourceTypeMap,
  redriveDlq, sourceTypeRouter, SourceTypeMapSchema, sqsS3Consumer, SqsS3ConsumerSettingsSchema, visibilityHeartbeat,
} from './sources/sqsS3Events/index.js';
export type { S3ObjectRef, SourceTypeMap, SourceTypeRouter, SqsS3Consumer, SqsS3ConsumerOptions } from './sources/sqsS3Events/index.js';
export { keyDate } from './sources/keyDate.js';
export type { KeyDate } from './sources/keyDate.js';
export type { ObjectIdentity, SourceObject } from './sources/sourceObject.js';

/* Formats */
export { cloudfrontRealtime, CloudFrontRealtimeOptionsSchema } from './formats/cloudfrontRealtime.js';
export type { CloudFrontRealtimeOptions } from './formats/cloudfrontRealtime.js';
export { cloudfrontStandard, CloudFrontStandardOptionsSchema } from './formats/cloudfrontStandard.js';
export type { CloudFrontStandardOptions } from './formats/cloudfrontStandard.js';
export { eventsNdjson } from './formats/eventsNdjson.js';
export { DEFAULT_KEEP_REMOTE_IP, DEFAULT_KEEP_REQUESTER, s3Access, S3AccessOptionsSchema } from './formats/s3Access.js';
export { S3_ACCESS_ERROR_CODES } from './formats/s3access/LineTokenizer.js';
export type { S3AccessOptions } from './formats/s3Access.js';
export { S3AccessEventSchema } from './formats/s3access/event.js';
export type { S3AccessEvent } from './formats/s3access/event.js';
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

/* Engine */
export { aggregate } from './engine/aggregate.js';
export type { AggregateOutcome } from './engine/aggregate.js';
export { archiveCommitted } from './engine/archiveStep.js';
export { CheckpointSchema } from './engine/checkpoint.js';
export type { Checkpoint } from './engine/checkpoint.js';
export { consolidateObject } from './engine/consolidateStep.js';
export { pipelineNamespaces, stepContextFor } from './engine/definition.js';
export type {
  AnyPipeline, AnyStepContext, FinalityPolicy, FormatOptions, PipelineDefinition, PipelineNamespaces, PipelineOutputs, PipelineViews, ReportColumn, StepContext, TopItem,
} from './engine/definition.js';
export { AggregateDocSchema, LedgerEntrySchema } from './engine/documents.js';
export type { AggregateDoc, LedgerEntry } from './engine/documents.js';
export { eventDrivenIngest, POISON_BODY_CHARS, poisonRef } from './engine/eventDriven/eventDrivenIngest.js';
export type { EventDrivenIngest, EventDrivenIngestOptions } from './engine/eventDriven/eventDrivenIngest.js';
export { objectDispatcher } from './engine/eventDriven/objectDispatcher.js';
export type { DispatcherCounts, ObjectDispatcher, ObjectDispatcherOptions, ObjectReport, SkipReason } from './engine/eventDriven/objectDispatcher.js';
export { blockerFor, impliedFinal, watermarkOf } from './engine/finality.js';
export type { Blocker } from './engine/finality.js';
export { ingestObject } from './engine/ingest.js';
export { objectId, pipelineRefs } from './engine/layout.js';
export type { PipelineRefs } from './engine/layout.js';
export { claimObject, releaseLease, renewLease } from './engine/leases.js';
export type { HeldLease } from './engine/leases.js';
export { ledgerEntriesFor, listLedger, pendingObjects } from './engine/ledger.js';
export { listErrors, replayQuarantined, resetObjects } from './engine/operatorTools.js';
export { reopenWindow } from './engine/reopenWindow.js';
export { writeParseErrorsOf, writeRawEvents, writeWindows } from './engine/sinkOperators.js';
export type { SinkTarget } from './engine/sinkOperators.js';
export { DEFAULT_CONCURRENCY, runPipeline } from './engine/runPipeline.js';
export type { LeaseOptions, RunOptions, RunOutcome, RunProgress } from './engine/runPipeline.js';
export { withTimeBounds } from './engine/timeBounds.js';
export { readWindow, storedWindowsIn, windowsIn } from './engine/windowQueries.js';
export type { WindowView } from './engine/windowQueries.js';

/* Pipelines */
export { cloudfrontPipeline, DEFAULT_LATENESS_MS, SUMMARY_FIELDS } from './pipelines/cloudfront/definition.js';
export { writeDemoObjects } from './pipelines/cloudfront/demoData.js';
export { describeTraffic } from './pipelines/cloudfront/describeTraffic.js';
export type { TrafficView } from './pipelines/cloudfront/describeTraffic.js';
export { NAMESPACES } from './pipelines/cloudfront/namespaces.js';
export { trafficSummary } from './pipelines/cloudfront/trafficKind.js';
export { emptySummary, mergeSummaries, summaryFromJson, summaryToJson } from './pipelines/cloudfront/trafficSummary.js';
export type { TrafficSummary } from './pipelines/cloudfront/trafficSummary.js';
export { describeStorage } from './pipelines/s3access/describeStorage.js';
export type { StorageView } from './pipelines/s3access/describeStorage.js';
export {
  DEFAULT_S3_ACCESS_IDLE_MS, DEFAULT_S3_ACCESS_LATENESS_MS, S3_ACCESS_FINALITY, s3AccessCachePipeline, s3AccessPipeline, s3AccessPipelineFor,
  s3AccessTransfersPipeline, STORAGE_SUMMARY_FIELDS,
} from './pipelines/s3access/definition.js';
export { storageSummary, storageSummaryKind } from './pipelines/s3access/storageKind.js';
export { DEFAULT_DEDUPE_BOUND, duplicatesRemoved, resolvedTotals } from './pipelines/s3access/storageSummary.js';
export type { StorageSummary } from './pipelines/s3access/storageSummary.js';
export { pipelineForSourceType, pipelineNamed, pipelines, registerPipeline } from './pipelines/registry.js';

/* Runtime */
export { pipelineService, stepContext } from './runtime/pipelineService.js';
export type { Listing, PipelineService, PipelineStatus } from './runtime/pipelineService.js';
export { ConfigSchema, loadConfig } from './runtime/config.js';
export type { Config } from './runtime/config.js';
export { startServe } from './runtime/serve/serve.js';
export { createHandler } from './runtime/lambda/handler.js';
export type { RunningServer } from './runtime/serve/serve.js';

/* Core */
export { CloudFrontEventSchema } from './formats/cloudfront/event.js';
export type { CloudFrontEvent, EventField } from './formats/cloudfront/event.js';
export { MAX_ERROR_LINE_CHARS } from './core/records.js';
export type { ParseErrorRecord } from './core/records.js';
export { childStarts, parseTimeKey, PERIODS, timeKey, windowEnd, windowStart } from './core/periods.js';
export type { Period } from './core/periods.js';
export { mergeAllOf, summarizeWith } from './core/summaryKind.js';
export type { SummaryKind, TimedEvent } from './core/summaryKind.js';
export { addKey, DEFAULT_KEY_BOUND, emptyTopKeys, MAX_KEY_CHARS, mergeTopKeys, topEntries, topKeysFromJson, topKeysToJson, truncateKey } from './core/topKeys.js';
export type { KeyStats, TopKeys } from './core/topKeys.js';
export type { Finality, WindowResult } from './core/windowResult.js';

/* Errors */
export { ConfigError, InvalidKeyError, LetsflowError, ObjectQuarantinedError, PreconditionFailedError, SinkWriteError, SymlinkRefusedError } from './core/errors.js';
export type { ErrorStage } from './core/errors.js';
