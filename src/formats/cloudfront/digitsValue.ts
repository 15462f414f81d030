/**
 * The value of the decimal digits in `raw[from, to)`, or -1 if there are none or any other character.
 * Reading the digits directly skips a substring per number; the result is exact up to 15 digits.
 */
export function digitsValue(raw: string, from: number, to: number): number {
  if (from >= to || to - from > 15) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = raw.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `POWERS_OF_TEN[n]` is 10^n, exactly, for n in 0..15. */
export const POWERS_OF_TEN = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
