import { windowEnd, windowStart, type Period } from './periods.js';
import type { SummaryKind, TimedEvent } from './summaryKind.js';
import type { WindowResult } from './windowResult.js';

/**
 * Tumbling event-time windows driven by a watermark: `max event time − lateness`. A window
 * is emitted `final` once the watermark reaches its end, together with every empty window
 * before it, so the output has no gaps. An event for a window already emitted is late: it is
 * returned to the caller, never merged. `flush()` emits what is still open as `partial`.
 * State: one summary per open window; open windows span at most `lateness` plus one window.
 */
export class TumblingWindows<E extends TimedEvent, S> {
  private readonly open = new Map<number, S>();
  private readonly add_: (summary: S, event: E) => void;
  private maxEventTime = -Infinity;
  /** End of the last window emitted final; events before it are late. */
  private frontier: number | undefined;

  constructor(
    private readonly kind: SummaryKind<E, S>,
    readonly period: Period,
    readonly lateness: number,
  ) {
    this.add_ = kind.adder();
  }

  /** Adds events; returns the windows this made final, and the late events. */
  add(events: readonly E[]): { emitted: WindowResult<S>[]; late: E[] } {
    const late: E[] = [];
    for (const event of events) {
      const start = windowStart(this.period, event.timestamp);
      if (this.frontier !== undefined && start < this.frontier) {
        late.push(event);
        continue;
      }
      let summary = this.open.get(start);
      if (summary === undefined) {
        summary = this.kind.empty();
        this.open.set(start, summary);
      }
      this.add_(summary, event);
      if (event.timestamp > this.maxEventTime) this.maxEventTime = event.timestamp;
    }
    return { emitted: this.emitUpTo(this.maxEventTime - this.lateness), late };
  }

  /** Emits every open window, and the empty ones between them, as `partial`; the state is then empty. */
  flush(): WindowResult<S>[] {
    const emitted: WindowResult<S>[] = [];
    if (this.open.size > 0) {
      const last = Math.max(...this.open.keys());
      for (let s = this.firstPending(); s <= last; s = windowEnd(this.period, s)) emitted.push(this.take(s, 'partial'));
    }
    this.open.clear();
    return emitted;
  }

  private emitUpTo(watermark: number): WindowResult<S>[] {
    const emitted: WindowResult<S>[] = [];
    if (this.open.size === 0 && this.frontier === undefined) return emitted;
    for (let s = this.firstPending(); windowEnd(this.period, s) <= watermark; s = windowEnd(this.period, s)) {
      emitted.push(this.take(s, 'final'));
      this.frontier = windowEnd(this.period, s);
    }
    return emitted;
  }

  private firstPending(): number {
    return this.frontier ?? Math.min(...this.open.keys());
  }

  private take(start: number, status: WindowResult<S>['status']): WindowResult<S> {
    const summary = this.open.get(start);
    this.open.delete(start);
    return { period: this.period, start, status, summary: summary ?? this.kind.empty() };
  }
}
