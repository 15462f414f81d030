import { defer, from, lastValueFrom, map, mergeMap, tap } from 'rxjs';
import { LetsflowError } from '../../core/errors.js';
import { displayName, type SourceObject } from '../../sources/sourceObject.js';
import { aggregate, type AggregateOutcome } from './aggregateStep.js';
import { consolidateObject } from './consolidateStep.js';
import type { StepContext } from './context.js';
import { LedgerEntrySchema, readJson, type LedgerEntry } from './documents.js';
import { ingestObject } from './ingest.js';
import { listLedger, pendingObjects } from './ledger.js';
import { objectId, refs } from './layout.js';
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
 * pass (objects already done are skipped, so a re-run only does new work), then aggregates.
 *
 * Neither a quarantined object nor one that fails (S3 or the store unreachable after their
 * retries) stops the run: both are in the outcome, the failed one still pending, so the next
 * run picks it up. Only a programming error stops it.
 *
 * @example
 * ```ts
 * import { cloudfrontRealtime, fsCacheStore, localObjects, runPipeline } from 'letsflow';
 * const ctx = { store: fsCacheStore({ root: '.letsflow/cache' }), format: cloudfrontRealtime({}),
 *   clock: () => new Date(), lateness: 900_000, keepRaw: true };
 * const outcome = await runPipeline(await localObjects('./logs'), ctx);
 * console.log(outcome.events, 'events;', outcome.aggregate.final, 'final windows');
 * ```
 * @param objects the source listing
 * @param ctx store, format, clock and options
 * @param options.onProgress called after each object
 * @param options.concurrency objects in flight at once
 * @returns counts of what was done
 */
export async function runPipeline(objects: readonly SourceObject[], ctx: StepContext, options: RunOptions = {}): Promise<RunOutcome> {
  const before = new Map((await listLedger(ctx.store)).map((e) => [objectId(e.object), e]));
  const pending = pendingObjects(objects, [...before.values()]);
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
      const known = await readJson(ctx.store, refs.ledger(objectId(object)), LedgerEntrySchema);
      return pendingObjects([object], known ? [known] : []).length === 0 ? undefined : work(object, known);
    });
  };
  // A few objects in flight overlap one object's store writes with another's parsing.
  await lastValueFrom(
    from(pending).pipe(
      mergeMap((object) => defer(() => processOne(object)).pipe(map((entry) => ({ object, entry }))), options.concurrency ?? DEFAULT_CONCURRENCY),
      tap(({ object, entry }) => {
        if (!entry) return;
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

  const ledger = await listLedger(ctx.store);
  const outcome = await aggregate(ctx, ledger, { pending: pendingObjects(objects, ledger).length });
  return { listed: objects.length, processed: done, quarantined, failed, lines, events, parseErrors, aggregate: outcome };
}

/**
 * Runs `work` holding the object's lease, renewing it at a third of its life; `undefined`
 * when another worker holds it. The lease is released however the work ends.
 */
async function withLease<T>(ctx: StepContext, object: SourceObject, lease: LeaseOptions, work: () => Promise<T | undefined>): Promise<T | undefined> {
  const now = lease.now ?? Date.now;
  const held = await claimObject(ctx.store, objectId(object), lease.owner, lease.ttlMs, now());
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
