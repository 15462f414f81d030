import { parseTimeKey, timeKey, windowEnd, windowStart, windowsBetween, type Period } from '../core/periods.js';
import type { Finality } from '../core/windowResult.js';
import type { CacheStore } from '../sinks/cacheStore.js';
import { checkpointBlockers, readCheckpoint } from './checkpoint.js';
import type { FinalityPolicy, PipelineOutputs } from './definition.js';
import { AggregateDocSchema, readJson, type AggregateDoc } from './documents.js';
import { impliedFinal, watermarkOf } from './finality.js';
import { pipelineRefs } from './layout.js';

/** A window as a reader sees it: stored, or answered empty with the finality its time implies. */
export interface WindowView<S> {
  readonly period: Period;
  readonly start: number;
  readonly timeKey: string;
  readonly status: Finality;
  /** Whether an aggregate is stored; an empty window never is. */
  readonly stored: boolean;
  readonly summary: S;
  readonly doc?: AggregateDoc;
}

/** The longest common prefix of two strings. */
const commonPrefix = (a: string, b: string): string => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
};

/**
 * The stored aggregates of `period` whose windows start in [from, to] (either may be
 * infinite), oldest first: one listing under the longest key prefix the range shares, so a day's hours cost that day's
 * keys, never every key of the period.
 */
export async function storedWindowsIn<S>(store: CacheStore, pipeline: PipelineOutputs<S>, period: Period, from: number, to: number): Promise<AggregateDoc[]> {
  const ns = pipeline.namespaces.aggregate;
  const prefix = Number.isFinite(from) && Number.isFinite(to) ? commonPrefix(`${period}/${timeKey(period, from)}`, `${period}/${timeKey(period, to)}`) : `${period}/`;
  const docs: AggregateDoc[] = [];
  for (const key of await store.list(ns, 'json', prefix)) {
    const start = parseTimeKey(period, key.slice(period.length + 1));
    if (start === undefined || start < from || start > to) continue;
    const doc = await readJson(store, { namespace: ns, key, fileType: 'json' }, AggregateDocSchema);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** How an empty window's finality is answered: the reader's clock and finality policy (the pipeline's by default). */
export interface AnswerOptions {
  /** Most windows answered; a RangeError past it. */
  readonly limit?: number;
  readonly now?: number;
  readonly finality?: FinalityPolicy;
}

/**
 * Every window of `period` from `from` to `to` (window starts, inclusive), stored or not: a
 * window with no data is answered empty, `final` when its time says so — the watermark from
 * the last aggregate's newest event time, this clock and the policy, and no blocker it
 * recorded reaching the window.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, memoryCacheStore, windowsIn } from 'letsflow';
 * const day = await windowsIn(memoryCacheStore(), cloudfrontPipeline, 'hourly', Date.UTC(2026, 3, 20), Date.UTC(2026, 3, 20, 23));
 * console.log(day.length); // 24, empty or not
 * ```
 */
export async function windowsIn<S>(store: CacheStore, pipeline: PipelineOutputs<S>, period: Period, from: number, to: number, options: AnswerOptions = {}): Promise<WindowView<S>[]> {
  const { limit = 10_000, now = Date.now(), finality = pipeline.finality } = options;
  const starts = windowsBetween(period, windowStart(period, from), windowEnd(period, windowStart(period, to)));
  if (starts.length > limit) throw new RangeError(`${starts.length} ${period} windows in that range; narrow it to ${limit} or fewer`);
  const stored = new Map((await storedWindowsIn(store, pipeline, period, starts[0] ?? from, starts.at(-1) ?? to)).map((d) => [d.time_key, d]));
  const { value: checkpoint } = await readCheckpoint(store, pipeline.namespaces);
  const blockers = checkpointBlockers(checkpoint);
  const watermark = watermarkOf(checkpoint.newest_event_time, now, finality);
  return starts.map((start) => {
    const key = timeKey(period, start);
    const doc = stored.get(key);
    if (doc) return { period, start, timeKey: key, status: doc.status, stored: true, summary: pipeline.summary.fromJson(doc.summary), doc };
    const status: Finality = impliedFinal(period, start, watermark, blockers) ? 'final' : 'partial';
    return { period, start, timeKey: key, status, stored: false, summary: pipeline.summary.empty() };
  });
}

/** One window, stored or answered empty (see `windowsIn`). */
export async function readWindow<S>(store: CacheStore, pipeline: PipelineOutputs<S>, period: Period, start: number, options: AnswerOptions = {}): Promise<WindowView<S>> {
  const doc = await readJson(store, pipelineRefs(pipeline.namespaces).aggregate(period, start), AggregateDocSchema);
  if (doc) return { period, start, timeKey: timeKey(period, start), status: doc.status, stored: true, summary: pipeline.summary.fromJson(doc.summary), doc };
  return (await windowsIn(store, pipeline, period, start, start, options))[0]!;
}
