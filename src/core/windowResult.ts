import type { Period } from './periods.js';

/** `final`: no more data can change it. `partial`: data may still arrive; recomputed on request. */
export type Finality = 'partial' | 'final';

/** A window's summary and how settled it is. */
export interface WindowResult<S> {
  readonly period: Period;
  readonly start: number;
  readonly status: Finality;
  readonly summary: S;
}
