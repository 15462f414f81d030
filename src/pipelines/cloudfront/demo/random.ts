/**
 * mulberry32: a seeded PRNG with 32 bits of state. Written out here (it is five lines) because
 * `Math.random` cannot be seeded, and fast-check is a dev dependency whose arbitraries are made
 * for property tests, not for drawing millions of values per second at runtime. Its statistical
 * quality is plenty for synthetic traffic; it is not for anything security-related.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded source of uniform numbers in [0, 1), as `mulberry32` returns. */
export type Rng = () => number;

/** One of `items`, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Exponential with the given mean, plus a Pareto tail on ~2 % of draws (latencies have long tails). */
export function longTail(rng: Rng, mean: number): number {
  let v = -mean * Math.log(1 - rng());
  if (rng() < 0.02) v *= Math.min(200, Math.pow(1 - rng(), -1 / 1.3));
  return v;
}
