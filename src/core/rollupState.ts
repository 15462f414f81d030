import { childPeriod, childStarts, parentPeriod, windowEnd, windowStart, type Period } from './periods.js';
import { mergeAllOf, type SummaryKind } from './summaryKind.js';
import type { WindowResult } from './windowResult.js';

/**
 * Builds hourly, daily and monthly windows from a time-ordered stream of 30-minute windows.
 * A parent is emitted `final` as soon as all its children are final; children that end
 * before the first window seen (the stream's origin) count as empty and final, so a stream
 * that starts mid-month still settles its month. `flush()` emits unfinished parents as
 * `partial`. Holds at most one unfinished parent per period (children arrive in time order).
 */
export class RollupState<S> {
  private readonly pending = new Map<Period, Map<number, Map<number, WindowResult<S>>>>();
  private origin: number | undefined;

  constructor(private readonly kind: SummaryKind<never, S>) {}

  /** Takes a child window; returns the parents it completed (each level up), finest first. */
  add(child: WindowResult<S>): WindowResult<S>[] {
    this.origin ??= child.start;
    const parent = parentPeriod(child.period);
    if (parent === undefined) return [];
    const parentStart = windowStart(parent, child.start);
    const siblings = this.parentsOf(parent).get(parentStart) ?? new Map<number, WindowResult<S>>();
    siblings.set(child.start, child);
    this.parentsOf(parent).set(parentStart, siblings);
    if (!this.complete(parent, parentStart, siblings)) return [];
    this.parentsOf(parent).delete(parentStart);
    const done: WindowResult<S> = { period: parent, start: parentStart, status: 'final', summary: this.merged(siblings) };
    return [done, ...this.add(done)];
  }

  /** Emits every unfinished parent as `partial`, finest period first, feeding each into the next. */
  flush(): WindowResult<S>[] {
    const emitted: WindowResult<S>[] = [];
    for (const period of ['hourly', 'daily', 'monthly'] as const) {
      const parents = this.parentsOf(period);
      for (const start of [...parents.keys()].sort((a, b) => a - b)) {
        const result: WindowResult<S> = { period, start, status: 'partial', summary: this.merged(parents.get(start)!) };
        emitted.push(result);
        const grand = parentPeriod(period);
        if (grand !== undefined) this.addPartial(grand, result);
      }
      parents.clear();
    }
    return emitted;
  }

  private addPartial(parent: Period, child: WindowResult<S>): void {
    const start = windowStart(parent, child.start);
    const siblings = this.parentsOf(parent).get(start) ?? new Map<number, WindowResult<S>>();
    siblings.set(child.start, child);
    this.parentsOf(parent).set(start, siblings);
  }

  private complete(parent: Period, start: number, siblings: Map<number, WindowResult<S>>): boolean {
    const child = childPeriod(parent)!;
    return childStarts(parent, start).every((s) => {
      const c = siblings.get(s);
      return c ? c.status === 'final' : windowEnd(child, s) <= this.origin!;
    });
  }

  private merged(siblings: Map<number, WindowResult<S>>): S {
    return mergeAllOf(this.kind, [...siblings.values()].map((c) => c.summary));
  }

  private parentsOf(period: Period): Map<number, Map<number, WindowResult<S>>> {
    let parents = this.pending.get(period);
    if (!parents) {
      parents = new Map();
      this.pending.set(period, parents);
    }
    return parents;
  }
}

