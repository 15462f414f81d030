import { windowStart, type Period } from './periods.js';
import type { SummaryKind, TimedEvent } from './summaryKind.js';

/**
 * Groups events by the window of `period` their timestamp falls in, one summary per window.
 * This is an object's consolidation: it holds one summary per window the object touches
 * (a Firehose object spans a few minutes, so a handful), and one adder serves them all.
 */
export class WindowedSummaries<E extends TimedEvent, S> {
  private readonly summaries = new Map<number, S>();
  private readonly add_: (summary: S, event: E) => void;
  private lastStart = Number.NaN;
  private last: S | undefined;

  constructor(
    private readonly kind: SummaryKind<E, S>,
    readonly period: Period = '30min',
  ) {
    this.add_ = kind.adder();
  }

  add(event: E): void {
    const start = windowStart(this.period, event.timestamp);
    // Consecutive events nearly always share a window: skip the map lookup for them.
    if (start !== this.lastStart || this.last === undefined) {
      let summary = this.summaries.get(start);
      if (summary === undefined) {
        summary = this.kind.empty();
        this.summaries.set(start, summary);
      }
      this.lastStart = start;
      this.last = summary;
    }
    this.add_(this.last, event);
  }

  addAll(events: readonly E[]): void {
    for (let i = 0; i < events.length; i++) this.add(events[i]!);
  }

  /** Window starts with their summaries, in time order. */
  entries(): [number, S][] {
    return [...this.summaries.entries()].sort(([a], [b]) => a - b);
  }
}
