/**
 * Deterministic, realistic CloudFront traffic: request records, the real-time and standard log
 * lines CloudFront would write for them (reference/formats.md §1 and §2), and gzip objects named
 * the way Firehose and standard logging name them. Used by `letsflow demo` and the benchmark.
 *
 * Everything is a pure function of the options (seed included): the same options give the same
 * records, the same lines and byte-identical objects (Node's gzip header has mtime 0).
 *
 * Record values are what was on the wire (a path the client sent percent-encoded stays
 * percent-encoded); the formatters apply CloudFront's own escaping once (§1.3, §2.2), so
 * `%3A` sent by a client is logged as `%253A`, exactly like the real thing.
 *
 * The code lives in `./demo/`, one purpose a file; this module keeps the old import path working.
 */
export { cloudfrontEscape } from './demo/cloudfrontEscape.js';
export { DEMO_DISTRIBUTION_HOST, DEMO_DISTRIBUTION_ID, DEMO_VIEWER_HOST } from './demo/demoDistribution.js';
export type { CmcdValues, DemoRequest, ResultType } from './demo/demoRequest.js';
export { generateRequests } from './demo/generateRequests.js';
export type { GenerateRequestsOptions } from './demo/generateRequests.js';
export { mulberry32 } from './demo/random.js';
export { formatRealtimeLine, realtimeLineFormatter } from './demo/realtimeLines.js';
export { resolveFieldList } from './demo/resolveFieldList.js';
export { STANDARD_FIELDS } from './demo/standardFields.js';
export { formatStandardLines, standardHeaderLines, standardLineFormatter } from './demo/standardLines.js';
export { DEMO_DEFAULT_START_MS, writeDemoObjects } from './demo/writeDemoObjects.js';
export type { DemoObject, DemoObjectsResult, WriteDemoObjectsOptions } from './demo/writeDemoObjects.js';
export { writeLogObject } from './demo/writeLogObject.js';
export type { DemoLogFormat, WriteLogObjectOptions, WrittenLog } from './demo/writeLogObject.js';
