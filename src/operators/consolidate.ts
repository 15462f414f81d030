import type { OperatorFunction } from 'rxjs';
import type { Period } from '../core/periods.js';
import type { SummaryKind, TimedEvent } from '../core/summaryKind.js';
import { WindowedSummaries } from '../core/windowedSummaries.js';
import { operate } from './internal/operate.js';

/** One object's contribution to one window. */
export interface WindowPartial<S> {
  readonly start: number;
  readonly summary: S;
}

/**
 * Consolidates all the event batches of one object into one partial summary per window.
 *
 * Emits nothing until its source completes, then every window the object touched, in time
 * order, then completes: a partial is only meaningful for the whole object. Errors propagate
 * and discard the partials (nothing of a failed object is committed). State: one summary per
 * window the object touches.
 *
 * @example
 * ```ts
 * import { consolidate, trafficSummary } from 'letsflow';
 * events$.pipe(consolidate(trafficSummary)).subscribe((p) => console.log(p.start, p.summary.requests));
 * ```
 * @param kind the summary kind
 * @param period window length; default `30min`
 * @returns an operator from event batches to per-window partials
 * @see windowTumbling
 */
export function consolidate<E extends TimedEvent, S>(kind: SummaryKind<E, S>, period: Period = '30min'): OperatorFunction<readonly E[], WindowPartial<S>> {
  return operate((subscriber) => {
    let windows: WindowedSummaries<E, S> | undefined = new WindowedSummaries(kind, period);
    return {
      next(events) {
        windows!.addAll(events);
      },
      complete() {
        for (const [start, summary] of windows!.entries()) subscriber.next({ start, summary });
        subscriber.complete();
      },
      teardown() {
        windows = undefined;
      },
    };
  });
}
