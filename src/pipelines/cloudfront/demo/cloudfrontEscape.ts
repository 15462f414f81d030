/** Characters CloudFront percent-encodes (formats.md §2.2): ASCII 0–32, >= 127, and < > " # % { } | \ ^ ~ [ ] ` '. */
export const NEEDS_ESCAPE = /[\x00-\x20\x7f-\uffff<>"#%{}|\\^~[\]`']/;
const ESCAPE_TABLE: string[] = [];
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ESCAPE_TABLE.push(NEEDS_ESCAPE.test(ch) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : ch);
}

// The `u` flag hands astral characters (emoji) to escapeChar whole, so they encode as 4 UTF-8 bytes.
const ESCAPE_ALL = /[\x00-\x20\x7f-\u{10ffff}<>"#%{}|\\^~[\]`']/gu;
function escapeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 128) return ESCAPE_TABLE[c]!;
  let out = '';
  // A lone surrogate encodes as EF BF BD (U+FFFD), as Buffer does.
  for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * Escapes a wire value the way CloudFront writes it into a log (formats.md §2.2): bytes of
 * ASCII 0–32, >= 127 (as UTF-8) and `< > " # % { } | \ ^ ~ [ ] \` '` become `%XX`; `+` and the
 * rest stay literal. `''` becomes `-`. The result is always ASCII.
 */
export function cloudfrontEscape(value: string): string {
  if (value === '') return '-';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPE_ALL, escapeChar);
}
