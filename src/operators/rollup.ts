import type { OperatorFunction } from 'rxjs';
import { RollupState } from '../core/rollupState.js';
import type { SummaryKind } from '../core/summaryKind.js';
import type { WindowResult } from '../core/windowResult.js';
import { operate } from './internal/operate.js';

/**
 * Adds hourly, daily and monthly windows to a time-ordered stream of 30-minute windows.
 *
 * Passes every input window through and emits a parent `final` right after the child that
 * completes it (a parent is final only when all its children are). On completion, emits the
 * unfinished parents as `partial`, finest first, then completes. Errors propagate; state is
 * released on unsubscribe.
 *
 * @example
 * ```ts
 * import { rollup, trafficSummary, windowTumbling } from 'letsflow';
 * events$.pipe(windowTumbling({ kind: trafficSummary, lateness: 600_000 }), rollup(trafficSummary))
 *   .subscribe((w) => console.log(w.period, w.start, w.status));
 * ```
 * @param kind the summary kind, whose merge builds each parent
 * @returns an operator from 30-minute windows to windows of every period
 * @see windowTumbling
 */
export function rollup<S>(kind: SummaryKind<never, S>): OperatorFunction<WindowResult<S>, WindowResult<S>> {
  return operate((subscriber) => {
    let state: RollupState<S> | undefined = new RollupState(kind);
    return {
      next(window) {
        if (window.period !== '30min') throw new TypeError(`rollup: expected 30min windows, got ${window.period}`);
        subscriber.next(window);
        for (const parent of state!.add(window)) subscriber.next(parent);
      },
      complete() {
        for (const parent of state!.flush()) subscriber.next(parent);
        subscriber.complete();
      },
      teardown() {
        state = undefined;
      },
    };
  });
}
