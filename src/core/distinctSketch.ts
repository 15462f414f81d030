import { createHash } from 'node:crypto';

/**
 * HyperLogLog distinct counter. Merging is a register-wise max, so it is exactly
 * associative, commutative and idempotent — the properties rollups need — at a standard
 * error of 1.04/√4096 ≈ 1.6% (small sets are counted almost exactly by linear counting).
 */
export const DISTINCT_PRECISION = 12;
const REGISTERS = 1 << DISTINCT_PRECISION;
const ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);
/** Up to this many non-zero registers the JSON form lists them; past it, base64 of all. */
const SPARSE_LIMIT = 512;

export type DistinctSketch = Uint8Array;

export function emptyDistinct(): DistinctSketch {
  return new Uint8Array(REGISTERS);
}

/**
 * Register index and rank of a value, packed as `index * 64 + rank`. Callers that see the
 * same value often keep this number to skip hashing (user agents repeat heavily).
 */
export function distinctCode(value: string): number {
  const digest = createHash('sha1').update(value).digest();
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4);
  const index = high >>> (32 - DISTINCT_PRECISION);
  const rest = high & ((1 << (32 - DISTINCT_PRECISION)) - 1);
  const rank = rest !== 0 ? Math.clz32(rest) - DISTINCT_PRECISION + 1 : 32 - DISTINCT_PRECISION + Math.clz32(low) + 1;
  return index * 64 + rank;
}

export function addDistinctCode(sketch: DistinctSketch, code: number): void {
  const index = code >>> 6;
  const rank = code & 63;
  if (rank > sketch[index]!) sketch[index] = rank;
}

export function mergeDistinct(a: DistinctSketch, b: DistinctSketch): DistinctSketch {
  const out = new Uint8Array(REGISTERS);
  for (let i = 0; i < REGISTERS; i++) out[i] = Math.max(a[i]!, b[i]!);
  return out;
}

export function estimateDistinct(sketch: DistinctSketch): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < REGISTERS; i++) {
    const r = sketch[i]!;
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const raw = (ALPHA * REGISTERS * REGISTERS) / sum;
  const estimate = raw <= 2.5 * REGISTERS && zeros > 0 ? REGISTERS * Math.log(REGISTERS / zeros) : raw;
  return Math.round(estimate);
}

/** JSON form: sorted packed codes while sparse, base64 of every register once dense. */
export function distinctToJson(sketch: DistinctSketch): number[] | string {
  const codes: number[] = [];
  for (let i = 0; i < REGISTERS; i++) {
    if (sketch[i] !== 0) {
      if (codes.length === SPARSE_LIMIT) return Buffer.from(sketch).toString('base64');
      codes.push(i * 64 + sketch[i]!);
    }
  }
  return codes;
}

export function distinctFromJson(json: number[] | string): DistinctSketch {
  if (typeof json === 'string') {
    const bytes = Buffer.from(json, 'base64');
    if (bytes.length !== REGISTERS) throw new Error(`distinct sketch must have ${REGISTERS} registers, found ${bytes.length}`);
    return new Uint8Array(bytes);
  }
  const sketch = emptyDistinct();
  for (const code of json) addDistinctCode(sketch, code);
  return sketch;
}
