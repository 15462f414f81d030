import type { CloudFrontEvent } from './event.js';
import { windowStart, type Period } from './periods.js';
import { SummaryBuilder, type Summary } from './summary.js';

/**
 * Groups events by the window of `period` their timestamp falls in, one summary per window.
 * This is an object's consolidation: it holds one builder per window the object touches
 * (a Firehose object spans a few minutes, so a handful), and the user-agent memo is shared.
 */
export class WindowedSummaries {
  private readonly builders = new Map<number, SummaryBuilder>();
  private readonly agentCodes = new Map<string, number>();
  private lastStart = Number.NaN;
  private lastBuilder: SummaryBuilder | undefined;

  constructor(readonly period: Period = '30min') {}

  add(event: CloudFrontEvent): void {
    const start = windowStart(this.period, event.timestamp);
    // Consecutive events nearly always share a window: skip the map lookup for them.
    if (start !== this.lastStart || this.lastBuilder === undefined) {
      let builder = this.builders.get(start);
      if (!builder) {
        builder = new SummaryBuilder(this.agentCodes);
        this.builders.set(start, builder);
      }
      this.lastStart = start;
      this.lastBuilder = builder;
    }
    this.lastBuilder.add(event);
  }

  addAll(events: readonly CloudFrontEvent[]): void {
    for (let i = 0; i < events.length; i++) this.add(events[i]!);
  }

  /** Window starts with their summaries, in time order. */
  entries(): [number, Summary][] {
    return [...this.builders.entries()].sort(([a], [b]) => a - b).map(([start, b]) => [start, b.summary]);
  }
}
