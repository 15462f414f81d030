// Keeps U+FEFF: the default decoder would swallow a decoded BOM at the start of a run of escapes.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes the `%XX` escapes of a CloudFront log value exactly once, never throwing.
 *
 * `+` stays `+` (CloudFront logs a literal plus; form decoding would turn it into a space). A broken
 * escape such as a trailing `%2` (a value cut at 800 bytes) or `%zz` is kept as it is. Escaped bytes
 * are read as UTF-8, and an invalid sequence becomes U+FFFD. Input without `%` is returned as is.
 *
 * @example
 * ```ts
 * import { percentDecode } from 'letsflow';
 *
 * percentDecode('Mozilla/5.0%20(compatible;%20wpbot/1.4;%20+https://forms.gle/x)');
 * // 'Mozilla/5.0 (compatible; wpbot/1.4; +https://forms.gle/x)'
 * percentDecode('a%2');     // 'a%2'
 * percentDecode('%C3%A9');  // 'é'
 * ```
 * @param s the value as logged
 * @returns the value with each valid escape decoded once
 */
export function percentDecode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    // The native decoder handles the common, well-formed case fastest; it throws on exactly the
    // inputs (bad escapes, invalid UTF-8) that need the tolerant path below.
    return decodeURIComponent(s);
  } catch {
    return tolerantDecode(s);
  }
}

function tolerantDecode(s: string): string {
  const n = s.length;
  let out = '';
  let copyFrom = 0;
  let bytes: Uint8Array | undefined;
  let i = 0;
  while (i < n) {
    if (s.charCodeAt(i) !== 0x25 || escapeByte(s, i) < 0) {
      i++;
      continue;
    }
    // Bytes of consecutive escapes are decoded together, so a multi-byte UTF-8 character split over
    // several escapes comes out whole.
    out += s.slice(copyFrom, i);
    bytes ??= new Uint8Array(Math.floor(n / 3));
    let count = 0;
    let byte = escapeByte(s, i);
    while (byte >= 0) {
      bytes[count++] = byte;
      i += 3;
      byte = i < n && s.charCodeAt(i) === 0x25 ? escapeByte(s, i) : -1;
    }
    out += utf8.decode(bytes.subarray(0, count));
    copyFrom = i;
  }
  return out + s.slice(copyFrom);
}

/** The byte of the escape starting at `at` (which holds `%`), or -1 when it is not `%` + two hex digits. */
function escapeByte(s: string, at: number): number {
  const hi = hexValue(s.charCodeAt(at + 1));
  if (hi < 0) return -1;
  const lo = hexValue(s.charCodeAt(at + 2));
  return lo < 0 ? -1 : (hi << 4) | lo;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1; // also NaN past the end of the string
}
