import type { S3Client } from '@aws-sdk/client-s3';
import type { StepContext } from '../../pipelines/cloudfront/context.js';
import { s3CacheStore } from '../../sinks/s3CacheStore.js';
import { s3Client } from '../../sources/s3Client.js';
import { objectDispatcher, type ObjectDispatcher, type ObjectReport } from '../../sources/sqsS3Events/objectDispatcher.js';
import { sourceTypeRouter, type SourceTypeRouter } from '../../sources/sqsS3Events/sourceTypeRouter.js';
import { stepContext } from '../cloudfrontService.js';
import { loadConfig, type Config } from '../config.js';
import type { LogLine } from './jsonLog.js';
import { readLambdaEnv, type LambdaEnv } from './lambdaEnv.js';

/** Source types letsflow has a parser for; other types in the map are skipped as `no_parser`. */
export const PARSED_SOURCE_TYPES: readonly Config['format'][] = ['cloudfront-realtime', 'cloudfront-standard'];

/** What a warm container keeps between invocations. */
export interface LambdaRuntime {
  readonly env: LambdaEnv;
  readonly router: SourceTypeRouter;
  readonly dispatcher: ObjectDispatcher;
}

export interface LambdaRuntimeOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The S3 client for source objects and the cache; from the SDK default chain (the function's role) when absent. */
  readonly client?: S3Client;
  readonly log: (line: LogLine) => void;
  /** The current invocation's request id, for the object log lines. */
  readonly requestId: () => string | undefined;
}

const isParsed = (sourceType: string): sourceType is Config['format'] => (PARSED_SOURCE_TYPES as readonly string[]).includes(sourceType);

/** One object's log line: failures are errors, quarantines and skips that may hide data are warnings. */
export function objectLogLine(report: ObjectReport, requestId: string | undefined): LogLine {
  const quiet = report.status === 'committed' || report.reason === 'already_committed' || report.reason === 'object_changed';
  const level = report.status === 'failed' ? 'error' : quiet ? 'info' : 'warn';
  return { level, msg: 'object', ...(requestId !== undefined && { requestId }), ...report };
}

/**
 * Builds what the processor function needs, once per container: the validated environment, the
 * router (refusing the cache bucket), the S3 client, the cache store on
 * `CACHE__SERVICE__BUCKET_NAME` (under `LETSFLOW_CACHE_PREFIX`), and a step context per parsed
 * source type, made on first use. Format options come from `loadConfig` (`LETSFLOW_*`).
 *
 * @param options the environment, an S3 client for tests, the logger and the request id source
 * @returns the runtime
 * @throws ConfigError when the environment is invalid
 */
export async function lambdaRuntime(options: LambdaRuntimeOptions): Promise<LambdaRuntime> {
  const env = readLambdaEnv(options.env);
  const router = sourceTypeRouter({ map: env.sourceTypeMap, cacheBucket: env.cacheBucket });
  const config = await loadConfig({}, options.env);
  const client = options.client ?? s3Client({});
  const store = s3CacheStore({ bucket: env.cacheBucket, prefix: env.cachePrefix, client });
  const contexts = new Map<string, StepContext>();
  const contextFor = (sourceType: string): StepContext | undefined => {
    if (!isParsed(sourceType)) return undefined;
    let ctx = contexts.get(sourceType);
    if (ctx === undefined) {
      ctx = stepContext({ ...config, format: sourceType }, store);
      contexts.set(sourceType, ctx);
    }
    return ctx;
  };
  const dispatcher = objectDispatcher({ client, router, contextFor, log: (report) => options.log(objectLogLine(report, options.requestId())) });
  return { env, router, dispatcher };
}
