import { existsSync } from 'node:fs';
import { z } from 'zod';
import { readJson } from '../pipelines/cloudfront/documents.js';
import { NAMESPACES } from '../pipelines/cloudfront/layout.js';
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
import { s3Client } from '../sources/s3Client.js';
import type { S3ArchiveMode } from '../sources/s3Object.js';
import { s3Objects } from '../sources/s3Objects.js';
import { s3CacheStore } from '../sinks/s3CacheStore.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { hostname } from 'node:os';
import { parseLocation } from './location.js';
import type { SourceObject } from '../sources/sourceObject.js';
import type { Config } from './config.js';

export interface PipelineStatus {
  readonly listed: number;
  readonly pending: number;
  readonly done: number;
  readonly quarantined: number;
  readonly events: number;
  readonly parseErrors: number;
  /** Events that reached a window after it was final: recorded in sa-late-events, never merged. */
  readonly lateEvents: number;
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

/** The S3 client for the configured region and endpoint; credentials only from the SDK's default chain. */
export function clientFor(config: Config): S3Client {
  // An S3-compatible endpoint rarely cares about the region, but the SDK insists on one.
  const region = config.region ?? (config.endpoint !== undefined ? 'us-east-1' : undefined);
  return s3Client({ ...(region !== undefined && { region }), ...(config.endpoint !== undefined && { endpoint: config.endpoint }) });
}

/** The configured cache store: a folder, or a bucket. */
export function cacheStoreFor(config: Config): CacheStore {
  const location = parseLocation(config.cache, 'cache');
  return location.kind === 'folder' ? fsCacheStore({ root: location.path }) : s3CacheStore({ bucket: location.bucket, prefix: location.prefix, client: clientFor(config) });
}

/** Lists the configured source: a folder read like a bucket, or a bucket under a prefix. */
export async function listSourceFor(config: Config): Promise<SourceObject[]> {
  const location = parseLocation(config.source, 'source');
  if (location.kind === 's3') {
    const archive: S3ArchiveMode | undefined = config.archive === undefined ? undefined : config.archive === 'tag' ? { mode: 'tag' } : { mode: 'move', prefix: config.archive };
    if (archive?.mode === 'move' && archive.prefix.startsWith(location.prefix)) {
      throw new ConfigError(`archive prefix '${archive.prefix}' is inside the source prefix '${location.prefix}', so archived objects would be listed again`);
    }
    return s3Objects({
      bucket: location.bucket,
      prefix: location.prefix,
      client: clientFor(config),
      ...(config.since !== undefined && { since: config.since }),
      ...(config.until !== undefined && { until: config.until }),
      ...(archive !== undefined && { archive }),
    });
  }
  if (!existsSync(location.path)) {
    throw new ConfigError(`source folder ${resolve(location.path)} does not exist: run \`letsflow demo\` or set --source`);
  }
  return localObjects(location.path, { prefix: config.prefix, ...(config.archive !== undefined && { archiveFolder: config.archive }) });
}

/** Whether objects are claimed before work: asked for, or by default when the source is a bucket (where several workers meet). */
export function usesLeases(config: Config): boolean {
  return config.lease ?? parseLocation(config.source, 'source').kind === 's3';
}

export function stepContext(config: Config, store: CacheStore = cacheStoreFor(config)): StepContext {
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
  const listSource = (): Promise<SourceObject[]> => listSourceFor(config);
  const lease = usesLeases(config) ? { lease: { owner: `${hostname()}-${process.pid}`, ttlMs: config.leaseTtlSeconds * 1000 } } : {};

  return {
    ctx,
    listSource,
    run: async (onProgress) => runPipeline(await listSource(), ctx, { ...lease, ...(onProgress && { onProgress }) }),
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
      const pending = pendingObjects(await listSource(), ledger).length;
      return { ...(await aggregate(ctx, ledger, { pending })), pending };
    },
    async archive() {
      if (config.archive === undefined) throw new ConfigError('archive needs a destination: set --archive (a folder, or for S3 a key prefix or "tag") or LETSFLOW_ARCHIVE');
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
        lateEvents: await countLateEvents(ctx.store),
        lagSeconds: (newestListed - oldestPending) / 1000,
      };
    },
  };
}

const LateRecordSchema = z.object({ late_events: z.number().int().nonnegative() }).passthrough();

async function countLateEvents(store: CacheStore): Promise<number> {
  let late = 0;
  for (const key of await store.list(NAMESPACES.late, 'json')) {
    late += (await readJson(store, { namespace: NAMESPACES.late, key, fileType: 'json' }, LateRecordSchema))?.late_events ?? 0;
  }
  return late;
}
