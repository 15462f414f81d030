/** What every event the engine windows has: its event time, epoch milliseconds UTC. */
export interface TimedEvent {
  readonly timestamp: number;
}

/**
 * A kind of window summary: a commutative monoid over events, with a stored form and a
 * readable view. `empty()` and `merge` are what make re-runs, any object order, any split
 * across runs and rollups agree: every coarser window is the merge of finer ones, and a
 * window's summary the merge of per-object partials. Exact kinds are associative exactly;
 * a kind with a bounded sketch states its bound.
 *
 * @example
 * ```ts
 * import type { SummaryKind } from 'letsflow';
 * const count: SummaryKind<{ timestamp: number }, { n: number }> = {
 *   name: 'count',
 *   empty: () => ({ n: 0 }),
 *   adder: () => (s) => { s.n++; },
 *   merge: (a, b) => ({ n: a.n + b.n }),
 *   toJson: (s) => s,
 *   fromJson: (json) => ({ n: Number((json as { n: number }).n) }),
 *   describe: (s) => ({ events: s.n }),
 *   events: (s) => s.n,
 * };
 * ```
 */
export interface SummaryKind<E, S> {
  /** Names the kind in stored documents, e.g. `cloudfront-traffic`. */
  readonly name: string;
  empty(): S;
  /**
   * A function that adds one event to a summary in place. One adder serves one object's
   * windows, so it may keep a bounded memo (a hash per distinct user agent) across them.
   */
  adder(): (summary: S, event: E) => void;
  /** Associative and commutative, `empty()` its identity; inputs are not modified. */
  merge(a: S, b: S): S;
  /** The stored form: plain JSON whose bytes are equal for equal summaries. */
  toJson(summary: S): unknown;
  /** Reads the stored form back; throws on a document that is not one. */
  fromJson(json: unknown): S;
  /** The readable figures people browse and reports show; derived, never merged. */
  describe(summary: S): Record<string, unknown>;
  /** How many events the summary holds. */
  events(summary: S): number;
}

/** The merge of any number of summaries, in the order given. */
export function mergeAllOf<S>(kind: SummaryKind<never, S>, summaries: Iterable<S>): S {
  let total = kind.empty();
  for (const s of summaries) total = kind.merge(total, s);
  return total;
}

/** The summary of one list of events. */
export function summarizeWith<E, S>(kind: SummaryKind<E, S>, events: Iterable<E>): S {
  const summary = kind.empty();
  const add = kind.adder();
  for (const event of events) add(summary, event);
  return summary;
}
