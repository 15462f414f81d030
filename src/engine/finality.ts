import { windowEnd, type Period } from '../core/periods.js';
import { keyDate } from '../sources/keyDate.js';
import type { FinalityPolicy } from './definition.js';

/** An event-time range a pending object may still hold events in: windows overlapping it are not final. */
export interface Blocker {
  readonly from: number;
  readonly to: number;
}

/** At most this many blocker ranges are kept in a checkpoint; past it, neighbours are joined (conservative). */
export const MAX_BLOCKERS = 64;

const HOUR = 3_600_000;

/**
 * The event times a pending object can hold. A key's date is when Firehose delivered it (events
 * are older by up to its buffering) or, for a standard log, the hour of its requests (with
 * stragglers), so the key's hour widened by an hour and the lateness either side. Without a key
 * date, the range its previous version was seen to hold; without that, all time.
 */
export function blockerFor(key: string, policy: FinalityPolicy, observed?: { min: number | null; max: number | null }): Blocker {
  const date = keyDate(key);
  if (date) return { from: date.start - HOUR - policy.latenessMs, to: date.end + policy.latenessMs };
  if (observed?.min != null && observed.max != null) return { from: observed.min, to: observed.max + 1 };
  return { from: -Infinity, to: Infinity };
}

/**
 * The watermark: the newest event time, capped at now plus the allowed skew (a clock ahead
 * never finalises the future), and at least now minus the idle bound (an idle source still
 * settles), less the lateness. `null` when nothing was ever ingested.
 */
export function watermarkOf(newestEventTime: number | null, now: number, policy: FinalityPolicy): number | null {
  if (newestEventTime === null) return null;
  return Math.min(Math.max(newestEventTime, now - policy.idleMs), now + policy.skewMs) - policy.latenessMs;
}

/** Whether a window's time implies it is final: its end is behind the watermark and no blocker reaches it. */
export function impliedFinal(period: Period, start: number, watermark: number | null, blockers: readonly Blocker[]): boolean {
  const end = windowEnd(period, start);
  if (watermark === null || end > watermark) return false;
  return !blockers.some((b) => b.from < end && b.to > start);
}

/** Blockers sorted and joined where they overlap, then joined pairwise until at most `MAX_BLOCKERS` remain. */
export function compactBlockers(blockers: readonly Blocker[]): Blocker[] {
  const sorted = [...blockers].sort((a, b) => a.from - b.from);
  const joined: Blocker[] = [];
  for (const b of sorted) {
    const last = joined[joined.length - 1];
    if (last && b.from <= last.to) joined[joined.length - 1] = { from: last.from, to: Math.max(last.to, b.to) };
    else joined.push(b);
  }
  while (joined.length > MAX_BLOCKERS) {
    // Join the two neighbours with the smallest gap: blocks a little more, never less.
    let best = 0;
    for (let i = 1; i < joined.length - 1; i++) if (joined[i + 1]!.from - joined[i]!.to < joined[best + 1]!.from - joined[best]!.to) best = i;
    joined.splice(best, 2, { from: joined[best]!.from, to: joined[best + 1]!.to });
  }
  return joined;
}
