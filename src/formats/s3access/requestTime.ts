import { fail, quoted } from '../cloudfront/fail.js';
import { digitsValue } from '../cloudfront/digitsValue.js';

/** Length of `[06/Feb/2019:00:00:38 +0000]`: the only shape S3 writes (strftime `[%d/%b/%Y:%H:%M:%S %z]`). */
export const REQUEST_TIME_LENGTH = 28;

const MIN_TIME = Date.UTC(2000, 0, 1);
const END_TIME = Date.UTC(2101, 0, 1);
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads the bracketed request time that starts at `at` (the `[`) into epoch milliseconds, UTC.
 *
 * The two tokens inside the brackets are read at fixed offsets, with no regex and no substring:
 * `dd/Mon/yyyy:HH:MM:SS` with an English month abbreviation, a space, and a `+hhmm`/`-hhmm` offset,
 * which is honoured (`+0200` is two hours ahead of UTC, so it is subtracted). Anything else — a
 * `-`, another layout, 30 February, a year outside 2000..2100 — throws `timestamp_invalid`.
 *
 * @param line the whole log line
 * @param at index of the opening `[`
 * @returns epoch milliseconds, UTC
 */
export function requestTime(line: string, at: number): number {
  const end = at + REQUEST_TIME_LENGTH;
  if (
    line.charCodeAt(at) !== 0x5b /* [ */ ||
    line.charCodeAt(end - 1) !== 0x5d /* ] */ ||
    line.charCodeAt(at + 3) !== 0x2f /* / */ ||
    line.charCodeAt(at + 7) !== 0x2f ||
    line.charCodeAt(at + 12) !== 0x3a /* : */ ||
    line.charCodeAt(at + 15) !== 0x3a ||
    line.charCodeAt(at + 18) !== 0x3a ||
    line.charCodeAt(at + 21) !== 0x20
  ) {
    return invalid(line, at, 'is not [dd/Mon/yyyy:HH:MM:SS +hhmm]');
  }
  const day = digitsValue(line, at + 1, at + 3);
  const month = monthIndex(line, at + 4);
  const year = digitsValue(line, at + 8, at + 12);
  const hour = digitsValue(line, at + 13, at + 15);
  const minute = digitsValue(line, at + 16, at + 18);
  const second = digitsValue(line, at + 19, at + 21);
  const sign = line.charCodeAt(at + 22);
  const offsetHours = digitsValue(line, at + 23, at + 25);
  const offsetMinutes = digitsValue(line, at + 25, at + 27);
  if (
    month < 0 || day < 1 || day > DAYS_IN_MONTH[month]! || (month === 1 && day === 29 && !isLeap(year)) ||
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
    (sign !== 0x2b /* + */ && sign !== 0x2d) /* - */ || offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59
  ) {
    return invalid(line, at, 'is not [dd/Mon/yyyy:HH:MM:SS +hhmm]');
  }
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000;
  const ms = Date.UTC(year, month, day, hour, minute, second) - (sign === 0x2b ? offsetMs : -offsetMs);
  if (year < 0 || ms < MIN_TIME || ms >= END_TIME) return invalid(line, at, 'is outside the years 2000..2100');
  return ms;
}

function invalid(line: string, at: number, what: string): never {
  fail('timestamp_invalid', `time ${quoted(line.slice(at, at + REQUEST_TIME_LENGTH))} ${what}`);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** 0-based month of the English abbreviation at `at` (`Jan` … `Dec`, exact case), or -1. */
function monthIndex(line: string, at: number): number {
  // Three letters packed into one number, compared against the twelve known ones.
  const packed = (line.charCodeAt(at) << 16) | (line.charCodeAt(at + 1) << 8) | line.charCodeAt(at + 2);
  return MONTHS.indexOf(packed);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(
  (m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2),
);
