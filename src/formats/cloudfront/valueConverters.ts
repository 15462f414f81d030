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

/**
 * The standard log's `cs(User-Agent)`. Before 2020 the standard log encoded the UA twice (space
 * logged as `%2520`, formats.md §2.2), so a `%2520` means a second pass is due. Standard logs only:
 * real-time logs always encode once (§1.3), and there a `%2520` is a client's own `%20`.
 */
export const standardUserAgent: FieldConverter = (raw) => {
  if (raw === '-') return null;
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

/**
 * How much of a query string an event keeps. Queries carry session ids, tokens and API keys
 * (`session=…`, `api_key=…`), so the default keeps none: `off` gives `null`, `names` keeps the
 * parameter names only (`a=1&b=2` → `a&b`), `whole` keeps the query as logged.
 */
export const QUERY_STRING_MODES = ['off', 'names', 'whole'] as const;
export type QueryStringMode = (typeof QUERY_STRING_MODES)[number];

/** The parameter names of a query as logged, values dropped: `a=1&b=2&flag` → `a&b&flag`. */
export function queryNames(query: string): string {
  if (query.indexOf('=') === -1) return query;
  return query
    .split('&')
    .map((parameter) => {
      const eq = parameter.indexOf('=');
      return eq === -1 ? parameter : parameter.slice(0, eq);
    })
    .join('&');
}
