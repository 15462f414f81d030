import { timeKey, windowEnd, type Period } from './periods.js';
import type { Summary } from './summary.js';

/** `final`: no more data can change it. `partial`: data may still arrive; recomputed on request. */
export type Finality = 'partial' | 'final';

/** A window's summary and how settled it is. */
export interface WindowResult {
  readonly period: Period;
  readonly start: number;
  readonly status: Finality;
  readonly summary: Summary;
}

/** `30min/2026-02-16-1430`: the window's name in the cache and in reports. */
export function windowName(period: Period, start: number): string {
  return `${period}/${timeKey(period, start)}`;
}

export function windowBounds(period: Period, start: number): { start: string; end: string } {
  return { start: new Date(start).toISOString(), end: new Date(windowEnd(period, start)).toISOString() };
}
