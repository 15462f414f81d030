import type { DemoRequest } from './demoRequest.js';

/** Writes one field of a log line for a request, escaped as CloudFront does. */
export type Formatter = (r: DemoRequest) => string;

/** The formatter of a field the demo leaves empty. */
export const dash: Formatter = () => '-';

/** One line formatter for a field list: each name's formatter from `table`, else `fallback`, else `dash`. */
export function compile(fields: readonly string[], table: Readonly<Record<string, Formatter>>, fallback?: Readonly<Record<string, Formatter>>): Formatter {
  const fns: Formatter[] = fields.map((f) => (Object.hasOwn(table, f) ? table[f]! : fallback !== undefined && Object.hasOwn(fallback, f) ? fallback[f]! : dash));
  const n = fns.length;
  if (n === 0) return () => '';
  // join() builds one flat string; `+=` would build a rope of 2n pieces that gets flattened later.
  const values: string[] = new Array<string>(n).fill('');
  return (r) => {
    for (let i = 0; i < n; i++) values[i] = fns[i]!(r);
    return values.join('\t');
  };
}
