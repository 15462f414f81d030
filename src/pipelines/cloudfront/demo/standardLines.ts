import type { DemoRequest } from './demoRequest.js';
import { compile, type Formatter } from './lineFormatter.js';
import { REALTIME_FORMATTERS } from './realtimeFormatters.js';
import { STANDARD_FIELDS } from './standardFields.js';
import { STANDARD_FORMATTERS } from './standardFormatters.js';

const standardCache = new WeakMap<readonly string[], Formatter>();

/** A compiled standard-log line formatter for one `#Fields` list. */
export function standardLineFormatter(fields: readonly string[] = STANDARD_FIELDS): (request: DemoRequest) => string {
  let f = standardCache.get(fields);
  if (f === undefined) {
    f = compile(fields, STANDARD_FORMATTERS, REALTIME_FORMATTERS);
    standardCache.set(fields, f);
  }
  return f;
}

/** The two header lines of a standard log. */
export function standardHeaderLines(fields: readonly string[] = STANDARD_FIELDS): [string, string] {
  return ['#Version: 1.0', `#Fields: ${fields.join(' ')}`];
}

/** A standard log's lines (no trailing newlines): `#Version`, `#Fields`, then one line per request. */
export function formatStandardLines(requests: Iterable<DemoRequest>, fields: readonly string[] = STANDARD_FIELDS): string[] {
  const format = standardLineFormatter(fields);
  const lines: string[] = standardHeaderLines(fields);
  for (const r of requests) lines.push(format(r));
  return lines;
}
