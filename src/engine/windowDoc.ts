import { timeKey, windowEnd, type Period } from '../core/periods.js';
import type { SummaryKind } from '../core/summaryKind.js';
import type { Finality } from '../core/windowResult.js';

/** A window's stored aggregate: seed 001's aggregate-window shape, the readable view, and the mergeable summary. */
export function windowDoc<S>(kind: SummaryKind<never, S>, window: { period: Period; start: number; status: Finality; summary: S }, sources: readonly string[], computedAt: string) {
  const { period, start, status, summary } = window;
  return {
    period,
    time_key: timeKey(period, start),
    status,
    computed_at: computedAt,
    period_start: new Date(start).toISOString(),
    period_end: new Date(windowEnd(period, start)).toISOString(),
    source_count: sources.length,
    sources_final: status === 'final',
    sources: [...sources],
    ...kind.describe(summary),
    summary: kind.toJson(summary),
  };
}
