import { z } from 'zod';

/**
 * Per-key counts and bytes in bounded space: a Misra–Gries "frequent items" summary in the
 * mergeable form of Agarwal et al., "Mergeable summaries" (PODS 2012). Window summaries count
 * requests per path and per key; one crawler or cache-busting path segment can bring millions
 * of distinct keys, and an exact map would make that window's summary — and every rollup of
 * it — as large as its input. This keeps at most `bound` keys once pruned, whatever the input,
 * and is exact until more than `bound` distinct keys are seen.
 *
 * Guarantees, for any sequence of `addKey`, `mergeTopKeys` and JSON round trips, where
 * N is the total count added and `true(k)` a key's real count:
 * - Totals are exact: the tracked keys plus `other` sum to the true totals, counts and bytes.
 * - Every key's estimate (0 when untracked) undercounts by at most `error`:
 *   est(k) ≤ true(k) ≤ est(k) + error; a byte estimate never exceeds the key's true bytes.
 * - `error` ≤ N / (bound + 1), so a key with a larger share of N is always tracked.
 * - While at most `bound` distinct keys were seen: exact counts and bytes, `other` {0, 0}, `error` 0.
 * - `mergeTopKeys` is exactly commutative and has `emptyTopKeys()` as identity (up to the
 *   pruning `topKeysToJson` does anyway). It is exactly associative while the union of keys
 *   fits in `bound`; past that, groupings may give different estimates, each within the bounds above.
 * Counts and bytes are non-negative integers; totals stay exact while below 2^53.
 */
export interface TopKeys {
  /** Most keys kept after pruning; between prunes `addKey` lets the map grow to twice this. */
  readonly bound: number;
  /** Tracked keys and their estimated (never over-counted) counts and bytes. */
  readonly keys: Map<string, KeyStats>;
  /** Mass not attributed to a tracked key: what pruning took off, so totals stay exact. */
  other: KeyStats;
  /** Largest possible undercount of any key's count: the sum of every prune's threshold. 0 while exact. */
  error: number;
}

export interface KeyStats {
  count: number;
  bytes: number;
}

/**
 * Distinct keys kept exactly. A window rarely has more distinct paths than this; when it does,
 * its JSON stays under ~1,000 × (key + 40) bytes and every key above 0.1% of requests is kept.
 */
export const DEFAULT_KEY_BOUND = 1000;

/**
 * Longest key stored, in UTF-16 code units. Log fields are attacker-controlled (a 57 KB URI is
 * a valid request line); without a cap one key could outweigh the whole bound.
 */
export const MAX_KEY_CHARS = 1024;

const ELLIPSIS = '…';

/**
 * A copy of a string that does not share memory with the text it was sliced from. Keys kept in
 * a summary outlive the decoded chunk their line came from; V8's sliced strings would keep the
 * whole chunk alive.
 */
const detached = (s: string): string => (' ' + s).slice(1);

/**
 * `key` cut to at most `max` code units, the last one '…' when cut, so a reader can tell a
 * key was cut. The cut never splits a surrogate pair (the JSON stays well-formed
 * UTF-16). A key that fits comes back as is (no copy on the hot path); a cut key is a fresh
 * string that does not pin `key`'s memory, and `addKey` detaches a fitting key itself when it
 * stores it as new. Keys longer than `max` that share their first `max - 1` units become one key.
 */
export function truncateKey(key: string, max = MAX_KEY_CHARS): string {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`key length limit must be a positive integer, got ${max}`);
  if (key.length <= max) return key;
  let end = max - 1;
  const last = key.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return (' ' + key.slice(0, end) + ELLIPSIS).slice(1);
}

/** An empty summary; it is `mergeTopKeys`'s identity for any `bound` at least the other side's. */
export function emptyTopKeys(bound = DEFAULT_KEY_BOUND): TopKeys {
  if (!Number.isSafeInteger(bound) || bound < 0) throw new RangeError(`key bound must be a non-negative integer, got ${bound}`);
  return { bound, keys: new Map(), other: { count: 0, bytes: 0 }, error: 0 };
}

/**
 * Adds `count` occurrences and `bytes` bytes to `key`, in place. This runs once per event and
 * key, so a known key costs one map lookup and no allocation; a new key is truncated and
 * detached before it is stored. The map may grow to 2 × bound before it is pruned back to at
 * most `bound`: a prune costs O(size) and comes at most once per `bound` new keys, so adding is
 * amortized O(1).
 */
export function addKey(t: TopKeys, key: string, count = 1, bytes = 0): void {
  const k = key.length > MAX_KEY_CHARS ? truncateKey(key) : key;
  const stats = t.keys.get(k);
  if (stats !== undefined) {
    stats.count += count;
    stats.bytes += bytes;
    return;
  }
  t.keys.set(k === key ? detached(key) : k, { count, bytes });
  if (t.keys.size > 2 * t.bound) prune(t);
}

/**
 * Merge of two summaries, as if their inputs had been added to one (within the guarantees on
 * `TopKeys`): counters add key-wise, `other` and `error` add, and the result is pruned to
 * min(a.bound, b.bound) keys. Inputs are not modified.
 */
export function mergeTopKeys(a: TopKeys, b: TopKeys): TopKeys {
  const keys = new Map<string, KeyStats>();
  for (const [k, s] of a.keys) keys.set(k, { count: s.count, bytes: s.bytes });
  for (const [k, s] of b.keys) {
    const t = keys.get(k);
    if (t) {
      t.count += s.count;
      t.bytes += s.bytes;
    } else {
      keys.set(k, { count: s.count, bytes: s.bytes });
    }
  }
  const out: TopKeys = {
    bound: Math.min(a.bound, b.bound),
    keys,
    other: { count: a.other.count + b.other.count, bytes: a.other.bytes + b.other.bytes },
    error: a.error + b.error,
  };
  prune(out);
  return out;
}

/**
 * The `n` tracked keys with the largest counts (then bytes, then key in code-unit order), so a
 * "top paths" table is deterministic when counts tie. Counts are the estimates: each may be up
 * to `t.error` below the truth. The stats are copies.
 */
export function topEntries(t: TopKeys, n: number): [string, KeyStats][] {
  if (!(n > 0)) return [];
  const entries: [string, KeyStats][] = [];
  for (const [k, s] of t.keys) entries.push([k, { count: s.count, bytes: s.bytes }]);
  entries.sort(([ka, a], [kb, b]) => b.count - a.count || b.bytes - a.bytes || (ka < kb ? -1 : ka > kb ? 1 : 0));
  return entries.length > n ? entries.slice(0, n) : entries;
}

/**
 * The stored form: a copy pruned to `bound` keys (so its size is bounded, and a summary between
 * prunes serialises like its pruned self), keys inserted in code-unit order so equal summaries
 * give equal bytes under `JSON.stringify`. (JavaScript itself lists integer-like keys such as
 * "404" first, in numeric order; the order is still a function of the set of keys.)
 */
export function topKeysToJson(t: TopKeys): {
  bound: number;
  keys: Record<string, { count: number; bytes: number }>;
  other: { count: number; bytes: number };
  error: number;
} {
  const p = t.keys.size > t.bound ? mergeTopKeys(t, emptyTopKeys(t.bound)) : t;
  // The default sort compares strings by UTF-16 code units.
  const names = [...p.keys.keys()].sort();
  return {
    bound: p.bound,
    // Object.fromEntries defines own properties, so a key named "__proto__" stays data.
    keys: Object.fromEntries(names.map((k) => {
      const s = p.keys.get(k)!;
      return [k, { count: s.count, bytes: s.bytes }];
    })),
    other: { count: p.other.count, bytes: p.other.bytes },
    error: p.error,
  };
}

const isPlainObject = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const nat = z.number().int().nonnegative();
const statsSchema = z.object({ count: nat, bytes: nat }).strict();

/**
 * The stored form, read as entries: keys come from logs, and a key such as `__proto__` must
 * stay data (zod's record drops it). Beyond shapes it checks what `topKeysToJson` guarantees —
 * at most `bound` keys of at most MAX_KEY_CHARS, and `error` ≤ other.count / (bound + 1) (each
 * prune moves at least bound + 1 times its threshold into `other`) — so a corrupt or hand-made
 * summary is rejected rather than trusted.
 */
const topKeysJsonSchema = z
  .object({
    bound: nat,
    keys: z
      .custom<Record<string, unknown>>(isPlainObject, { message: 'expected an object of key → { count, bytes }' })
      .transform((v) => Object.entries(v))
      .pipe(z.array(z.tuple([z.string().max(MAX_KEY_CHARS), statsSchema]))),
    other: statsSchema,
    error: nat,
  })
  .strict()
  .superRefine((j, ctx) => {
    if (j.keys.length > j.bound) {
      ctx.addIssue({ code: 'custom', path: ['keys'], message: `${j.keys.length} keys exceed the bound of ${j.bound}` });
    }
    if (j.error * (j.bound + 1) > j.other.count) {
      ctx.addIssue({ code: 'custom', path: ['error'], message: `error ${j.error} exceeds other.count / (bound + 1)` });
    }
  });

/** Reads the stored form back; throws a ZodError on anything `topKeysToJson` could not have written. */
export function topKeysFromJson(json: unknown): TopKeys {
  const j = topKeysJsonSchema.parse(json);
  return {
    bound: j.bound,
    keys: new Map(j.keys.map(([k, s]) => [k, { count: s.count, bytes: s.bytes }])),
    other: { count: j.other.count, bytes: j.other.bytes },
    error: j.error,
  };
}

/**
 * Prunes `t` in place to at most `bound` keys (Misra–Gries): c is the (bound + 1)-th largest
 * count; every key loses c, a key left with ≤ 0 is dropped; a kept key keeps its share of bytes,
 * floor(bytes × newCount / oldCount). What is taken off goes to `other`, and `error` grows by c.
 */
function prune(t: TopKeys): void {
  const { keys, bound, other } = t;
  if (keys.size <= bound) return;
  const counts = new Float64Array(keys.size);
  let i = 0;
  for (const s of keys.values()) counts[i++] = s.count;
  const c = kthLargest(counts, bound);
  for (const [k, s] of keys) {
    if (s.count <= c) {
      keys.delete(k);
      other.count += s.count;
      other.bytes += s.bytes;
    } else {
      const kept = s.count - c;
      const bytes = shareOf(s.bytes, kept, s.count);
      other.count += c;
      other.bytes += s.bytes - bytes;
      s.count = kept;
      s.bytes = bytes;
    }
  }
  t.error += c;
}

/** floor(bytes × part / whole), exact even when the product passes 2^53. */
function shareOf(bytes: number, part: number, whole: number): number {
  const product = bytes * part;
  if (Number.isSafeInteger(product) || !Number.isSafeInteger(bytes)) return Math.floor(product / whole);
  return Number((BigInt(bytes) * BigInt(part)) / BigInt(whole));
}

/**
 * The value at 0-based rank `k` in descending order (quickselect, median-of-three pivot), in
 * expected O(length); `a` is reordered. Sorting would make a prune O(n log n).
 */
function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const p = a[lo]!;
    const q = a[(lo + hi) >>> 1]!;
    const r = a[hi]!;
    const pivot = p < q ? (q < r ? q : p < r ? r : p) : p < r ? p : q < r ? r : q;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[lo]!;
}
