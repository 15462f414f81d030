import { MAX_ERROR_LINE_CHARS } from '../core/records.js';
import { DEFAULT_MAX_ERROR_RECORDS, type ParserContext } from './logFormat.js';

/** Counts a bad line as an error and returns `undefined`, so a parser can `return reject(…)`. */
export type RejectLine = (line: string, lineNumber: number, code: string, reason: string) => undefined;

/**
 * The error-recording step shared by parsers: every rejected line adds one to
 * `tally.errors`, and an error record (its text cut to `MAX_ERROR_LINE_CHARS`) is kept only while
 * fewer than `maxErrorRecords` (default `DEFAULT_MAX_ERROR_RECORDS`) are held.
 *
 * @param context the parser's context: its tally, object name and error-record bound
 * @returns the function that rejects one line
 */
export function errorRecorder(context: ParserContext): RejectLine {
  const { tally, object } = context;
  const maxRecords = context.maxErrorRecords ?? DEFAULT_MAX_ERROR_RECORDS;
  return (line, lineNumber, code, reason) => {
    tally.errors++;
    if (tally.errorRecords.length < maxRecords) {
      tally.errorRecords.push({ object, line: lineNumber, code, reason, text: line.slice(0, MAX_ERROR_LINE_CHARS) });
    }
    return undefined;
  };
}
