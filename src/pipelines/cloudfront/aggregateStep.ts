import { describeSummary } from '../../core/describeSummary.js';
import { childPeriod, childStarts, parseTimeKey, timeKey, windowEnd, windowsBetween, windowStart, type Period } from '../../core/periods.js';
import { emptySummary, mergeAll, summaryFromJson, summaryToJson, type Summary } from '../../core/summary.js';
import type { Finality } from '../../core/windowResult.js';
import type { StepContext } from './context.js';
import { z } from 'zod';
import { AggregateDocSchema, PartialDocSchema, readJson, readStoredJson, writeJsonIfChanged, type LedgerEntry, type StoredJson } from './documents.js';
import { objectId, refs } from './layout.js';

export interface AggregateOutcome {
  /** Windows whose stored aggregate changed. */
  readonly written: number;
  /** Windows examined, final or not. */
  readonly windows: number;
  readonly final: number;
  readonly partial: number;
  /** Events of objects that arrived after their window was final (recorded, not merged). */
  readonly lateEvents: number;
  /** Newest event time minus lateness; `null` while objects are pending or nothing is ingested. */
  readonly watermark: number | null;
}

interface Computed {
  readonly status: Finality;
  readonly summary: Summary;
}

/**
 * Computes the 30-minute, hourly, daily and monthly aggregates from the consolidated partials.
 *
 * A 30-minute window is final once the watermark (newest ingested event minus lateness)
 * has passed its end and no object is pending; a parent is final when all its children are.
 * Every window from the first with data to the newest exists, empty or not. A final aggregate
 * is never recomputed; partial ones are recomputed, and written only when they changed, so a
 * re-run over the same inputs changes no byte. Partials that reach an already final window
 * are recorded under `sa-late-events`, never merged.
 *
 * @example
 * ```ts
 * import { aggregate, listLedger } from 'letsflow';
 * const outcome = await aggregate(ctx, await listLedger(ctx.store), { pending: 0 });
 * console.log(outcome.final, 'final windows');
 * ```
 * @param ctx store, clock and lateness
 * @param ledger every ledger entry
 * @param options.pending how many listed source objects are not yet done
 * @returns what was computed
 */
export async function aggregate(ctx: StepContext, ledger: readonly LedgerEntry[], options: { pending: number }): Promise<AggregateOutcome> {
  const done = ledger.filter((e) => e.status === 'done' && e.consolidated && e.min_event_time !== null);
  const unconsolidated = ledger.filter((e) => e.status === 'done' && !e.consolidated).length;
  if (done.length === 0) return { written: 0, windows: 0, final: 0, partial: 0, lateEvents: 0, watermark: null };

  const contributors = new Map<string, string[]>();
  for (const entry of done) {
    for (const key of Object.keys(entry.windows)) contributors.set(key, [...(contributors.get(key) ?? []), objectId(entry.object)]);
  }
  const origin = windowStart('30min', Math.min(...done.map((e) => e.min_event_time!)));
  const newest = Math.max(...done.map((e) => e.max_event_time!));
  const settled = options.pending === 0 && unconsolidated === 0;
  const watermark = settled ? newest - ctx.lateness : null;
  const counts = { written: 0, windows: 0, final: 0, partial: 0, lateEvents: 0 };
  const computedAt = ctx.clock().toISOString();

  /**
   * Stores a window's result and returns what now stands in the store: when a concurrent
   * worker wrote the window first, its entry wins and parents are computed from that, so a
   * parent is never made final over a child that is stored partial.
   */
  const store = async (period: Period, start: number, result: Computed, sources: string[], basis: StoredJson<unknown> | undefined): Promise<Computed> => {
    const doc = {
      period,
      time_key: timeKey(period, start),
      status: result.status,
      computed_at: computedAt,
      period_start: new Date(start).toISOString(),
      period_end: new Date(windowEnd(period, start)).toISOString(),
      source_count: sources.length,
      sources_final: result.status === 'final',
      sources,
      ...describeSummary(result.summary),
      summary: summaryToJson(result.summary),
    };
    const outcome = await writeJsonIfChanged(ctx.store, refs.aggregate(period, start), doc, basis, ['computed_at']);
    if (outcome === 'written') counts.written++;
    if (outcome !== 'conflict') return result;
    const stood = await readJson(ctx.store, refs.aggregate(period, start), AggregateDocSchema);
    return stood ? { status: stood.status, summary: summaryFromJson(stood.summary) } : { ...result, status: 'partial' };
  };

  const tally = (result: Computed): Computed => {
    counts.windows++;
    counts[result.status]++;
    return result;
  };

  const thirtyMinutes = async (start: number): Promise<Computed> => {
    const key = timeKey('30min', start);
    const ids = (contributors.get(key) ?? []).sort();
    const existing = await readStoredJson(ctx.store, refs.aggregate('30min', start), AggregateDocSchema);
    if (existing?.value.status === 'final') return tally({ status: 'final', summary: summaryFromJson(existing.value.summary) });
    const summaries: Summary[] = [];
    for (const id of ids) {
      const partial = await readJson(ctx.store, refs.partial(start, id), PartialDocSchema);
      if (!partial) throw new Error(`consolidated partial ${refs.partial(start, id).key} is missing; run consolidate again`);
      summaries.push(summaryFromJson(partial.summary));
    }
    const status: Finality = watermark !== null && windowEnd('30min', start) <= watermark ? 'final' : 'partial';
    return tally(await store('30min', start, { status, summary: mergeAll(summaries) }, ids, existing));
  };

  const parent = async (period: Period, start: number, child: (start: number) => Promise<Computed | undefined>): Promise<Computed> => {
    const existing = await readStoredJson(ctx.store, refs.aggregate(period, start), AggregateDocSchema);
    if (existing?.value.status === 'final') return tally({ status: 'final', summary: summaryFromJson(existing.value.summary) });
    const children: Computed[] = [];
    const names: string[] = [];
    for (const s of childStarts(period, start)) {
      const c = await child(s);
      if (c) {
        children.push(c);
        names.push(timeKey(childPeriod(period)!, s));
      }
    }
    // Children before the first data are empty and final; children not reached yet are missing.
    const expected = childStarts(period, start).filter((s) => windowEnd(childPeriod(period)!, s) > origin).length;
    const status: Finality = children.length === expected && children.every((c) => c.status === 'final') ? 'final' : 'partial';
    return tally(await store(period, start, { status, summary: children.length ? mergeAll(children.map((c) => c.summary)) : emptySummary() }, names, existing));
  };

  const last = windowStart('30min', newest);
  const inRange = (s: number): boolean => windowEnd('30min', s) > origin && s <= last;
  for (const month of windowsBetween('monthly', origin, last + 1)) {
    await parent('monthly', month, (day) =>
      windowEnd('daily', day) > origin && day <= last
        ? parent('daily', day, (hour) =>
            windowEnd('hourly', hour) > origin && hour <= last ? parent('hourly', hour, (s) => (inRange(s) ? thirtyMinutes(s) : Promise.resolve(undefined))) : Promise.resolve(undefined),
          )
        : Promise.resolve(undefined),
    );
  }
  // Late objects can reach windows under a final parent, which the walk above does not open.
  for (const [key, ids] of contributors) {
    const start = parseTimeKey('30min', key)!;
    const existing = await readJson(ctx.store, refs.aggregate('30min', start), AggregateDocSchema);
    if (existing?.status === 'final') await recordLate(ctx, start, ids.filter((id) => !existing.sources.includes(id)).sort(), counts);
  }
  return { ...counts, watermark };
}

async function recordLate(ctx: StepContext, start: number, lateIds: string[], counts: { lateEvents: number }): Promise<void> {
  if (lateIds.length === 0) return;
  const sources: { object_id: string; events: number }[] = [];
  for (const id of lateIds) {
    const partial = await readJson(ctx.store, refs.partial(start, id), PartialDocSchema);
    sources.push({ object_id: id, events: partial ? summaryFromJson(partial.summary).requests : 0 });
  }
  const events = sources.reduce((n, s) => n + s.events, 0);
  counts.lateEvents += events;
  const doc = { period: '30min', time_key: timeKey('30min', start), late_events: events, sources };
  await writeJsonIfChanged(ctx.store, refs.late(start), doc, await readStoredJson(ctx.store, refs.late(start), z.unknown()));
}
