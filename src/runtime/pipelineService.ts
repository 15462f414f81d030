import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { aggregate, type AggregateOutcome } from '../engine/aggregate.js';
import { archiveCommitted } from '../engine/archiveStep.js';
import { listChanges } from '../engine/changes.js';
import { consolidateObject } from '../engine/consolidateStep.js';
import type { AnyPipeline, FinalityPolicy, StepContext } from '../engine/definition.js';
import { LedgerEntrySchema, readJson } from '../engine/documents.js';
import { ingestObject } from '../engine/ingest.js';
import { pipelineRefs } from '../engine/layout.js';
import { ledgerEntriesFor, listLedger, pendingObjects } from '../engine/ledger.js';
import { runPipeline, type RunOutcome, type RunProgress } from '../engine/runPipeline.js';
import { pipelineNamed } from '../pipelines/registry.js';
import type { CacheStore } from '../sinks/cacheStore.js';
import { fsCacheStore } from '../sinks/fsCacheStore.js';
import { s3CacheStore } from '../sinks/s3CacheStore.js';
import { localObjects } from '../sources/localObjects.js';
import { s3Client } from '../sources/s3Client.js';
import type { S3ArchiveMode } from '../sources/s3Object.js';
import { s3Objects } from '../sources/s3Objects.js';
import type { SourceObject } from '../sources/sourceObject.js';
import type { Config } from './config.js';
import { parseLocation } from './location.js';

export interface PipelineStatus {
  readonly listed: number;
  readonly pending: number;
  readonly done: number;
  readonly quarantined: number;
  readonly events: number;
  readonly parseErrors: number;
  /** Events that reached a window after it was final: recorded in the late-events namespace, never merged. */
  readonly lateEvents: number;
  /** How far the oldest pending object arrived before the newest one, in seconds; 0 when nothing is pending. */
  readonly lagSeconds: number;
}

/** A listing: the objects to work on, and those a bounded backfill leaves out (they still block finality). */
export interface Listing {
  readonly objects: SourceObject[];
  readonly outside: SourceObject[];
}

/**
 * A pipeline's LETS steps bound to one configuration: the source, the store and the format.
 * The CLI and `serve` both drive the pipeline through it, so a step means the same thing
 * from a terminal, a schedule or an HTTP call.
 */
export interface PipelineService {
  readonly ctx: StepContext;
  listSource(): Promise<Listing>;
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
  return location.kind === 'folder' ? fsCacheStore({ root: location.path, durable: config.durable }) : s3CacheStore({ bucket: location.bucket, prefix: location.prefix, client: clientFor(config) });
}

/** Lists the configured source: a folder read like a bucket, or a bucket under a prefix (bounded by since/until). */
export async function listSourceFor(config: Config): Promise<Listing> {
  const location = parseLocation(config.source, 'source');
  if (location.kind === 's3') {
    const archive: S3ArchiveMode | undefined = config.archive === undefined ? undefined : config.archive === 'tag' ? { mode: 'tag' } : { mode: 'move', prefix: config.archive };
    if (archive?.mode === 'move' && archive.prefix.startsWith(location.prefix)) {
      throw new ConfigError(`archive prefix '${archive.prefix}' is inside the source prefix '${location.prefix}', so archived objects would be listed again`);
    }
    const outside: SourceObject[] = [];
    const objects = await s3Objects({
      bucket: location.bucket,
      prefix: location.prefix,
      client: clientFor(config),
      ...(config.since !== undefined && { since: config.since }),
      ...(config.until !== undefined && { until: config.until }),
      ...(archive !== undefined && { archive }),
      onOutside: (o) => outside.push(o),
    });
    return { objects, outside };
  }
  if (!existsSync(location.path)) {
    throw new ConfigError(`source folder ${resolve(location.path)} does not exist: run \`letsflow demo\` or set --source`);
  }
  if (!statSync(location.path).isDirectory()) {
    throw new ConfigError(`source ${resolve(location.path)} is a file, not a folder: set --source to the folder that holds the log objects`);
  }
  const outside: SourceObject[] = [];
  const objects = await localObjects(location.path, {
    prefix: config.prefix,
    ...(config.archive !== undefined && { archiveFolder: config.archive }),
    ...(config.since !== undefined && { since: config.since }),
    ...(config.until !== undefined && { until: config.until }),
    onOutside: (o) => outside.push(o),
  });
  return { objects, outside };
}

/** Whether objects are claimed before work: asked for, or by default when the source is a bucket (where several workers meet). */
export function usesLeases(config: Config): boolean {
  return config.lease ?? parseLocation(config.source, 'source').kind === 's3';
}

/** The configured finality policy: the pipeline's defaults, overridden where configured. */
export function finalityFor(config: Config, pipeline: AnyPipeline): FinalityPolicy {
  const base = pipeline.finality;
  const horizonMs = config.horizonDays === undefined ? base.horizonMs : config.horizonDays * 86_400_000;
  return {
    latenessMs: config.latenessMinutes === undefined ? base.latenessMs : config.latenessMinutes * 60_000,
    idleMs: config.idleMinutes === undefined ? base.idleMs : config.idleMinutes * 60_000,
    skewMs: config.clockSkewMinutes === undefined ? base.skewMs : config.clockSkewMinutes * 60_000,
    ...(horizonMs !== undefined && { horizonMs }),
  };
}

/** The step context of the configured pipeline and source type (or `sourceType`), on `store`. */
export function stepContext(config: Config, store: CacheStore = cacheStoreFor(config), sourceType?: string): StepContext {
  const pipeline = pipelineNamed(config.pipeline);
  const type = sourceType ?? config.format ?? pipeline.defaultFormat;
  const makeFormat = Object.hasOwn(pipeline.formats, type) ? pipeline.formats[type] : undefined;
  if (makeFormat === undefined) {
    throw new ConfigError(`pipeline ${pipeline.name} reads no source type ${JSON.stringify(type)}; its types: ${Object.keys(pipeline.formats).join(', ')}`);
  }
  return {
    pipeline,
    store,
    format: makeFormat({ keepClientIp: config.keepClientIp, keepCookies: config.keepCookies, queryStrings: config.queryStrings, fields: config.fields }),
    clock: () => new Date(),
    finality: finalityFor(config, pipeline),
    keepRaw: config.keepRaw,
    maxLineLength: config.maxLineLength,
    maxDecodedBytes: config.maxDecodedBytes,
    maxCompressionRatio: config.maxCompressionRatio,
  };
}

/**
 * Binds the steps of the configured pipeline to a configuration.
 *
 * @example
 * ```ts
 * import { pipelineService, loadConfig } from 'letsflow';
 * const service = pipelineService(await loadConfig({ source: './logs' }));
 * console.log(await service.status());
 * ```
 */
export function pipelineService(config: Config, ctx: StepContext = stepContext(config)): PipelineService {
  const listSource = (): Promise<Listing> => listSourceFor(config);
  const lease = usesLeases(config) ? { lease: { owner: `${hostname()}-${process.pid}`, ttlMs: config.leaseTtlSeconds * 1000 } } : {};
  const { namespaces } = ctx.pipeline;
  /** The listed objects not settled in the ledger, and those a bounded backfill left out. */
  const pendingOf = async (listing: Listing): Promise<SourceObject[]> => {
    const all = [...listing.objects, ...listing.outside];
    return pendingObjects(all, await ledgerEntriesFor(ctx.store, namespaces, all));
  };

  return {
    ctx,
    listSource,
    async run(onProgress) {
      const { objects, outside } = await listSource();
      return runPipeline(objects, ctx, { ...lease, outside, ...(onProgress && { onProgress }) });
    },
    async ingest() {
      const { objects } = await listSource();
      const pending = pendingObjects(objects, await ledgerEntriesFor(ctx.store, namespaces, objects));
      let quarantined = 0;
      for (const object of pending) if ((await ingestObject(object, { ...ctx, keepRaw: true }, { consolidate: false })).status === 'quarantined') quarantined++;
      return { ingested: pending.length - quarantined, quarantined };
    },
    async consolidate() {
      // The change markers name every object ingested since the last aggregate: those not consolidated yet are the work.
      let consolidated = 0;
      for (const { change } of await listChanges(ctx.store, namespaces)) {
        if (change.object_id === null) continue;
        const entry = await readJson(ctx.store, pipelineRefs(namespaces).ledger(change.object_id), LedgerEntrySchema);
        if (entry?.status !== 'done' || entry.consolidated || entry.object.etag !== change.etag) continue;
        await consolidateObject(entry, ctx);
        consolidated++;
      }
      return { consolidated };
    },
    async aggregate() {
      const pending = await pendingOf(await listSource());
      return { ...(await aggregate(ctx, { pending })), pending: pending.length };
    },
    async archive() {
      if (config.archive === undefined) throw new ConfigError('archive needs a destination: set --archive (a folder, or for S3 a key prefix or "tag") or LETSFLOW_ARCHIVE');
      const { objects } = await listSource();
      return { archived: await archiveCommitted(objects, await ledgerEntriesFor(ctx.store, namespaces, objects)) };
    },
    async status() {
      const [{ objects }, ledger] = await Promise.all([listSource(), listLedger(ctx.store, namespaces)]);
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
        lateEvents: await countLateEvents(ctx.store, namespaces.late),
        lagSeconds: (newestListed - oldestPending) / 1000,
      };
    },
  };
}

const LateRecordSchema = z.object({ late_events: z.number().int().nonnegative() }).passthrough();

/** The events recorded as late in `namespace`: the sum of its documents' `late_events`, not the number of documents. */
export async function countLateEvents(store: CacheStore, namespace: string): Promise<number> {
  let late = 0;
  for (const key of await store.list(namespace, 'json')) {
    late += (await readJson(store, { namespace, key, fileType: 'json' }, LateRecordSchema))?.late_events ?? 0;
  }
  return late;
}
