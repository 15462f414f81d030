/* Event-driven sources: S3 ObjectCreated notifications, from SQS or delivered to a Lambda. */
export { decodeS3Key, parseS3Event } from './parseS3Event.js';
export type { IgnoredRecord, S3EventContent, S3ObjectRef } from './parseS3Event.js';
export { parseSourceTypeMap, sourceTypeRouter, SourceTypeMapSchema } from './sourceTypeRouter.js';
export type { RouteDecision, RouterCounts, SourceTypeMap, SourceTypeRouter, SourceTypeRouterOptions } from './sourceTypeRouter.js';
export { realTimers, visibilityHeartbeat } from './visibilityHeartbeat.js';
export type { Timers, VisibilityHeartbeat, VisibilityHeartbeatOptions } from './visibilityHeartbeat.js';
export { DEFAULT_CONCURRENCY, DEFAULT_MAX_MESSAGES, DEFAULT_WAIT_TIME_SECONDS, sqsS3Consumer, SqsS3ConsumerSettingsSchema } from './sqsS3Consumer.js';
export type { ConsumerEvent, ConsumerStats, MessageOutcome, ObjectStatus, SqsS3Consumer, SqsS3ConsumerOptions, SqsS3ConsumerSettings } from './sqsS3Consumer.js';
export { redriveDlq } from './redriveDlq.js';
export type { RedriveOptions } from './redriveDlq.js';
