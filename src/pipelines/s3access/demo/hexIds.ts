import type { Rng } from '../../cloudfront/demo/random.js';

const HEX = '0123456789ABCDEF';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `n` upper-case hex digits: S3 request ids (16) and access-log object keys' unique strings (16). */
export function upperHex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[Math.floor(rng() * 16)]!;
  return s;
}

/** `n` lower-case hex digits (presigned URL signatures). */
export function lowerHex(rng: Rng, n: number): string {
  return upperHex(rng, n).toLowerCase();
}

/**
 * A Host Id (`x-amz-id-2`, field 19): base64 of 56 random bytes, 76 characters ending in `=`,
 * like `s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=`.
 */
export function hostId(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 75; i++) s += BASE64[Math.floor(rng() * 64)]!;
  // 56 bytes leave 4 spare bits in the last character: only every fourth one can precede `=`.
  return `${s.slice(0, 74)}${BASE64[Math.floor(rng() * 16) * 4]!}=`;
}
