import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  addKey, DEFAULT_KEY_BOUND, emptyTopKeys, MAX_KEY_CHARS, mergeTopKeys, topEntries, topKeysFromJson, topKeysToJson,
  truncateKey, type KeyStats, type TopKeys,
} from '../../../src/core/topKeys.js';

type Add = [key: string, count: number, bytes: number];

/** Keys a log can bring that a plain object would mishandle, plus many ordinary ones. */
const SPECIAL_KEYS = ['__proto__', 'constructor', 'toString', '404', '10', '9', '', 'é', '😀', 'B', 'a'];
const arbKey = (distinct: number) =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...SPECIAL_KEYS) }, { weight: 4, arbitrary: fc.nat({ max: distinct - 1 }).map((i) => `/p/${i}`) });
const arbAdds = (distinct: number, maxLength = 60): fc.Arbitrary<Add[]> =>
  fc.array(fc.tuple(arbKey(distinct), fc.integer({ min: 1, max: 5 }), fc.nat({ max: 1000 })), { maxLength });
/** Adds over only `/p/0`…: used where the union of keys must fit in a bound. */
const arbFewAdds = (distinct: number): fc.Arbitrary<Add[]> =>
  fc.array(fc.tuple(fc.nat({ max: distinct - 1 }).map((i) => `/p/${i}`), fc.integer({ min: 1, max: 5 }), fc.nat({ max: 1000 })), { maxLength: 40 });
const arbBound = fc.integer({ min: 0, max: 6 });

const build = (bound: number, adds: Add[]): TopKeys => {
  const t = emptyTopKeys(bound);
  for (const [key, count, bytes] of adds) addKey(t, key, count, bytes);
  return t;
};
const truthOf = (...lists: Add[][]): Map<string, KeyStats> => {
  const truth = new Map<string, KeyStats>();
  for (const adds of lists) {
    for (const [key, count, bytes] of adds) {
      const s = truth.get(key) ?? { count: 0, bytes: 0 };
      truth.set(key, { count: s.count + count, bytes: s.bytes + bytes });
    }
  }
  return truth;
};
const json = (t: TopKeys): string => JSON.stringify(topKeysToJson(t));

/** Every guarantee stated on `TopKeys`, checked against the exact per-key truth. */
const expectWithinBounds = (t: TopKeys, truth: Map<string, KeyStats>): void => {
  let trueCount = 0;
  let trueBytes = 0;
  for (const s of truth.values()) {
    trueCount += s.count;
    trueBytes += s.bytes;
  }
  let count = t.other.count;
  let bytes = t.other.bytes;
  for (const [key, s] of t.keys) {
    expect(truth.has(key)).toBe(true);
    count += s.count;
    bytes += s.bytes;
  }
  expect(count).toBe(trueCount);
  expect(bytes).toBe(trueBytes);
  for (const [key, real] of truth) {
    const est = t.keys.get(key) ?? { count: 0, bytes: 0 };
    expect(est.count).toBeLessThanOrEqual(real.count);
    expect(real.count).toBeLessThanOrEqual(est.count + t.error);
    expect(est.bytes).toBeLessThanOrEqual(real.bytes);
  }
  expect(t.error * (t.bound + 1)).toBeLessThanOrEqual(trueCount);
};

/**
 * The specification written plainly (a full sort for the threshold), to check the quickselect
 * and lazy-pruning implementation against.
 */
const modelPrune = (m: TopKeys): void => {
  if (m.keys.size <= m.bound) return;
  const c = [...m.keys.values()].map((s) => s.count).sort((x, y) => y - x)[m.bound]!;
  for (const [key, s] of [...m.keys]) {
    if (s.count - c <= 0) {
      m.keys.delete(key);
      m.other.count += s.count;
      m.other.bytes += s.bytes;
    } else {
      const bytes = Math.floor((s.bytes * (s.count - c)) / s.count);
      m.other.count += c;
      m.other.bytes += s.bytes - bytes;
      m.keys.set(key, { count: s.count - c, bytes });
    }
  }
  m.error += c;
};
const modelBuild = (bound: number, adds: Add[]): TopKeys => {
  const m: TopKeys = { bound, keys: new Map(), other: { count: 0, bytes: 0 }, error: 0 };
  for (const [key, count, bytes] of adds) {
    const s = m.keys.get(key);
    m.keys.set(key, { count: (s?.count ?? 0) + count, bytes: (s?.bytes ?? 0) + bytes });
    if (m.keys.size > 2 * bound) modelPrune(m);
  }
  return m;
};

describe('core: topKeys laws', () => {
  it('keeps totals exact and every key within [estimate, estimate + error], error ≤ N / (bound + 1)', () => {
    fc.assert(fc.property(arbBound, arbAdds(30, 120), (bound, adds) => {
      // Act
      const t = build(bound, adds);
      // Assess
      expectWithinBounds(t, truthOf(adds));
      expect(t.keys.size).toBeLessThanOrEqual(2 * bound);
      expectWithinBounds(topKeysFromJson(topKeysToJson(t)), truthOf(adds));
    }), { numRuns: 500 });
  });

  it('is exact while distinct keys ≤ bound', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }).chain((b) => fc.tuple(fc.constant(b), arbFewAdds(b))), ([bound, adds]) => {
      // Act
      const t = build(bound, adds);
      // Assess
      expect(new Map(t.keys)).toEqual(truthOf(adds));
      expect(t.other).toEqual({ count: 0, bytes: 0 });
      expect(t.error).toBe(0);
    }));
  });

  it('matches a plain sort-based statement of the algorithm exactly', () => {
    fc.assert(fc.property(arbBound, arbAdds(40, 200), (bound, adds) => {
      // Act
      const t = build(bound, adds);
      const m = modelBuild(bound, adds);
      // Assess
      expect(new Map(t.keys)).toEqual(m.keys);
      expect(t.other).toEqual(m.other);
      expect(t.error).toBe(m.error);
      modelPrune(m);
      expect(topKeysToJson(t)).toEqual(topKeysToJson(m));
    }), { numRuns: 500 });
  });

  it('merge is commutative exactly, with bound = min of the two', () => {
    fc.assert(fc.property(arbBound, arbAdds(20), arbBound, arbAdds(20), (ba, a, bb, b) => {
      // Prepare
      const x = build(ba, a);
      const y = build(bb, b);
      // Act
      const xy = mergeTopKeys(x, y);
      // Assess
      expect(json(xy)).toBe(json(mergeTopKeys(y, x)));
      expect(xy.bound).toBe(Math.min(ba, bb));
      expect(xy.keys.size).toBeLessThanOrEqual(xy.bound);
      expectWithinBounds(xy, truthOf(a, b));
    }), { numRuns: 500 });
  });

  it('merge is associative exactly while the union of keys ≤ bound', () => {
    const arb = fc.integer({ min: 1, max: 6 }).chain((b) => fc.tuple(fc.constant(b), arbFewAdds(b), arbFewAdds(b), arbFewAdds(b)));
    fc.assert(fc.property(arb, ([bound, a, b, c]) => {
      // Prepare
      const [x, y, z3] = [build(bound, a), build(bound, b), build(bound, c)];
      // Act
      const left = mergeTopKeys(mergeTopKeys(x, y), z3);
      const right = mergeTopKeys(x, mergeTopKeys(y, z3));
      // Assess
      expect(json(left)).toBe(json(right));
      expect(left.error).toBe(0);
      expect(new Map(left.keys)).toEqual(truthOf(a, b, c));
    }), { numRuns: 500 });
  });

  it('merge is associative within the bound otherwise: each grouping satisfies the guarantees', () => {
    fc.assert(fc.property(arbBound, arbAdds(20), arbAdds(20), arbAdds(20), (bound, a, b, c) => {
      // Prepare
      const [x, y, z3] = [build(bound, a), build(bound, b), build(bound, c)];
      const truth = truthOf(a, b, c);
      // Act
      const left = mergeTopKeys(mergeTopKeys(x, y), z3);
      const right = mergeTopKeys(x, mergeTopKeys(y, z3));
      // Assess
      expectWithinBounds(left, truth);
      expectWithinBounds(right, truth);
    }), { numRuns: 500 });
  });

  it('a merge past the bound can depend on grouping (so associativity is only within the bound)', () => {
    // Prepare: with bound 1, { x, z } is pruned away before y arrives in one grouping only
    const [x, y, z3] = [build(1, []), build(1, [['x', 1, 0], ['z', 1, 0]]), build(1, [['y', 1, 0]])];
    // Act
    const left = mergeTopKeys(mergeTopKeys(x, y), z3);
    const right = mergeTopKeys(x, mergeTopKeys(y, z3));
    // Assess
    expect(topKeysToJson(left)).toEqual({ bound: 1, keys: { y: { count: 1, bytes: 0 } }, other: { count: 2, bytes: 0 }, error: 1 });
    expect(topKeysToJson(right)).toEqual({ bound: 1, keys: {}, other: { count: 3, bytes: 0 }, error: 1 });
  });

  it('has emptyTopKeys() as identity (equal to the pruned JSON of the input)', () => {
    fc.assert(fc.property(arbBound, arbAdds(20, 100), (bound, adds) => {
      // Prepare
      const t = build(bound, adds);
      const before = json(t);
      // Act
      const right = mergeTopKeys(t, emptyTopKeys());
      const left = mergeTopKeys(emptyTopKeys(), t);
      // Assess
      expect(json(right)).toBe(before);
      expect(json(left)).toBe(before);
      expect(json(t)).toBe(before);
    }));
  });

  it('merge leaves its inputs unchanged', () => {
    fc.assert(fc.property(arbBound, arbAdds(20), arbAdds(20), (bound, a, b) => {
      // Prepare
      const [x, y] = [build(bound, a), build(bound, b)];
      const snapshot = (t: TopKeys) => JSON.stringify({ keys: [...t.keys], other: t.other, error: t.error });
      const [sx, sy] = [snapshot(x), snapshot(y)];
      // Act
      mergeTopKeys(x, y);
      // Assess
      expect(snapshot(x)).toBe(sx);
      expect(snapshot(y)).toBe(sy);
    }));
  });

  it('merging the summaries of a split list keeps the guarantees for the whole list', () => {
    fc.assert(fc.property(arbBound, arbAdds(20, 120), fc.nat(), (bound, adds, cut) => {
      // Prepare
      const at = adds.length === 0 ? 0 : cut % adds.length;
      // Act
      const merged = mergeTopKeys(build(bound, adds.slice(0, at)), build(bound, adds.slice(at)));
      // Assess
      expectWithinBounds(merged, truthOf(adds));
    }));
  });

  it('round-trips through its JSON form losslessly', () => {
    fc.assert(fc.property(arbBound, arbAdds(20, 100), (bound, adds) => {
      // Prepare
      const t = build(bound, adds);
      // Act
      const back = topKeysFromJson(JSON.parse(json(t)));
      // Assess
      expect(topKeysToJson(back)).toEqual(topKeysToJson(t));
      expect(json(back)).toBe(json(t));
    }));
  });

  it('is deterministic: the same adds give the same JSON, and below the bound so does any order', () => {
    fc.assert(fc.property(arbBound, arbAdds(20, 100), (bound, adds) => {
      // Act
      const once = json(build(bound, adds));
      const again = json(build(bound, adds));
      // Assess
      expect(again).toBe(once);
    }));
    fc.assert(fc.property(arbAdds(20, 100), (adds) => {
      // Act
      const forward = json(build(100, adds));
      const backward = json(build(100, [...adds].reverse()));
      // Assess
      expect(backward).toBe(forward);
    }));
  });
});

describe('core: topKeys', () => {
  it('keeps exact counts and bytes while distinct keys ≤ bound', () => {
    // Prepare
    const t = emptyTopKeys(3);
    // Act
    addKey(t, '/a', 1, 100);
    addKey(t, '/b');
    addKey(t, '/a', 2, 50);
    addKey(t, '/c', 1, 7);
    // Assess
    expect(topKeysToJson(t)).toEqual({
      bound: 3,
      keys: { '/a': { count: 3, bytes: 150 }, '/b': { count: 1, bytes: 0 }, '/c': { count: 1, bytes: 7 } },
      other: { count: 0, bytes: 0 },
      error: 0,
    });
    expect(emptyTopKeys().bound).toBe(DEFAULT_KEY_BOUND);
  });

  it('prunes at 2 × bound by the (bound + 1)-th count, scaling bytes and moving the rest to other', () => {
    // Prepare
    const t = emptyTopKeys(2);
    addKey(t, 'a', 5, 100);
    addKey(t, 'b', 3, 30);
    addKey(t, 'c', 2, 7);
    addKey(t, 'd', 1, 1);
    expect(t.keys.size).toBe(4);
    // Act: a fifth key passes 2 × bound; counts 5, 3, 2, 1, 1 → threshold 2
    addKey(t, 'e', 1, 1);
    // Assess
    expect([...t.keys]).toEqual([['a', { count: 3, bytes: 60 }], ['b', { count: 1, bytes: 10 }]]);
    expect(t.other).toEqual({ count: 2 + 2 + 2 + 1 + 1, bytes: 40 + 20 + 7 + 1 + 1 });
    expect(t.error).toBe(2);
  });

  it('scales bytes exactly even when bytes × count passes 2^53', () => {
    // Prepare
    const t = emptyTopKeys(1);
    addKey(t, 'a', 3, Number.MAX_SAFE_INTEGER);
    addKey(t, 'b');
    // Act: counts 3, 1, 1 → threshold 1, so a keeps floor((2^53 - 1) × 2 / 3)
    addKey(t, 'c');
    // Assess
    expect(t.keys.get('a')).toEqual({ count: 2, bytes: 6_004_799_503_160_660 });
    expect(t.other.bytes + t.keys.get('a')!.bytes).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('truncates a 57 KB key to MAX_KEY_CHARS ending in …, and counts its repeats as one key', () => {
    // Prepare
    const huge = '/' + 'x'.repeat(57 * 1024);
    const t = emptyTopKeys(10);
    // Act
    addKey(t, huge, 1, 10);
    addKey(t, huge, 1, 10);
    // Assess
    const cut = truncateKey(huge);
    expect(cut.length).toBe(MAX_KEY_CHARS);
    expect(cut).toBe(huge.slice(0, MAX_KEY_CHARS - 1) + '…');
    expect([...t.keys]).toEqual([[cut, { count: 2, bytes: 20 }]]);
    expect(truncateKey('/short')).toBe('/short');
    expect(truncateKey('x'.repeat(MAX_KEY_CHARS))).toBe('x'.repeat(MAX_KEY_CHARS));
    expect(truncateKey('abcdef', 4)).toBe('abc…');
    expect(() => truncateKey('abc', 0)).toThrow(RangeError);
  });

  it('never splits a surrogate pair at the cut', () => {
    // Prepare: the pair straddles the last kept position in one key and fits in the other
    const straddling = 'a'.repeat(MAX_KEY_CHARS - 2) + '😀' + 'tail';
    const fitting = 'a'.repeat(MAX_KEY_CHARS - 3) + '😀' + 'tail';
    // Act
    const cutStraddling = truncateKey(straddling);
    const cutFitting = truncateKey(fitting);
    // Assess
    expect(cutStraddling).toBe('a'.repeat(MAX_KEY_CHARS - 2) + '…');
    expect(cutFitting).toBe('a'.repeat(MAX_KEY_CHARS - 3) + '😀…');
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(loneSurrogate.test(cutStraddling)).toBe(false);
    expect(loneSurrogate.test(cutFitting)).toBe(false);
    expect(truncateKey('ab😀', 3)).toBe('ab…');
  });

  it('keeps keys named __proto__ and constructor as data through JSON', () => {
    // Prepare
    const t = emptyTopKeys(5);
    addKey(t, '__proto__', 2, 20);
    addKey(t, 'constructor', 1, 10);
    // Act
    const text = json(t);
    const back = topKeysFromJson(JSON.parse(text));
    // Assess
    expect(Object.keys(topKeysToJson(t).keys)).toEqual(['__proto__', 'constructor']);
    expect(text).toContain('"__proto__":{"count":2,"bytes":20}');
    expect(back.keys.get('__proto__')).toEqual({ count: 2, bytes: 20 });
    expect(back.keys.get('constructor')).toEqual({ count: 1, bytes: 10 });
    expect(back.keys.size).toBe(2);
    expect(({} as Record<string, unknown>)['count']).toBeUndefined();
  });

  it('stays within 2 × bound keys over 300k distinct keys, keeps the heavy key, and bounds the JSON', () => {
    // Prepare
    const t = emptyTopKeys(1000);
    let largest = 0;
    // Act: 300k distinct paths, and one path on every tenth request
    for (let i = 0; i < 300_000; i++) {
      addKey(t, `/assets/cache-bust/${i}.js`, 1, 100);
      if (i % 10 === 0) addKey(t, '/index.html', 1, 5000);
      largest = Math.max(largest, t.keys.size);
    }
    const text = json(t);
    // Assess
    expect(largest).toBeLessThanOrEqual(2000);
    expect(Object.keys(topKeysToJson(t).keys).length).toBeLessThanOrEqual(1000);
    expect(text.length).toBeLessThan(1_000);
    expect(Object.keys(JSON.parse(text).keys)).toEqual(['/index.html']);
    expect(t.error).toBeLessThanOrEqual(330_000 / 1001);
    const [top] = topEntries(t, 1);
    expect(top![0]).toBe('/index.html');
    expect(top![1].count).toBeGreaterThanOrEqual(30_000 - t.error);
    let count = t.other.count;
    for (const s of t.keys.values()) count += s.count;
    expect(count).toBe(330_000);
  });

  it('bounds the JSON by bound × (MAX_KEY_CHARS + stats) even for long keys that all survive', () => {
    // Prepare: 3000 distinct 2 KB keys with distinct counts, so the top 1000 survive every prune
    const t = emptyTopKeys(1000);
    // Act
    for (let i = 0; i < 3000; i++) addKey(t, `/${i}/`.padEnd(2048, 'x'), i + 1, 1_000_000);
    const text = json(t);
    // Assess
    expect(Object.keys(JSON.parse(text).keys).length).toBe(1000);
    expect(text.length).toBeLessThan(1000 * (MAX_KEY_CHARS + 64));
    expect(text.length).toBeGreaterThan(1000 * MAX_KEY_CHARS);
  });

  it('orders top entries by count, then bytes, then key in code-unit order', () => {
    // Prepare
    const t = emptyTopKeys(10);
    addKey(t, 'b', 2, 10);
    addKey(t, 'a', 2, 10);
    addKey(t, 'c', 2, 20);
    addKey(t, 'd', 3, 0);
    addKey(t, 'B', 2, 10);
    addKey(t, 'e', 1, 99);
    // Act
    const all = topEntries(t, 10);
    const two = topEntries(t, 2);
    // Assess
    expect(all.map(([k]) => k)).toEqual(['d', 'c', 'B', 'a', 'b', 'e']);
    expect(two).toEqual([['d', { count: 3, bytes: 0 }], ['c', { count: 2, bytes: 20 }]]);
    expect(topEntries(t, 0)).toEqual([]);
    two[0]![1].count = 100;
    expect(t.keys.get('d')!.count).toBe(3);
  });

  it('rejects what topKeysToJson could not have written with a ZodError', () => {
    // Prepare
    const good = { bound: 2, keys: { a: { count: 1, bytes: 0 } }, other: { count: 3, bytes: 0 }, error: 1 };
    const bad: unknown[] = [
      null,
      { ...good, bound: -1 },
      { ...good, keys: { a: { count: -1, bytes: 0 } } },
      { ...good, keys: { a: { count: 1.5, bytes: 0 } } },
      { ...good, keys: { a: { count: 1 } } },
      { ...good, keys: [['a', { count: 1, bytes: 0 }]] },
      { ...good, extra: 1 },
      { ...good, keys: { a: { count: 1, bytes: 0 }, b: { count: 1, bytes: 0 }, c: { count: 1, bytes: 0 } } },
      { ...good, keys: { ['x'.repeat(MAX_KEY_CHARS + 1)]: { count: 1, bytes: 0 } } },
      { ...good, error: 2 },
    ];
    // Act + Assess
    expect(topKeysFromJson(good).keys.get('a')).toEqual({ count: 1, bytes: 0 });
    for (const input of bad) expect(() => topKeysFromJson(input), JSON.stringify(input)?.slice(0, 80)).toThrow(z.ZodError);
  });

  it('stores new keys detached, so a kept key does not pin the chunk it was sliced from', () => {
    // Prepare: 8 chunks of 8 MB; one short and one over-long key sliced out of each
    v8.setFlagsFromString('--expose_gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const t = emptyTopKeys(100);
    gc();
    const before = process.memoryUsage().heapUsed;
    // Act
    for (let i = 0; i < 8; i++) {
      const chunk = `chunk-${i}-`.padEnd(8_000_000, 'q').toLowerCase();
      addKey(t, chunk.slice(0, 200));
      addKey(t, chunk.slice(0, MAX_KEY_CHARS + 500));
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    // Assess: sliced keys would hold all 64 MB
    expect(t.keys.size).toBe(16);
    expect(retained).toBeLessThan(24_000_000);
  });
});
