import { cloudfrontEscape } from './cloudfrontEscape.js';

const ESCAPE_MEMO_LIMIT = 50_000;
const escapeMemo = new Map<string, string>();
/** cloudfrontEscape for values from small pools (user agents, referers, paths): memoized. */
export function escapePooled(value: string): string {
  let out = escapeMemo.get(value);
  if (out === undefined) {
    out = cloudfrontEscape(value);
    if (escapeMemo.size >= ESCAPE_MEMO_LIMIT) escapeMemo.clear();
    escapeMemo.set(value, out);
  }
  return out;
}

// Queries are mostly unique (timestamps, page numbers), so they skip the memo; a line may need
// the escaped query twice (cs-uri-stem and cs-uri-query), hence this one-entry cache.
let lastQuery = '';
let lastQueryEscaped = '-';
export function escapeQuery(query: string): string {
  if (query !== lastQuery) {
    lastQuery = query;
    lastQueryEscaped = cloudfrontEscape(query);
  }
  return lastQueryEscaped;
}
