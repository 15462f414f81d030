import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { cloudfrontRealtime } from '../formats/cloudfrontRealtime.js';
import { cloudfrontStandard } from '../formats/cloudfrontStandard.js';
import { aggregate, type AggregateOutcome } from '../pipelines/cloudfront/aggregateStep.js';
import { archiveCommitted } from '../pipelines/cloudfront/archiveStep.js';
import { consolidateObject } from '../pipelines/cloudfront/consolidateStep.js';
import type { StepContext } from '../pipelines/cloudfront/context.js';
import { ingestObject } from '../pipelines/cloudfront/ingest.js';
import { listLedger, pendingObjects } from '../pipelines/cloudfront/ledger.js';
import { runPipeline, type RunOutcome, type RunProgress } from '../pipelines/cloudfront/runPipeline.js';
import type { CacheStore } from '../sinks/cacheStore.js';
import { fsCacheStore } from '../sinks/fsCacheStore.js';
import { localObjects } from '../sources/localObjects.js';
import type { SourceObject } from '../sources/sourceObject.js';
import type { Config } from './config.js';

export interface PipelineStatus {
  readonly listed: number;
  readonly pending: number;
  readonly done: number;
  readonly quarantined: number;
  readonly events: number;
  readonly parseErrors: number;
  /** How far the oldest pending object arrived before the newest one, in seconds; 0 when nothing is pending. */
  readonly lagSeconds: number;
}

/**
 * The CloudFront LETS steps bound to one configuration: the source, the store and the
 * format. The CLI and `serve` both drive the pipeline through it, so a step means the same
 * thing from a terminal, a schedule or an HTTP call.
 */
export interface CloudFrontService {
  readonly ctx: StepContext;
  listSource(): Promise<SourceObject[]>;
  run(onProgress?: (p: RunProgress) => void): Promise<RunOutcome>;
  ingest(): Promise<{ ingested: number; quarantined: number }>;
  consolidate(): Promise<{ consolidated: number }>;
  aggregate(): Promise<AggregateOutcome & { pending: number }>;
  archive(): Promise<{ archived: number }>;
  status(): Promise<PipelineStatus>;
}

export function stepContext(config: Config, store: CacheStore = fsCacheStore({ root: config.cache })): StepContext {
  return {
    store,
    format:
      config.format === 'cloudfront-standard'
        ? cloudfrontStandard({ keepClientIp: config.keepClientIp })
        : cloudfrontRealtime({ fields: config.fields, keepClientIp: config.keepClientIp }),
    clock: () => new Date(),
    lateness: config.latenessMinutes * 60_000,
    keepRaw: config.keepRaw,
    maxLineLength: config.maxLineLength,
    maxDecodedBytes: config.maxDecodedBytes,
    maxCompressionRatio: config.maxCompressionRatio,
  };
}

/**
 * Binds the steps to a configuration.
 *
 * @example
 * ```ts
 * import { cloudfrontService, loadConfig } from 'letsflow';
 * const service = cloudfrontService(await loadConfig({ source: './logs' }));
 * console.log(await service.status());
 * ```
 */
export function cloudfrontService(config: Config, ctx: StepContext = stepContext(config)): CloudFrontService {
  const listSource = async (): Promise<SourceObject[]> => {
    if (!existsSync(config.source)) {
      throw new ConfigError(`source folder ${resolve(config.source)} does not exist: run \`letsflow demo\` or set --source`);
    }
    return localObjects(config.source, { prefix: config.prefix, ...(config.archive !== undefined && { archiveFolder: config.archive }) });
  };

  return {
    ctx,
    listSource,
    run: async (onProgress) => runPipeline(await listSource(), ctx, onProgress ? { onProgress } : {}),
    async ingest() {
      const pending = pendingObjects(await listSource(), await listLedger(ctx.store));
      let quarantined = 0;
      for (const object of pending) if ((await ingestObject(object, { ...ctx, keepRaw: true }, { consolidate: false })).status === 'quarantined') quarantined++;
      return { ingested: pending.length - quarantined, quarantined };
    },
    async consolidate() {
      const todo = (await listLedger(ctx.store)).filter((e) => e.status === 'done' && !e.consolidated);
      for (const entry of todo) await consolidateObject(entry, ctx);
      return { consolidated: todo.length };
    },
    async aggregate() {
      const ledger = await listLedger(ctx.store);
      const pending = existsSync(config.source) ? pendingObjects(await listSource(), ledger).length : 0;
      return { ...(await aggregate(ctx, ledger, { pending })), pending };
    },
    async archive() {
      if (config.archive === undefined) throw new ConfigError('archive needs an archive folder: set --archive or LETSFLOW_ARCHIVE');
      return { archived: await archiveCommitted(await listSource(), await listLedger(ctx.store)) };
    },
    async status() {
      const [objects, ledger] = await Promise.all([listSource(), listLedger(ctx.store)]);
      const done = ledger.filter((e) => e.status === 'done');
      const pending = pendingObjects(objects, ledger);
      const newestListed = Math.max(0, ...objects.map((o) => o.arrivedAt));
      const oldestPending = Math.min(newestListed, ...pending.map((o) => o.arrivedAt));
      return {
        listed: objects.length,
        pending: pending.length,
        done: done.length,
        quarantined: ledger.length - done.length,
        events: done.reduce((n, e) => n + e.events, 0),
        parseErrors: done.reduce((n, e) => n + e.parse_errors, 0),
        lagSeconds: (newestListed - oldestPending) / 1000,
      };
    },
  };
}
