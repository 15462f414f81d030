import type { DemoRequest } from './demoRequest.js';
import { compile, type Formatter } from './lineFormatter.js';
import { REALTIME_FORMATTERS } from './realtimeFormatters.js';

const realtimeCache = new WeakMap<readonly string[], Formatter>();

/** A compiled real-time line formatter for one field list (what `formatRealtimeLine` uses). */
export function realtimeLineFormatter(fields: readonly string[]): (request: DemoRequest) => string {
  let f = realtimeCache.get(fields);
  if (f === undefined) {
    f = compile(fields, REALTIME_FORMATTERS);
    realtimeCache.set(fields, f);
  }
  return f;
}

/**
 * One real-time log line (no trailing newline): the values of `fields`, in that order,
 * tab-separated, escaped as CloudFront does; `-` for empty or unknown fields.
 */
export function formatRealtimeLine(request: DemoRequest, fields: readonly string[]): string {
  return realtimeLineFormatter(fields)(request);
}
