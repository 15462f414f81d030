import type { FastifyInstance } from 'fastify';
import { cloudfrontService, type CloudFrontService } from '../cloudfrontService.js';
import type { Config } from '../config.js';
import { buildApi } from './api.js';
import { serveMetrics } from './serveMetrics.js';
import { StepScheduler, type ScheduledStep } from './stepScheduler.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly scheduler: StepScheduler;
  /** `http://127.0.0.1:8080` */
  readonly url: string;
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
export async function startServe(config: Config, token: string | undefined, service: CloudFrontService = cloudfrontService(config)): Promise<RunningServer> {
  const metrics = serveMetrics(() => service.status());
  const steps: ScheduledStep[] = [
    { name: 'ingest', everyMs: config.ingestEverySeconds * 1000, run: () => service.ingest() },
    { name: 'consolidate', everyMs: config.ingestEverySeconds * 1000, run: () => service.consolidate() },
    { name: 'aggregate', everyMs: config.aggregateEverySeconds * 1000, run: () => service.aggregate() },
    ...(config.archive !== undefined ? [{ name: 'archive', everyMs: config.aggregateEverySeconds * 1000, run: () => service.archive() }] : []),
  ];
  const scheduler = new StepScheduler(steps, (step, ms, error) => metrics.stepFinished(step, ms, error));
  const app = buildApi({ store: service.ctx.store, scheduler, status: () => service.status(), metrics, token });
  const url = await app.listen({ host: config.host, port: config.port });
  scheduler.start();
  return {
    app,
    scheduler,
    url,
    async stop() {
      await scheduler.stop();
      await app.close();
    },
  };
}
