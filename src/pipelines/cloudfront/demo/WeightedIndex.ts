/** Samples an index from fixed weights by binary search over the cumulative sums. */
export class WeightedIndex {
  private readonly cdf: Float64Array;

  constructor(weights: readonly number[]) {
    this.cdf = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) sum += weights[i]!;
    let acc = 0;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i]! / sum;
      this.cdf[i] = acc;
    }
    this.cdf[weights.length - 1] = 1;
  }

  sample(u: number): number {
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Zipf weights `1 / k^s` for ranks 1..n: a few items get most of the draws. */
export function zipfWeights(n: number, s: number): number[] {
  const weights: number[] = [];
  for (let k = 1; k <= n; k++) weights.push(1 / Math.pow(k, s));
  return weights;
}

/** Items with their weights → the items and a `WeightedIndex` over them. */
export function weightedOf<T>(entries: readonly (readonly [T, number])[]): { items: T[]; index: WeightedIndex } {
  return { items: entries.map((e) => e[0]), index: new WeightedIndex(entries.map((e) => e[1])) };
}
