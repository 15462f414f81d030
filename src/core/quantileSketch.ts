/**
 * Quantiles of non-negative whole milliseconds, as a log-bucketed histogram (DDSketch's
 * mapping): bucket i ≥ 1 holds values in (γ^(i-2), γ^(i-1)], bucket 0 holds zero. Merging adds
 * bucket counts, so it is exact, associative and commutative; any quantile it reports is
 * within 1% (relative) of a value in the data. A range of 1 ms to 1 hour needs at most ~770
 * buckets, whatever the number of values.
 */
export const QUANTILE_RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + QUANTILE_RELATIVE_ACCURACY) / (1 - QUANTILE_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

export interface QuantileSketch {
  count: number;
  /** Exact sum of the values, for the mean. */
  sum: number;
  /** Bucket index → count. */
  buckets: Map<number, number>;
}

export function emptyQuantiles(): QuantileSketch {
  return { count: 0, sum: 0, buckets: new Map() };
}

const bucketOf = (ms: number): number => (ms <= 0 ? 0 : Math.ceil(Math.log(ms) / LOG_GAMMA) + 1);
/** Buckets of 0–65,535 ms precomputed: nearly every request takes less, and a lookup beats a logarithm per event. */
const SMALL_BUCKETS = Uint16Array.from({ length: 65_536 }, (_, ms) => bucketOf(ms));

export function quantileBucket(ms: number): number {
  return ms >= 0 && ms < SMALL_BUCKETS.length && Number.isInteger(ms) ? SMALL_BUCKETS[ms]! : bucketOf(ms);
}

export function addQuantile(sketch: QuantileSketch, ms: number): void {
  const bucket = quantileBucket(ms);
  sketch.count++;
  sketch.sum += ms;
  sketch.buckets.set(bucket, (sketch.buckets.get(bucket) ?? 0) + 1);
}

export function mergeQuantiles(a: QuantileSketch, b: QuantileSketch): QuantileSketch {
  const buckets = new Map(a.buckets);
  for (const [bucket, n] of b.buckets) buckets.set(bucket, (buckets.get(bucket) ?? 0) + n);
  return { count: a.count + b.count, sum: a.sum + b.sum, buckets };
}

/** The q-quantile (0 ≤ q ≤ 1) in milliseconds, or `null` when the sketch is empty. */
export function quantile(sketch: QuantileSketch, q: number): number | null {
  if (sketch.count === 0) return null;
  const rank = Math.floor(q * (sketch.count - 1));
  let seen = 0;
  for (const bucket of [...sketch.buckets.keys()].sort((x, y) => x - y)) {
    seen += sketch.buckets.get(bucket)!;
    if (seen > rank) return bucket === 0 ? 0 : round3((2 * GAMMA ** (bucket - 1)) / (GAMMA + 1));
  }
  return null;
}

export function meanOf(sketch: QuantileSketch): number | null {
  return sketch.count === 0 ? null : round3(sketch.sum / sketch.count);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export interface QuantileSketchJson {
  count: number;
  sum: number;
  buckets: Record<string, number>;
}

export function quantilesToJson(sketch: QuantileSketch): QuantileSketchJson {
  const keys = [...sketch.buckets.keys()].sort((x, y) => x - y);
  return { count: sketch.count, sum: sketch.sum, buckets: Object.fromEntries(keys.map((k) => [String(k), sketch.buckets.get(k)!])) };
}

export function quantilesFromJson(json: QuantileSketchJson): QuantileSketch {
  return { count: json.count, sum: json.sum, buckets: new Map(Object.entries(json.buckets).map(([k, n]) => [Number(k), n])) };
}
