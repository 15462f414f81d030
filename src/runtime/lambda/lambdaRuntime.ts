import type { S3Client } from '@aws-sdk/client-s3';
import type { StepContext } from '../../engine/definition.js';
import { objectDispatcher, type ObjectDispatcher, type ObjectReport } from '../../engine/eventDriven/objectDispatcher.js';
import { pipelineForSourceType } from '../../pipelines/registry.js';
import { s3CacheStore } from '../../sinks/s3CacheStore.js';
import { s3Client } from '../../sources/s3Client.js';
import { sourceTypeRouter, type SourceTypeRouter } from '../../sources/sqsS3Events/sourceTypeRouter.js';
import { loadConfig } from '../config.js';
import { stepContext } from '../pipelineService.js';
import type { LogLine } from './jsonLog.js';
import { readLambdaEnv, type LambdaEnv } from './lambdaEnv.js';

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

/** One object's log line: failures are errors, quarantines and skips that may hide data are warnings. */
export function objectLogLine(report: ObjectReport, requestId: string | undefined): LogLine {
  const quiet = report.status === 'committed' || report.reason === 'already_committed' || report.reason === 'object_changed';
  const level = report.status === 'failed' ? 'error' : quiet ? 'info' : 'warn';
  return { level, msg: 'object', ...(requestId !== undefined && { requestId }), ...report };
}

/**
 * Builds what the processor function needs, once per container: the validated environment, the
 * router (refusing the cache bucket), the S3 client, the cache store on
 * `CACHE__SERVICE__BUCKET_NAME` (under `LETSFLOW_CACHE_PREFIX`), and a step context per source
 * type a registered pipeline reads, made on first use (other types are skipped as `no_parser`).
 * Format options come from `loadConfig` (`LETSFLOW_*`).
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
    const pipeline = pipelineForSourceType(sourceType);
    if (pipeline === undefined) return undefined;
    let ctx = contexts.get(sourceType);
    if (ctx === undefined) {
      ctx = stepContext({ ...config, pipeline: pipeline.name }, store, sourceType);
      contexts.set(sourceType, ctx);
    }
    return ctx;
  };
  const dispatcher = objectDispatcher({ client, router, contextFor, log: (report) => options.log(objectLogLine(report, options.requestId())) });
  return { env, router, dispatcher };
}
