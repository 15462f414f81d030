/** A line that could not become an event: where it was, why, and the line itself (truncated). */
export interface ParseErrorRecord {
  /** Display name of the source object, e.g. `s3://bucket/key` or a file path. */
  readonly object: string;
  /** 1-based line number within the decompressed object. */
  readonly line: number;
  /** Stable snake_case code: `column_count`, `not_a_number`, `timestamp_in_future`, … */
  readonly code: string;
  /** What is wrong, in words, naming the field. */
  readonly reason: string;
  /** The line as read, cut to `MAX_ERROR_LINE_CHARS`. */
  readonly text: string;
}

/** How much of a bad line an error record keeps. */
export const MAX_ERROR_LINE_CHARS = 512;
