import { LetsflowError } from '../core/errors.js';
import type { CloudFrontEvent, EventField } from '../core/event.js';
import { percentDecode } from './percentDecode.js';

/** A converted field value; `null` stands for the log's `-`. */
type FieldValue = string | number | null;

/** Turns one raw column into a typed value, or throws a `LetsflowError` whose message names the field. */
type FieldConverter = (raw: string, logName: string) => FieldValue;

/** How one AWS log field name becomes an event field. */
interface FieldSpec {
  readonly key: EventField;
  readonly convert: FieldConverter;
  /** Real-time `cs-uri-stem` also carries the query: this extracts it (as logged) after the first `?`. */
  readonly query?: (raw: string) => string | null;
  /** Viewer addresses are personal data: read only when the parser is told to keep them. */
  readonly clientIp?: true;
}

/** Which CloudFront log a field list comes from; the two name some fields differently. */
export type CloudFrontLogKind = 'realtime' | 'standard';

export interface FieldPlanOptions {
  readonly keepClientIp: boolean;
  /** Read only these event fields (plus `timestamp`); every field, and unknown ones into `extra`, when absent. */
  readonly select?: ReadonlySet<EventField> | undefined;
}

/**
 * The columns of one field list, resolved once: which to read and how each becomes an event field.
 * Built per parser, so a line only pays for slicing and converting.
 */
export interface FieldPlan {
  readonly names: readonly string[];
  /** Fewest columns a line needs to reach its time fields (the standard log allows short lines). */
  readonly minColumns: number;
  /**
   * Splits a line on TAB. The result has one entry per column on the line; with `select`, only the
   * selected positions hold this line's text (the array is reused from line to line).
   */
  split(line: string): readonly string[];
  /** Builds the event from `split`'s columns; throws a `LetsflowError` (`not_a_number`, `timestamp_invalid`, …). */
  toEvent(columns: readonly string[]): CloudFrontEvent;
}

interface TimestampColumn {
  readonly column: number;
  readonly name: string;
  readonly convert: (raw: string, logName: string) => number;
}

interface FieldColumn {
  readonly column: number;
  readonly name: string;
  readonly key: EventField;
  readonly convert: FieldConverter;
  readonly query: ((raw: string) => string | null) | undefined;
}

/**
 * Resolves a CloudFront field list against the field mapping: which columns to read and how each
 * AWS log field becomes a typed event field.
 *
 * Numbers become numbers (`000` status → 0, decimal seconds stay decimal), text is percent-decoded
 * once, `cs-uri-query` is kept as logged, and `-` becomes `null`. The standard log's `cs(Host)` and
 * `x-host-header` are swapped into the real-time meaning. Real-time `cs-uri-stem` is split at the
 * first `?`; its query fills `cs_uri_query` when the list has no `cs-uri-query` column. Unknown names
 * go into `extra` as raw strings; `c-ip` and `x-forwarded-for` are dropped unless `keepClientIp`.
 * Bad values throw a `LetsflowError` with code `not_a_number` or `timestamp_invalid`.
 *
 * @example
 * ```ts
 * import { cloudfrontFields } from 'letsflow';
 *
 * const plan = cloudfrontFields('realtime', ['timestamp', 'sc-status', 'cs-uri-stem'], { keepClientIp: false });
 * const event = plan.toEvent(plan.split('1600299221.087\t000\t/a%20b?x=1'));
 * // { timestamp: 1600299221087, sc_status: 0, cs_uri_stem: '/a b', cs_uri_query: 'x=1' }
 * ```
 * @param kind the log the field list belongs to
 * @param names the field list, in column order
 * @param options privacy and field selection
 * @returns the resolved plan
 */
export function cloudfrontFields(kind: CloudFrontLogKind, names: readonly string[], options: FieldPlanOptions): FieldPlan {
  const table = kind === 'realtime' ? REALTIME : STANDARD;
  const { select, keepClientIp } = options;
  const timestamp = timestampColumns(kind, names);
  const fields: FieldColumn[] = [];
  const extras: { column: number; name: string }[] = [];
  const hasQueryColumn = names.includes('cs-uri-query');
  names.forEach((name, column) => {
    const spec = table.get(name);
    if (spec === undefined) {
      if (select === undefined) extras.push({ column, name });
      return;
    }
    if (spec.key === 'timestamp' || (spec.clientIp && !keepClientIp)) return;
    const query = spec.query !== undefined && !hasQueryColumn ? spec.query : undefined;
    const wantField = select === undefined || select.has(spec.key);
    const wantQuery = query !== undefined && (select === undefined || select.has('cs_uri_query'));
    if (wantField) fields.push({ column, name, key: spec.key, convert: spec.convert, query: wantQuery ? query : undefined });
    else if (wantQuery) fields.push({ column, name, key: 'cs_uri_query', convert: query, query: undefined });
  });
  const minColumns = timestamp.reduce((most, t) => Math.max(most, t.column + 1), 1);
  const wanted = [...new Set([...timestamp.map((t) => t.column), ...fields.map((f) => f.column)])].sort((a, b) => a - b);
  const split = select === undefined ? wholeSplitter() : selectiveSplitter(Int32Array.from(wanted));
  const timeFields = kind === 'realtime' ? 'timestamp field' : 'date and time fields (or timestamp(ms))';
  const listSize = names.length;

  // V8 turns an object into a slow dictionary once a dozen keys are added by computed name, so
  // events are cloned from a template holding the plan's keys in column order, then filled in.
  // A short line gets a template of just the fields it reaches, so absent fields stay absent.
  const templates: (Record<string, unknown> | undefined)[] = [];
  const templateFor = (reached: number): Record<string, unknown> => {
    let template = templates[reached];
    if (template === undefined) {
      const keys = ['timestamp', ...fields.slice(0, reached).flatMap((f) => (f.query === undefined ? [f.key] : [f.key, 'cs_uri_query']))];
      template = Object.fromEntries(keys.map((key) => [key, null]));
      templates[reached] = template;
    }
    return template;
  };
  const extraTemplate: Record<string, unknown> = Object.fromEntries(extras.map(({ name }) => [name, null]));

  function toEvent(columns: readonly string[]): CloudFrontEvent {
    if (timestamp.length === 0) fail('timestamp_invalid', `the field list has no ${timeFields}`);
    let time = 0;
    for (const part of timestamp) time += part.convert(columns[part.column] ?? '-', part.name);
    const count = columns.length;
    let reached = fields.length;
    while (reached > 0 && fields[reached - 1]!.column >= count) reached--; // fields are in column order
    const event: Record<string, unknown> = { ...templateFor(reached) };
    event['timestamp'] = time;
    for (let i = 0; i < reached; i++) {
      const field = fields[i]!;
      const raw = columns[field.column]!;
      event[field.key] = field.convert(raw, field.name);
      if (field.query !== undefined) event['cs_uri_query'] = field.query(raw);
    }
    if (select === undefined && (extras.length > 0 || count > listSize)) event['extra'] = extraOf(columns);
    return event as CloudFrontEvent;
  }

  function extraOf(columns: readonly string[]): Record<string, string | null> {
    const count = columns.length;
    const extra: Record<string, unknown> = count > listSize || extras.some((e) => e.column >= count) ? {} : { ...extraTemplate };
    for (const { column, name } of extras) if (column < count) extra[name] = orNull(columns[column]!);
    for (let column = listSize; column < count; column++) extra[`column-${column + 1}`] = orNull(columns[column]!);
    return extra as Record<string, string | null>;
  }

  return { names, minColumns, split, toEvent };
}

function timestampColumns(kind: CloudFrontLogKind, names: readonly string[]): TimestampColumn[] {
  const at = (name: string): TimestampColumn[] => {
    const column = names.indexOf(name);
    const convert = TIME_CONVERTERS[name];
    return column < 0 || convert === undefined ? [] : [{ column, name, convert }];
  };
  if (kind === 'realtime') return at('timestamp');
  const dateTime = [...at('date'), ...at('time')];
  return dateTime.length === 2 ? dateTime : at('timestamp(ms)');
}

/** Like `line.split('\t')`, into one reused array: a little faster, and no array per line. */
function wholeSplitter(): (line: string) => readonly string[] {
  const columns: string[] = [];
  return (line) => {
    let column = 0;
    let start = 0;
    for (let tab = line.indexOf('\t'); tab !== -1; tab = line.indexOf('\t', start)) {
      columns[column++] = line.slice(start, tab);
      start = tab + 1;
    }
    columns[column++] = line.slice(start);
    columns.length = column;
    return columns;
  };
}

/** Slices only the wanted columns, but still counts every TAB so a wrong column count is caught. */
function selectiveSplitter(wanted: Int32Array): (line: string) => readonly string[] {
  const columns: string[] = [];
  return (line) => {
    let column = 0;
    let start = 0;
    let next = 0;
    for (;;) {
      const tab = line.indexOf('\t', start);
      if (next < wanted.length && wanted[next] === column) {
        columns[column] = tab === -1 ? line.slice(start) : line.slice(start, tab);
        next++;
      }
      column++;
      if (tab === -1) break;
      start = tab + 1;
      if (next === wanted.length) {
        for (let t = line.indexOf('\t', start); t !== -1; t = line.indexOf('\t', t + 1)) column++;
        column++;
        break;
      }
    }
    columns.length = column;
    return columns;
  };
}

function fail(code: string, reason: string): never {
  throw new LetsflowError(code, 'processing', reason);
}

/** Keeps error reasons short: a broken line can hold a kilobyte in one column. */
function quoted(raw: string): string {
  return raw.length > 60 ? `'${raw.slice(0, 60)}…'` : `'${raw}'`;
}

function orNull(raw: string): string | null {
  return raw === '-' ? null : raw;
}

/**
 * The value of the decimal digits in `raw[from, to)`, or -1 if there are none or any other character.
 * Reading the digits directly skips a substring per number; the result is exact up to 15 digits.
 */
function digitsValue(raw: string, from: number, to: number): number {
  if (from >= to || to - from > 15) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = raw.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

const text: FieldConverter = (raw) => (raw === '-' ? null : percentDecode(raw));

const asLogged: FieldConverter = (raw) => (raw === '-' ? null : raw);

const wholeNumber: FieldConverter = (raw, name) => {
  if (raw === '-') return null;
  const value = digitsValue(raw, 0, raw.length);
  if (value < 0) fail('not_a_number', `${name} is not a whole number: ${quoted(raw)}`);
  return value;
};

const POWERS_OF_TEN = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

const seconds: FieldConverter = (raw, name) => {
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

const httpStatus: FieldConverter = (raw, name) => {
  if (raw === '-') return null;
  // '000' (viewer closed before a response) reads as 0 like any other three digits.
  const status = raw.length === 3 ? digitsValue(raw, 0, 3) : -1;
  if (status < 0) fail('not_a_number', `${name} is not a 3-digit HTTP status: ${quoted(raw)}`);
  return status;
};

const userAgent: FieldConverter = (raw) => {
  if (raw === '-') return null;
  // Before 2020 CloudFront encoded the UA twice (space logged as %2520); a %2520 means a second pass is due.
  return raw.includes('%2520') ? percentDecode(percentDecode(raw)) : percentDecode(raw);
};

const pathBeforeQuery: FieldConverter = (raw) => {
  if (raw === '-') return null;
  const q = raw.indexOf('?');
  return percentDecode(q === -1 ? raw : raw.slice(0, q));
};

function queryAfterPath(raw: string): string | null {
  const q = raw === '-' ? -1 : raw.indexOf('?');
  return q === -1 ? null : raw.slice(q + 1);
}

const MIN_TIME = Date.UTC(2000, 0, 1);
const END_TIME = Date.UTC(2101, 0, 1);

function inRange(ms: number, raw: string, name: string): number {
  if (ms < MIN_TIME || ms >= END_TIME) fail('timestamp_invalid', `${name} ${quoted(raw)} is outside the years 2000..2100`);
  return ms;
}

/** Epoch seconds with up to 3 decimals to integer milliseconds, from the digits: no float rounding. */
function epochSeconds(raw: string, name: string): number {
  const dot = raw.indexOf('.');
  const end = dot === -1 ? raw.length : dot;
  const decimals = dot === -1 ? 0 : raw.length - dot - 1;
  const whole = end <= 12 ? digitsValue(raw, 0, end) : -1;
  const fraction = dot === -1 ? 0 : decimals >= 1 && decimals <= 3 ? digitsValue(raw, dot + 1, raw.length) : -1;
  if (whole < 0 || fraction < 0) fail('timestamp_invalid', `${name} is not epoch seconds with up to 3 decimals: ${quoted(raw)}`);
  return inRange(whole * 1000 + fraction * POWERS_OF_TEN[3 - decimals]!, raw, name);
}

function epochMillis(raw: string, name: string): number {
  const ms = digitsValue(raw, 0, raw.length);
  if (ms < 0) fail('timestamp_invalid', `${name} is not epoch milliseconds: ${quoted(raw)}`);
  return inRange(ms, raw, name);
}

/** `YYYY-MM-DD` (UTC) to the epoch milliseconds of its midnight. */
function utcDate(raw: string, name: string): number {
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
function utcTime(raw: string, name: string): number {
  const shaped = raw.length === 8 && raw[2] === ':' && raw[5] === ':';
  const h = shaped ? digitsValue(raw, 0, 2) : -1;
  const m = shaped ? digitsValue(raw, 3, 5) : -1;
  const s = shaped ? digitsValue(raw, 6, 8) : -1;
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 59) fail('timestamp_invalid', `${name} is not a time HH:MM:SS: ${quoted(raw)}`);
  return ((h * 60 + m) * 60 + s) * 1000;
}

const TIME_CONVERTERS: Readonly<Record<string, (raw: string, logName: string) => number>> = {
  timestamp: epochSeconds,
  'timestamp(ms)': epochMillis,
  date: utcDate,
  time: utcTime,
};

type Row = readonly [logName: string, key: EventField, convert: FieldConverter, flag?: 'clientIp'];

/** Real-time names map straight onto the event's snake_case names (formats.md §1.2). */
const REALTIME_ROWS: readonly Row[] = [
  ['timestamp', 'timestamp', epochSeconds],
  ['c-ip', 'c_ip', text, 'clientIp'],
  ['s-ip', 's_ip', text],
  ['time-to-first-byte', 'time_to_first_byte', seconds],
  ['sc-status', 'sc_status', httpStatus],
  ['sc-bytes', 'sc_bytes', wholeNumber],
  ['cs-method', 'cs_method', text],
  ['cs-protocol', 'cs_protocol', text],
  ['cs-host', 'cs_host', text],
  ['cs-uri-stem', 'cs_uri_stem', pathBeforeQuery],
  ['cs-bytes', 'cs_bytes', wholeNumber],
  ['x-edge-location', 'x_edge_location', text],
  ['x-edge-request-id', 'x_edge_request_id', text],
  ['x-host-header', 'x_host_header', text],
  ['time-taken', 'time_taken', seconds],
  ['cs-protocol-version', 'cs_protocol_version', text],
  ['c-ip-version', 'c_ip_version', text],
  ['cs-user-agent', 'cs_user_agent', userAgent],
  ['cs-referer', 'cs_referer', text],
  ['cs-cookie', 'cs_cookie', text],
  ['cs-uri-query', 'cs_uri_query', asLogged],
  ['x-edge-response-result-type', 'x_edge_response_result_type', text],
  ['x-forwarded-for', 'x_forwarded_for', text, 'clientIp'],
  ['ssl-protocol', 'ssl_protocol', text],
  ['ssl-cipher', 'ssl_cipher', text],
  ['x-edge-result-type', 'x_edge_result_type', text],
  ['fle-encrypted-fields', 'fle_encrypted_fields', wholeNumber],
  ['fle-status', 'fle_status', text],
  ['sc-content-type', 'sc_content_type', text],
  ['sc-content-len', 'sc_content_len', wholeNumber],
  ['sc-range-start', 'sc_range_start', wholeNumber],
  ['sc-range-end', 'sc_range_end', wholeNumber],
  ['c-port', 'c_port', wholeNumber],
  ['x-edge-detailed-result-type', 'x_edge_detailed_result_type', text],
  ['c-country', 'c_country', text],
  ['cs-accept-encoding', 'cs_accept_encoding', text],
  ['cs-accept', 'cs_accept', text],
  ['cache-behavior-path-pattern', 'cache_behavior_path_pattern', text],
  ['cs-headers', 'cs_headers', text],
  ['cs-header-names', 'cs_header_names', text],
  ['cs-headers-count', 'cs_headers_count', wholeNumber],
  ['primary-distribution-id', 'primary_distribution_id', text],
  ['primary-distribution-dns-name', 'primary_distribution_dns_name', text],
  ['origin-fbl', 'origin_fbl', seconds],
  ['origin-lbl', 'origin_lbl', seconds],
  ['asn', 'asn', wholeNumber],
  ['distribution-tenant-id', 'distribution_tenant_id', text],
  ['connection-id', 'connection_id', text],
];

/**
 * The standard (W3C) log's own names. Its host fields mean the opposite of the real-time ones
 * (formats.md §2.3), and its cs-uri-stem never holds a query.
 */
const STANDARD_ROWS: readonly Row[] = [
  ['date', 'timestamp', utcDate],
  ['time', 'timestamp', utcTime],
  ['timestamp(ms)', 'timestamp', epochMillis],
  ['cs(Host)', 'x_host_header', text],
  ['x-host-header', 'cs_host', text],
  ['cs(Referer)', 'cs_referer', text],
  ['cs(User-Agent)', 'cs_user_agent', userAgent],
  ['cs(Cookie)', 'cs_cookie', text],
  ['cs-uri-stem', 'cs_uri_stem', text],
];

function toSpec([, key, convert, flag]: Row, query?: (raw: string) => string | null): FieldSpec {
  return { key, convert, ...(query === undefined ? {} : { query }), ...(flag === 'clientIp' ? { clientIp: true as const } : {}) };
}

const REALTIME: ReadonlyMap<string, FieldSpec> = new Map(
  REALTIME_ROWS.map((row) => [row[0], toSpec(row, row[0] === 'cs-uri-stem' ? queryAfterPath : undefined)]),
);

// Real-time-only names (timestamp, cs-host) would collide with the standard ones, so they are left out.
const STANDARD: ReadonlyMap<string, FieldSpec> = new Map([
  ...REALTIME_ROWS.filter(([name]) => name !== 'timestamp' && name !== 'cs-host').map((row) => [row[0], toSpec(row)] as const),
  ...STANDARD_ROWS.map((row) => [row[0], toSpec(row)] as const),
]);
