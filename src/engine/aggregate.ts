import { z } from 'zod';
import { parseTimeKey, PERIODS, timeKey, windowStart, type Period } from '../core/periods.js';
import { mergeAllOf, type TimedEvent } from '../core/summaryKind.js';
import type { Finality } from '../core/windowResult.js';
import type { ObjectIdentity } from '../sources/sourceObject.js';
import { listChanges, removeChange, type ListedChange } from './changes.js';
import type { StepContext, StoreAndLayout } from './definition.js';
import { AggregateDocSchema, LedgerEntrySchema, PartialDocSchema, readJson, readStoredJson, writeJsonIfChanged, type StoredJson } from './documents.js';
import { blockerFor, compactBlockers, impliedFinal, watermarkOf, type Blocker } from './finality.js';
import { pipelineRefs } from './layout.js';
import { windowDoc } from './windowDoc.js';
import { settles } from './ledger.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';

export interface AggregateOutcome {
  /** Windows whose stored aggregate changed. */
  readonly written: number;
  /** Windows examined: those with new data and those still partial. */
  readonly windows: number;
  readonly final: number;
  readonly partial: number;
  /** Events of objects that arrived after their window was final (recorded, not merged). */
  readonly lateEvents: number;
  /** Newest event time capped by the wall clock (or advanced by it when idle), less lateness; `null` before any data. */
  readonly watermark: number | null;
}

interface Computed<S> {
  readonly status: Finality;
  readonly summary: S;
}

/** A window by period and start; keys of sets as `30min/2026-02-16-1430`. */
const nameOf = (period: Period, start: number): string => `${period}/${timeKey(period, start)}`;
function parseName(name: string): { period: Period; start: number } | undefined {
  const [period, key] = name.split('/') as [Period, string | undefined];
  if (!PERIODS.includes(period) || key === undefined) return undefined;
  const start = parseTimeKey(period, key);
  return start === undefined ? undefined : { period, start };
}

/** The key prefix of a window's children in the aggregate namespace: `30min/2026-02-16-14`, `hourly/2026-02-16-`, `daily/2026-02-`. */
const childPrefix = (period: Period, start: number): string =>
  period === 'hourly' ? `30min/${timeKey('hourly', start)}` : `${period === 'daily' ? 'hourly' : 'daily'}/${timeKey(period, start)}-`;

/**
 * Folds what changed since the last run into the 30-minute, hourly, daily and monthly
 * aggregates. Reads the change markers (the commit log), the windows they touch, the windows
 * its checkpoint holds as still partial, and their ancestors — never every ledger entry nor
 * every window of history — so its cost follows new data, not history or calendar span.
 *
 * Only windows with data are stored (an empty window is answered from its time, never
 * written). A 30-minute window is final when its end plus lateness is behind the watermark
 * and no pending object can hold its events (see `blockerFor`); a parent is final when its
 * own time says so and every stored child is final. A final aggregate is never recomputed;
 * partial ones are, and written only when they changed, so a re-run changes no byte. Partials
 * that reach a final window are recorded as late events, never merged.
 *
 * @example
 * ```ts
 * import { aggregate } from 'letsflow';
 * const outcome = await aggregate(ctx, { pending: [] });
 * console.log(outcome.final, 'final windows');
 * ```
 * @param ctx pipeline, store, clock and finality policy
 * @param options.pending listed objects not yet committed: they block the windows they can reach
 * @returns what was computed
 */
export async function aggregate<E extends TimedEvent, S>(
  ctx: StepContext<E, S>,
  options: { pending: readonly Pick<ObjectIdentity, 'key'>[] },
): Promise<AggregateOutcome> {
  const { summary: kind, namespaces } = ctx.pipeline;
  const refs = pipelineRefs(namespaces);
  const checkpoint = await readCheckpoint(ctx.store, namespaces);
  const changes = await listChanges(ctx.store, namespaces);
  const { applied, dirty, blockers, newest } = await foldChanges(ctx, changes, checkpoint.value.newest_event_time);
  for (const object of options.pending) blockers.push(blockerFor(object.key, ctx.finality));

  const now = ctx.clock().getTime();
  const watermark = watermarkOf(newest, now, ctx.finality);
  const blocked = compactBlockers(blockers);
  const final = (period: Period, start: number): boolean => impliedFinal(period, start, watermark, blocked);
  const counts = { written: 0, windows: 0, final: 0, partial: 0, lateEvents: 0 };
  const computedAt = ctx.clock().toISOString();
  const stillOpen = new Set<string>();

  /**
   * Stores a window's result and returns what now stands in the store: when a concurrent
   * worker wrote the window first, its entry wins and parents are computed from that, so a
   * parent is never made final over a child that is stored partial.
   */
  const store = async (period: Period, start: number, result: Computed<S>, sources: string[], basis: StoredJson<unknown> | undefined): Promise<Computed<S>> => {
    const doc = windowDoc(kind, { period, start, ...result }, sources, computedAt);
    const outcome = await writeJsonIfChanged(ctx.store, refs.aggregate(period, start), doc, basis, ['computed_at']);
    if (outcome === 'written') counts.written++;
    if (outcome !== 'conflict') return result;
    const stood = await readJson(ctx.store, refs.aggregate(period, start), AggregateDocSchema);
    return stood ? { status: stood.status, summary: kind.fromJson(stood.summary) } : { ...result, status: 'partial' };
  };
  const tally = (name: string, status: Finality): void => {
    counts.windows++;
    counts[status]++;
    if (status === 'partial') stillOpen.add(name);
  };

  const thirtyMinutes = async (start: number, isDirty: boolean): Promise<void> => {
    const existing = await readStoredJson(ctx.store, refs.aggregate('30min', start), AggregateDocSchema);
    const ids = await contributors(ctx, start);
    if (existing?.value.status === 'final') {
      if (isDirty) counts.lateEvents += await recordLate(ctx, start, ids.filter((id) => !existing.value.sources.includes(id)));
      return tally(nameOf('30min', start), 'final');
    }
    if (ids.length === 0) {
      // Every partial of it was withdrawn (a replaced object): an empty window is not stored.
      if (existing) await ctx.store.remove(refs.aggregate('30min', start));
      return;
    }
    const summaries: S[] = [];
    for (const id of ids) {
      const partial = await readJson(ctx.store, refs.partial(start, id), PartialDocSchema);
      if (partial) summaries.push(kind.fromJson(partial.summary));
    }
    const status: Finality = final('30min', start) ? 'final' : 'partial';
    const stood = await store('30min', start, { status, summary: mergeAllOf(kind, summaries) }, ids, existing);
    tally(nameOf('30min', start), stood.status);
  };

  const parent = async (period: Period, start: number): Promise<void> => {
    const existing = await readStoredJson(ctx.store, refs.aggregate(period, start), AggregateDocSchema);
    if (existing?.value.status === 'final') return tally(nameOf(period, start), 'final');
    const names = await ctx.store.list(namespaces.aggregate, 'json', childPrefix(period, start));
    const children: Computed<S>[] = [];
    for (const name of names) {
      const doc = await readJson(ctx.store, { namespace: namespaces.aggregate, key: name, fileType: 'json' }, AggregateDocSchema);
      if (doc) children.push({ status: doc.status, summary: kind.fromJson(doc.summary) });
    }
    if (children.length === 0) {
      if (existing) await ctx.store.remove(refs.aggregate(period, start));
      return;
    }
    const status: Finality = final(period, start) && children.every((c) => c.status === 'final') ? 'final' : 'partial';
    const stood = await store(period, start, { status, summary: mergeAllOf(kind, children.map((c) => c.summary)) }, names, existing);
    tally(nameOf(period, start), stood.status);
  };

  // Finest first: each level's windows are settled before the parents that read them.
  let level = new Set([...dirty, ...checkpoint.value.open.filter((n) => n.startsWith('30min/'))]);
  for (const name of [...level].sort()) await thirtyMinutes(parseName(name)!.start, dirty.has(name));
  for (const period of ['hourly', 'daily', 'monthly'] as const) {
    const parents = new Set(checkpoint.value.open.filter((n) => n.startsWith(`${period}/`)));
    for (const name of level) parents.add(nameOf(period, windowStart(period, parseName(name)!.start)));
    for (const name of [...parents].sort()) await parent(period, parseName(name)!.start);
    level = parents;
  }

  const next: Checkpoint = {
    newest_event_time: newest,
    blockers: blocked.map((b) => ({ from: Number.isFinite(b.from) ? b.from : null, to: Number.isFinite(b.to) ? b.to : null })),
    open: [...stillOpen].sort(),
    computed_at: computedAt,
  };
  await writeCheckpoint(ctx.store, namespaces, next, checkpoint);
  for (const change of applied) await removeChange(ctx.store, namespaces, change.key);
  return { ...counts, watermark };
}

/**
 * Reads what each change marker stands for: a committed change's windows are dirty; a change
 * whose commit has not landed (or that awaits consolidation) is a pending object, blocking the
 * windows it can reach, and stays for a later run.
 */
async function foldChanges<E extends TimedEvent, S>(ctx: StepContext<E, S>, changes: readonly ListedChange[], newest: number | null) {
  const refs = pipelineRefs(ctx.pipeline.namespaces);
  const applied: ListedChange[] = [];
  const dirty = new Set<string>();
  const blockers: Blocker[] = [];
  let latest = newest;
  for (const listed of changes) {
    const { change } = listed;
    if (change.object_id === null) {
      for (const w of change.windows) dirty.add(`30min/${w}`);
      applied.push(listed);
      continue;
    }
    const entry = await readJson(ctx.store, refs.ledger(change.object_id), LedgerEntrySchema);
    if (entry !== undefined && entry.object.etag !== change.etag) {
      // A newer version superseded this change; its own marker carries these windows too.
      applied.push(listed);
      continue;
    }
    if (!settles(entry, { etag: change.etag ?? '' })) {
      blockers.push(blockerFor(change.key ?? '', ctx.finality, entry && { min: entry.min_event_time, max: entry.max_event_time }));
      continue;
    }
    for (const w of change.windows) dirty.add(`30min/${w}`);
    if (entry!.max_event_time !== null) latest = latest === null ? entry!.max_event_time : Math.max(latest, entry!.max_event_time);
    applied.push(listed);
  }
  return { applied, dirty, blockers, newest: latest };
}

/** The ids of the objects with a partial in a 30-minute window, sorted: one listing of that window's folder. */
async function contributors(ctx: StoreAndLayout, start: number): Promise<string[]> {
  const prefix = `30min/${timeKey('30min', start)}/`;
  const keys = await ctx.store.list(ctx.pipeline.namespaces.consolidated, 'json', prefix);
  return keys.map((k) => k.slice(prefix.length)).sort();
}

const LateDocSchema = z.object({ sources: z.array(z.object({ object_id: z.string(), events: z.number() })) }).passthrough();

/** Records the partials that reached a final window; returns how many events they hold (0 when already recorded). */
async function recordLate<E extends TimedEvent, S>(ctx: StepContext<E, S>, start: number, lateIds: string[]): Promise<number> {
  if (lateIds.length === 0) return 0;
  const refs = pipelineRefs(ctx.pipeline.namespaces);
  const basis = await readStoredJson(ctx.store, refs.late(start), LateDocSchema);
  const known = new Map((basis?.value.sources ?? []).map((s) => [s.object_id, s.events]));
  let added = 0;
  for (const id of lateIds) {
    const partial = await readJson(ctx.store, refs.partial(start, id), PartialDocSchema);
    const events = partial ? ctx.pipeline.summary.events(ctx.pipeline.summary.fromJson(partial.summary)) : 0;
    if (known.get(id) !== events) added += events;
    known.set(id, events);
  }
  const sources = [...known.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([object_id, events]) => ({ object_id, events }));
  const doc = { period: '30min', time_key: timeKey('30min', start), late_events: sources.reduce((n, s) => n + s.events, 0), sources };
  await writeJsonIfChanged(ctx.store, refs.late(start), doc, basis);
  return added;
}
