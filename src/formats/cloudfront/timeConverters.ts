import { digitsValue, POWERS_OF_TEN } from './digitsValue.js';
import { fail, quoted } from './fail.js';

const MIN_TIME = Date.UTC(2000, 0, 1);
const END_TIME = Date.UTC(2101, 0, 1);

function inRange(ms: number, raw: string, name: string): number {
  if (ms < MIN_TIME || ms >= END_TIME) fail('timestamp_invalid', `${name} ${quoted(raw)} is outside the years 2000..2100`);
  return ms;
}

/** Epoch seconds with up to 3 decimals to integer milliseconds, from the digits: no float rounding. */
export function epochSeconds(raw: string, name: string): number {
  const dot = raw.indexOf('.');
  const end = dot === -1 ? raw.length : dot;
  const decimals = dot === -1 ? 0 : raw.length - dot - 1;
  const whole = end <= 12 ? digitsValue(raw, 0, end) : -1;
  const fraction = dot === -1 ? 0 : decimals >= 1 && decimals <= 3 ? digitsValue(raw, dot + 1, raw.length) : -1;
  if (whole < 0 || fraction < 0) fail('timestamp_invalid', `${name} is not epoch seconds with up to 3 decimals: ${quoted(raw)}`);
  return inRange(whole * 1000 + fraction * POWERS_OF_TEN[3 - decimals]!, raw, name);
}

export function epochMillis(raw: string, name: string): number {
  const ms = digitsValue(raw, 0, raw.length);
  if (ms < 0) fail('timestamp_invalid', `${name} is not epoch milliseconds: ${quoted(raw)}`);
  return inRange(ms, raw, name);
}

/** `YYYY-MM-DD` (UTC) to the epoch milliseconds of its midnight. */
export function utcDate(raw: string, name: string): number {
  const shaped = raw.length === 10 && raw[4] === '-' && raw[7] === '-';
  const year = shaped ? digitsValue(raw, 0, 4) : -1;
  const month = shaped ? digitsValue(raw, 5, 7) : -1;
  const day = shaped ? digitsValue(raw, 8, 10) : -1;
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2019-02-30 over into March; reading the day back catches that.
  if (year < 0 || month < 1 || month > 12 || day < 1 || new Date(ms).getUTCDate() !== day) {
    fail('timestamp_invalid', `${name} is not a date YYYY-MM-DD: ${quoted(raw)}`);
  }
  return inRange(ms, raw, name);
}

/** `HH:MM:SS` (UTC) to milliseconds since midnight. */
export function utcTime(raw: string, name: string): number {
  const shaped = raw.length === 8 && raw[2] === ':' && raw[5] === ':';
  const h = shaped ? digitsValue(raw, 0, 2) : -1;
  const m = shaped ? digitsValue(raw, 3, 5) : -1;
  const s = shaped ? digitsValue(raw, 6, 8) : -1;
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 59) fail('timestamp_invalid', `${name} is not a time HH:MM:SS: ${quoted(raw)}`);
  return ((h * 60 + m) * 60 + s) * 1000;
}

/** The converters of the fields that make up the event time, by log field name. */
export const TIME_CONVERTERS: Readonly<Record<string, (raw: string, logName: string) => number>> = {
  timestamp: epochSeconds,
  'timestamp(ms)': epochMillis,
  date: utcDate,
  time: utcTime,
};
