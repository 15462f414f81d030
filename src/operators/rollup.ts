import type { OperatorFunction } from 'rxjs';
import { RollupState } from '../core/rollupState.js';
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
 * import { rollup, windowTumbling } from 'letsflow';
 * events$.pipe(windowTumbling({ lateness: 600_000 }), rollup())
 *   .subscribe((w) => console.log(w.period, w.start, w.status));
 * ```
 * @returns an operator from 30-minute windows to windows of every period
 * @see windowTumbling
 */
export function rollup(): OperatorFunction<WindowResult, WindowResult> {
  return operate((subscriber) => {
    let state: RollupState | undefined = new RollupState();
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
