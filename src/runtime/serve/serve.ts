import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SQSClient } from '@aws-sdk/client-sqs';
import { eventDrivenIngest, type EventDrivenIngest } from '../../engine/eventDriven/eventDrivenIngest.js';
import { clientFor, pipelineService, stepContext, type PipelineService } from '../pipelineService.js';
import { pipelineForSourceType } from '../../pipelines/registry.js';
import { parseLocation } from '../location.js';
import type { Config } from '../config.js';
import { buildApi, type LocalRoot } from './api.js';
import { serveMetrics } from './serveMetrics.js';
import { StepScheduler, type ScheduledStep } from './stepScheduler.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly scheduler: StepScheduler;
  /** `http://127.0.0.1:8080` */
  readonly url: string;
  /** Event-driven ingest, when a queue is configured. */
  readonly events: EventDrivenIngest | undefined;
  /** Starts no new step, lets the runs in flight finish, then closes the server. */
  stop(): Promise<void>;
}

/**
 * Starts `letsflow serve`: the LETS steps on their cadences (ingest and consolidate every
 * minute, aggregate and archive every hour by default) and the REST API, listening on the
 * configured host — 127.0.0.1 unless configured otherwise.
 *
 * @example
 * ```ts
 * import { loadConfig, startServe } from 'letsflow';
 * const server = await startServe(await loadConfig({ port: 0 }), process.env.LETSFLOW_API_TOKEN);
 * console.log('listening on', server.url);
 * ```
 */
export async function startServe(config: Config, token: string | undefined, service: PipelineService = pipelineService(config)): Promise<RunningServer> {
  const metrics = serveMetrics(() => service.status());
  const events = config.sqsQueueUrl === undefined ? undefined : eventDriven(config, config.sqsQueueUrl, service);
  const steps: ScheduledStep[] = [
    // With a queue, notifications drive ingest (fused with consolidation); the scheduled sweep stays for POST /ingest only.
    { name: 'ingest', everyMs: events ? 0 : config.ingestEverySeconds * 1000, run: () => service.ingest() },
    { name: 'consolidate', everyMs: config.ingestEverySeconds * 1000, run: () => service.consolidate() },
    { name: 'aggregate', everyMs: config.aggregateEverySeconds * 1000, run: () => service.aggregate() },
    ...(config.archive !== undefined ? [{ name: 'archive', everyMs: config.aggregateEverySeconds * 1000, run: () => service.archive() }] : []),
  ];
  const scheduler = new StepScheduler(steps, (step, ms, error) => metrics.stepFinished(step, ms, error));
  const app = buildApi({
    store: service.ctx.store,
    pipeline: service.ctx.pipeline,
    finality: service.ctx.finality,
    scheduler,
    status: () => service.status(),
    metrics,
    token,
    redact: localRoots(config),
    ...(events && { events: () => events.stats() }),
  });
  const url = await app.listen({ host: config.host, port: config.port });
  scheduler.start();
  const consuming = events?.start();
  // A queue that cannot be consumed (missing, denied, no RedrivePolicy) is reported, and the rest keeps serving.
  consuming?.catch((error: unknown) => process.stderr.write(`serve: event-driven ingest stopped: ${(error as Error).message}\n`));
  return {
    app,
    scheduler,
    url,
    events,
    async stop() {
      // Unfinished messages are made visible again, so another consumer picks them up at once.
      await events?.stop();
      await consuming?.catch(() => undefined);
      await scheduler.stop();
      await app.close();
    },
  };
}

/**
 * The local folders serve's answers must not name: a folder source (ledger entries hold it as
 * their objects' container), a folder cache and, with a folder source, the archive folder —
 * resolved as the source and the store resolve them.
 */
function localRoots(config: Config): LocalRoot[] {
  const source = parseLocation(config.source, 'source');
  const cache = parseLocation(config.cache, 'cache');
  return [
    ...(source.kind === 'folder' ? [{ path: resolve(source.path), as: '<source>' }] : []),
    ...(cache.kind === 'folder' ? [{ path: resolve(cache.path), as: '<cache>' }] : []),
    ...(source.kind === 'folder' && config.archive !== undefined ? [{ path: resolve(config.archive), as: '<archive>' }] : []),
  ];
}

/** The SQS client for the configured region and endpoint; credentials only from the SDK's default chain. */
export function sqsClientFor(config: Config): SQSClient {
  const region = config.region ?? (config.sqsEndpoint !== undefined ? 'us-east-1' : undefined);
  return new SQSClient({ ...(region !== undefined && { region }), ...(config.sqsEndpoint !== undefined && { endpoint: config.sqsEndpoint }) });
}

/** Event-driven ingest from an SQS queue of S3 notifications, into the service's store. */
function eventDriven(config: Config, queueUrl: string, service: PipelineService): EventDrivenIngest {
  const { pipeline } = service.ctx;
  const cache = parseLocation(config.cache, 'cache');
  return eventDrivenIngest({
    sqs: sqsClientFor(config),
    queueUrl,
    visibilityTimeoutSeconds: config.sqsVisibilitySeconds,
    concurrency: config.sqsConcurrency,
    client: clientFor(config),
    store: service.ctx.store,
    errorsNamespace: pipeline.namespaces.errors,
    cacheBucket: cache.kind === 's3' ? cache.bucket : undefined,
    sourceTypeMap: config.sourceTypeMap ?? { '': config.format ?? pipeline.defaultFormat },
    // The served pipeline reads its own source types; any other type goes to the registered pipeline that reads it, in the same store.
    contextFor: (type) => {
      if (type === (config.format ?? pipeline.defaultFormat)) return service.ctx;
      const reader = Object.hasOwn(pipeline.formats, type) ? pipeline : pipelineForSourceType(type);
      return reader && stepContext({ ...config, pipeline: reader.name }, service.ctx.store, type);
    },
  });
}
