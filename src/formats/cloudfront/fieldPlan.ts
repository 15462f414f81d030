import type { CloudFrontEvent, EventField } from './event.js';
import { fail } from './fail.js';
import { REALTIME, STANDARD } from './fieldTable.js';
import { selectiveSplitter, wholeSplitter } from './lineSplitters.js';
import { TIME_CONVERTERS } from './timeConverters.js';
import { queryNames, type FieldConverter, type FieldValue, type QueryStringMode } from './valueConverters.js';

/** Which CloudFront log a field list comes from; the two name some fields differently. */
export type CloudFrontLogKind = 'realtime' | 'standard';

export interface FieldPlanOptions {
  readonly keepClientIp: boolean;
  /** Keep `cs-cookie` / `cs(Cookie)` (sessions, tokens); dropped, like viewer IPs, when false or absent. */
  readonly keepCookies?: boolean | undefined;
  /** How much of a query string to keep: `off` (`null`, when absent), `names` or `whole` (as logged). */
  readonly queryStrings?: QueryStringMode | undefined;
  /** Read only these event fields (plus `timestamp`); every field, and unknown ones into `extra`, when absent. */
  readonly select?: ReadonlySet<string> | undefined;
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
  readonly query: ((raw: string, logName: string) => string | null) | undefined;
}

/**
 * Resolves a CloudFront field list against the field mapping: which columns to read and how each
 * AWS log field becomes a typed event field.
 *
 * Numbers become numbers (`000` status → 0, decimal seconds stay decimal), text is percent-decoded
 * once, and `-` becomes `null`. The standard log's `cs(Host)` and `x-host-header` are swapped into
 * the real-time meaning. Real-time `cs-uri-stem` is split at the first `?`; its query fills
 * `cs_uri_query` when the list has no `cs-uri-query` column. Personal data is dropped unless asked
 * for: `c-ip` and `x-forwarded-for` unless `keepClientIp`, the cookie unless `keepCookies`, and
 * `cs_uri_query` is `null` unless `queryStrings` is `names` (parameter names only) or `whole` (as
 * logged, not decoded). Unknown names go into `extra` as raw strings. Bad values throw a
 * `LetsflowError` with code `not_a_number` or `timestamp_invalid`.
 *
 * @example
 * ```ts
 * import { cloudfrontFields } from 'letsflow';
 *
 * const plan = cloudfrontFields('realtime', ['timestamp', 'sc-status', 'cs-uri-stem'], { keepClientIp: false, queryStrings: 'names' });
 * const event = plan.toEvent(plan.split('1600299221.087\t000\t/a%20b?x=1&token=t0'));
 * // { timestamp: 1600299221087, sc_status: 0, cs_uri_stem: '/a b', cs_uri_query: 'x&token' }
 * ```
 * @param kind the log the field list belongs to
 * @param names the field list, in column order
 * @param options privacy (`keepClientIp`, `keepCookies`, `queryStrings`) and field selection
 * @returns the resolved plan
 */
export function cloudfrontFields(kind: CloudFrontLogKind, names: readonly string[], options: FieldPlanOptions): FieldPlan {
  const table = kind === 'realtime' ? REALTIME : STANDARD;
  const { select, keepClientIp, keepCookies = false, queryStrings = 'off' } = options;
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
    if (spec.key === 'timestamp' || (spec.clientIp && !keepClientIp) || (spec.cookie && !keepCookies)) return;
    const query = spec.query !== undefined && !hasQueryColumn ? limitQuery(spec.query, queryStrings) : undefined;
    const convert = spec.key === 'cs_uri_query' ? limitQuery(spec.convert, queryStrings) : spec.convert;
    const wantField = select === undefined || select.has(spec.key);
    const wantQuery = query !== undefined && (select === undefined || select.has('cs_uri_query'));
    if (wantField) fields.push({ column, name, key: spec.key, convert, query: wantQuery ? query : undefined });
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
      if (field.query !== undefined) event['cs_uri_query'] = field.query(raw, field.name);
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

/** A query extractor limited to what `mode` keeps; `whole` is the extractor itself. */
function limitQuery<V extends FieldValue>(extract: (raw: string, logName: string) => V, mode: QueryStringMode): (raw: string, logName: string) => V | null {
  if (mode === 'whole') return extract;
  if (mode === 'off') return () => null;
  return (raw, logName) => {
    const query = extract(raw, logName);
    return (typeof query === 'string' ? queryNames(query) : query) as V;
  };
}

function orNull(raw: string): string | null {
  return raw === '-' ? null : raw;
}
