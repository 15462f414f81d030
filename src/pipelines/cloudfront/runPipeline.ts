import { defer, from, lastValueFrom, map, mergeMap, tap } from 'rxjs';
import type { SourceObject } from '../../sources/sourceObject.js';
import { aggregate, type AggregateOutcome } from './aggregateStep.js';
import { consolidateObject } from './consolidateStep.js';
import type { StepContext } from './context.js';
import type { LedgerEntry } from './documents.js';
import { ingestObject } from './ingest.js';
import { listLedger, pendingObjects } from './ledger.js';
import { objectId } from './layout.js';

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
}

/** Objects in flight at once: enough to hide store latency, few enough to keep memory flat. */
export const DEFAULT_CONCURRENCY = 4;

export interface RunOutcome {
  readonly listed: number;
  readonly processed: number;
  readonly quarantined: LedgerEntry[];
  readonly lines: number;
  readonly events: number;
  readonly parseErrors: number;
  readonly aggregate: AggregateOutcome;
}

/**
 * Runs every LETS step over a listing: ingests and consolidates each pending object in one
 * pass (objects already done are skipped, so a re-run only does new work), then aggregates.
 *
 * Quarantined objects do not stop the run; they are in the outcome. A store failure stops it
 * with the failing object still pending, so the next run picks it up.
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
  const processOne = async (object: SourceObject): Promise<LedgerEntry> => {
    const known = before.get(objectId(object));
    return known && known.object.etag === object.etag && known.status === 'done'
      ? consolidateObject(known, ctx)
      : ingestObject(object, ctx, { consolidate: true });
  };
  // A few objects in flight overlap one object's store writes with another's parsing.
  await lastValueFrom(
    from(pending).pipe(
      mergeMap((object) => defer(() => processOne(object)).pipe(map((entry) => ({ object, entry }))), options.concurrency ?? DEFAULT_CONCURRENCY),
      tap(({ object, entry }) => {
        if (entry.status === 'quarantined') quarantined.push(entry);
        lines += entry.lines;
        events += entry.events;
        parseErrors += entry.parse_errors;
        bytes += object.size;
        options.onProgress?.({ done: ++done, total: pending.length, events, bytes, object: entry.name });
      }),
    ),
    { defaultValue: undefined },
  );

  const outcome = await aggregate(ctx, await listLedger(ctx.store), { pending: 0 });
  return { listed: objects.length, processed: pending.length, quarantined, lines, events, parseErrors, aggregate: outcome };
}
