import { percentDecode } from '../percentDecode.js';
import { digitsValue, POWERS_OF_TEN } from './digitsValue.js';
import { fail, quoted } from './fail.js';

/** A converted field value; `null` stands for the log's `-`. */
export type FieldValue = string | number | null;

/** Turns one raw column into a typed value, or throws a `LetsflowError` whose message names the field. */
export type FieldConverter = (raw: string, logName: string) => FieldValue;

export const text: FieldConverter = (raw) => (raw === '-' ? null : percentDecode(raw));

export const asLogged: FieldConverter = (raw) => (raw === '-' ? null : raw);

export const wholeNumber: FieldConverter = (raw, name) => {
  if (raw === '-') return null;
  const value = digitsValue(raw, 0, raw.length);
  if (value < 0) fail('not_a_number', `${name} is not a whole number: ${quoted(raw)}`);
  return value;
};

export const seconds: FieldConverter = (raw, name) => {
  if (raw === '-') return null;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1; // -1: no '.' seen yet
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x2e && decimals === -1 && digits > 0) {
      decimals = 0;
      continue;
    }
    const d = c - 0x30;
    if (d < 0 || d > 9) {
      digits = 0;
      break;
    }
    mantissa = mantissa * 10 + d;
    digits++;
    if (decimals >= 0) decimals++;
  }
  if (digits === 0 || digits > 15 || decimals === 0) fail('not_a_number', `${name} is not a number of seconds: ${quoted(raw)}`);
  // One correctly rounded division of exact integers gives the same double as Number(raw).
  return decimals === -1 ? mantissa : mantissa / POWERS_OF_TEN[decimals]!;
};

export const httpStatus: FieldConverter = (raw, name) => {
  if (raw === '-') return null;
  // '000' (viewer closed before a response) reads as 0 like any other three digits.
  const status = raw.length === 3 ? digitsValue(raw, 0, 3) : -1;
  if (status < 0) fail('not_a_number', `${name} is not a 3-digit HTTP status: ${quoted(raw)}`);
  return status;
};

export const userAgent: FieldConverter = (raw) => {
  if (raw === '-') return null;
  // Before 2020 CloudFront encoded the UA twice (space logged as %2520); a %2520 means a second pass is due.
  return raw.includes('%2520') ? percentDecode(percentDecode(raw)) : percentDecode(raw);
};

export const pathBeforeQuery: FieldConverter = (raw) => {
  if (raw === '-') return null;
  const q = raw.indexOf('?');
  return percentDecode(q === -1 ? raw : raw.slice(0, q));
};

export function queryAfterPath(raw: string): string | null {
  const q = raw === '-' ? -1 : raw.indexOf('?');
  return q === -1 ? null : raw.slice(q + 1);
}
