import type { Rng } from './random.js';

// The parts of object keys: UTC date and time fields, and the random ids Firehose and standard logging add.

export function utcParts(ms: number): { Y: string; M: string; D: string; h: string; m: string; s: string } {
  const iso = new Date(ms).toISOString();
  return { Y: iso.slice(0, 4), M: iso.slice(5, 7), D: iso.slice(8, 10), h: iso.slice(11, 13), m: iso.slice(14, 16), s: iso.slice(17, 19) };
}

export function uuidFrom(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 16; i++) {
    let b = Math.floor(rng() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    hex += b.toString(16).padStart(2, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uniqueFrom(rng: Rng): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < 8; i++) s += alphabet[Math.floor(rng() * alphabet.length)]!;
  return s;
}
