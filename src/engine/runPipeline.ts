import { defer, from, lastValueFrom, map, mergeMap, tap } from 'rxjs';
import { LetsflowError } from '../core/errors.js';
import type { TimedEvent } from '../core/summaryKind.js';
import { displayName, type SourceObject } from '../sources/sourceObject.js';
import { aggregate, type AggregateOutcome } from './aggregate.js';
import { consolidateObject } from './consolidateStep.js';
import type { StepContext, StoreAndLayout } from './definition.js';
import { LedgerEntrySchema, readJson, type LedgerEntry } from './documents.js';
import { ingestObject } from './ingest.js';
import { ledgerEntriesFor, pendingObjects, settles } from './ledger.js';
import { pendingAmong, recordSettled } from './settledIndex.js';
import { objectId, pipelineRefs } from './layout.js';
import { claimObject, releaseLease, renewLease } from './leases.js';

export interface RunProgress {
  readonly done: number;
  readonly total: number;
  readonly events: number;
  readonly bytes: number;
  readonly object: string;
}

export interface RunOptions {
  readonly onProgress?: (p: RunProgress) => void;
  readonly concurrency?: number;
  /**
   * Claim each object before working on it, so several workers can share one source: an
   * object another worker holds is skipped (and stays pending for this run's aggregate).
   */
  readonly lease?: LeaseOptions;
  /**
   * Objects listed but outside a bounded backfill (`--since/--until`): not processed, but while
   * not committed they block the windows they can reach, so a backfill in chunks finalises
   * exactly what a single run would.
   */
  readonly outside?: readonly SourceObject[];
}

export interface LeaseOptions {
  /** This worker's name, unique among the workers. */
  readonly owner: string;
  /** How long a claim lasts without renewal; a dead worker's objects are free again after it. */
  readonly ttlMs: number;
  /** Wall clock, epoch ms; injected so tests can let leases expire. */
  readonly now?: () => number;
}

/** Objects in flight at once: enough to hide store latency, few enough to keep memory flat. */
export const DEFAULT_CONCURRENCY = 4;

export interface RunOutcome {
  readonly listed: number;
  readonly processed: number;
  readonly quarantined: LedgerEntry[];
  /** Objects that could not be finished this time (S3 unreachable, a store write failing, replaced mid-read): still pending. */
  readonly failed: { readonly object: string; readonly code: string; readonly message: string }[];
  readonly lines: number;
  readonly events: number;
  readonly parseErrors: number;
  readonly aggregate: AggregateOutcome;
}

/**
 * Runs every LETS step over a listing: ingests and consolidates each pending object in one
 * pass (objects already done are skipped, so a re-run only does new work), then aggregates
 * what changed. It reads the ledger entries of the listed objects only, never the whole
 * ledger.
 *
 * Neither a quarantined object nor one that fails (S3 or the store unreachable after their
 * retries) stops the run: both are in the outcome, the failed one still pending, so the next
 * run picks it up. Only a programming error stops it.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, fsCacheStore, localObjects, runPipeline, stepContextFor } from 'letsflow';
 * const ctx = stepContextFor(cloudfrontPipeline, fsCacheStore({ root: '.letsflow/cache' }));
 * const outcome = await runPipeline(await localObjects('./logs'), ctx);
 * console.log(outcome.events, 'events;', outcome.aggregate.final, 'final windows');
 * ```
 * @param objects the source listing
 * @param ctx pipeline, store, format, clock and options
 * @param options.onProgress called after each object
 * @param options.concurrency objects in flight at once
 * @param options.lease claim objects first, to share the source with other workers
 * @param options.outside objects a bounded backfill leaves out
 * @returns counts of what was done
 */
export async function runPipeline<E extends TimedEvent, S>(objects: readonly SourceObject[], ctx: StepContext<E, S>, options: RunOptions = {}): Promise<RunOutcome> {
  const { namespaces } = ctx.pipeline;
  const { pending, known: before } = await pendingAmong(ctx.store, namespaces, objects);
  const settled = new Set<string>();
  const quarantined: LedgerEntry[] = [];
  let lines = 0;
  let events = 0;
  let parseErrors = 0;
  let bytes = 0;

  let done = 0;
  const work = (object: SourceObject, known: LedgerEntry | undefined): Promise<LedgerEntry> =>
    known && known.object.etag === object.etag && known.status === 'done' ? consolidateObject(known, ctx) : ingestObject(object, ctx, { consolidate: true });
  const failed: RunOutcome['failed'][number][] = [];
  const processOne = async (object: SourceObject): Promise<LedgerEntry | undefined> => {
    try {
      return await claimAndWork(object);
    } catch (error) {
      // One object's outage must not cost the others; it stays pending for the next run.
      if (!(error instanceof LetsflowError)) throw error;
      failed.push({ object: displayName(object), code: error.code, message: error.message });
      return undefined;
    }
  };
  const claimAndWork = async (object: SourceObject): Promise<LedgerEntry | undefined> => {
    if (!options.lease) return work(object, before.get(objectId(object)));
    return withLease(ctx, object, options.lease, async () => {
      // Another worker may have finished the object between our listing and our claim.
      const known = await readJson(ctx.store, pipelineRefs(namespaces).ledger(objectId(object)), LedgerEntrySchema);
      if (!settles(known, object)) return work(object, known);
      settled.add(objectId(object));
      return undefined;
    });
  };
  // A few objects in flight overlap one object's store writes with another's parsing.
  await lastValueFrom(
    from(pending).pipe(
      mergeMap((object) => defer(() => processOne(object)).pipe(map((entry) => ({ object, entry }))), options.concurrency ?? DEFAULT_CONCURRENCY),
      tap(({ object, entry }) => {
        if (!entry) return;
        settled.add(objectId(object));
        if (entry.status === 'quarantined') quarantined.push(entry);
        lines += entry.lines;
        events += entry.events;
        parseErrors += entry.parse_errors;
        bytes += object.size;
        done++;
        options.onProgress?.({ done, total: pending.length, events, bytes, object: entry.name });
      }),
    ),
    { defaultValue: undefined },
  );

  const outside = options.outside?.length ? pendingObjects(options.outside, await ledgerEntriesFor(ctx.store, namespaces, options.outside)) : [];
  const unfinished = pending.filter((o) => !settled.has(objectId(o)));
  const outcome = await aggregate(ctx, { pending: [...unfinished, ...outside] });
  await recordSettled(ctx.store, namespaces, objects, unfinished);
  return { listed: objects.length, processed: done, quarantined, failed, lines, events, parseErrors, aggregate: outcome };
}

/**
 * Runs `work` holding the object's lease, renewing it at a third of its life; `undefined`
 * when another worker holds it. The lease is released however the work ends.
 */
async function withLease<T>(ctx: StoreAndLayout, object: SourceObject, lease: LeaseOptions, work: () => Promise<T | undefined>): Promise<T | undefined> {
  const now = lease.now ?? Date.now;
  const id = objectId(object);
  const held = await claimObject(ctx.store, pipelineRefs(ctx.pipeline.namespaces).lease(id), id, lease.owner, lease.ttlMs, now());
  if (!held) return undefined;
  const heartbeat = setInterval(() => {
    renewLease(ctx.store, held, lease.ttlMs, now()).catch(() => undefined); // a lost lease only means duplicate, identical work
  }, lease.ttlMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    await releaseLease(ctx.store, held);
  }
}
