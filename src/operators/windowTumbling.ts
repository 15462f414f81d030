import type { OperatorFunction } from 'rxjs';
import type { Period } from '../core/periods.js';
import type { SummaryKind, TimedEvent } from '../core/summaryKind.js';
import { TumblingWindows } from '../core/tumblingWindows.js';
import type { WindowResult } from '../core/windowResult.js';
import { operate } from './internal/operate.js';

export interface WindowTumblingOptions<E, S> {
  /** What each window's summary is. */
  readonly kind: SummaryKind<E, S>;
  /** Window length; default `30min`. */
  readonly period?: Period;
  /** How far behind the newest event a window may still receive events, in ms. */
  readonly lateness: number;
  /** Receives each event that arrived after its window was emitted final (never merged). */
  readonly onLate?: (event: E) => void;
}

/**
 * Aggregates event batches into tumbling event-time windows with a watermark.
 *
 * Emits a window `final` when the newest event minus `lateness` passes its end (empty
 * windows included, so there are no gaps), in time order. On completion, emits the windows
 * still open as `partial`, then completes. On error, propagates it and drops the state; on
 * unsubscribe, the state is released. Late events go to `onLate`, never into a window.
 *
 * @example
 * ```ts
 * import { trafficSummary, windowTumbling } from 'letsflow';
 * events$.pipe(windowTumbling({ kind: trafficSummary, lateness: 10 * 60_000 }))
 *   .subscribe((w) => console.log(w.start, w.status, w.summary.requests));
 * ```
 * @param options summary kind, period, lateness and the late-event hook
 * @returns an operator from event batches to window results
 * @see rollup
 */
export function windowTumbling<E extends TimedEvent, S>(options: WindowTumblingOptions<E, S>): OperatorFunction<readonly E[], WindowResult<S>> {
  if (!Number.isFinite(options.lateness) || options.lateness < 0) {
    throw new RangeError(`windowTumbling: lateness must be a non-negative number of ms, got ${options.lateness}`);
  }
  const period = options.period ?? '30min';
  return operate((subscriber) => {
    let windows: TumblingWindows<E, S> | undefined = new TumblingWindows(options.kind, period, options.lateness);
    return {
      next(events) {
        const { emitted, late } = windows!.add(events);
        for (const event of late) options.onLate?.(event);
        for (const window of emitted) subscriber.next(window);
      },
      complete() {
        for (const window of windows!.flush()) subscriber.next(window);
        subscriber.complete();
      },
      teardown() {
        windows = undefined;
      },
    };
  });
}
