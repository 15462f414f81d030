import { percentDecode } from '../percentDecode.js';

/**
 * Decodes an S3 access-log key field once: `+` is a space (form style, keys only —
 * `Screen+Shot+2019-09-09+at+9.08.44+AM.png`), then each valid `%XX` escape is decoded with the
 * repository's {@link percentDecode} rules (a broken escape such as `%2` or `%zz` is kept as is;
 * invalid UTF-8 becomes U+FFFD). `%2B` therefore still decodes to a literal `+`, and `%2522` to `%22`
 * (one decoding only). A key without `+` or `%` is returned as is, without a copy.
 *
 * @param raw the key as logged
 * @returns the object key
 */
export function decodeKey(raw: string): string {
  const spaced = raw.indexOf('+') === -1 ? raw : raw.replaceAll('+', ' ');
  return percentDecode(spaced);
}
