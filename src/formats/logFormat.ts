import type { ParseErrorRecord } from '../core/records.js';

/**
 * What a parser counts while it reads one object. Every line lands in exactly one bucket:
 * `lines = events + errors + headers + blank` (the accounting invariant).
 */
export interface ParseTally {
  events: number;
  headers: number;
  blank: number;
  errors: number;
  /** The first `maxErrorRecords` error records; `errors` counts all of them. */
  readonly errorRecords: ParseErrorRecord[];
}

export interface ParserContext {
  /** Display name of the object being read, used in error records. */
  readonly object: string;
  readonly tally: ParseTally;
  /** Parse only these fields (plus `timestamp`); all configured fields when absent. */
  readonly select?: ReadonlySet<string>;
  /** Bound on `tally.errorRecords`; further errors are only counted. */
  readonly maxErrorRecords?: number;
}

/**
 * Parses the lines of one object, in order. Returns the event, or `undefined` when the line
 * was a header, a comment, blank, or bad — the tally says which, and a bad line leaves an
 * error record. Stateful only where the format is (a standard log's `#Fields:` header).
 */
export type ObjectParser<E> = (line: string, lineNumber: number) => E | undefined;

/** A log format: a factory of per-object parsers of events of type `E`. */
export interface LogFormat<E> {
  readonly name: string;
  createParser(context: ParserContext): ObjectParser<E>;
}

export const DEFAULT_MAX_ERROR_RECORDS = 1000;

export function emptyTally(): ParseTally {
  return { events: 0, headers: 0, blank: 0, errors: 0, errorRecords: [] };
}
