import fc from 'fast-check';
import { expect } from 'vitest';
import { summarizeWith, type SummaryKind } from '../../src/core/summaryKind.js';

/**
 * The monoid laws every summary kind must keep, checked on its stored form (what re-runs and
 * rollups compare): identity, commutativity, associativity, and that summarising a split list
 * and merging equals summarising the whole — plus a lossless JSON round trip.
 */
export async function checkSummaryLaws<E, S>(kind: SummaryKind<E, S>, arbEvents: fc.Arbitrary<E[]>, numRuns = 100): Promise<void> {
  const json = (s: S): string => JSON.stringify(kind.toJson(s));
  await fc.assert(
    fc.property(arbEvents, arbEvents, arbEvents, (a, b, c) => {
      const [sa, sb, sc] = [a, b, c].map((events) => summarizeWith(kind, events)) as [S, S, S];
      expect(json(kind.merge(sa, kind.empty()))).toBe(json(sa));
      expect(json(kind.merge(kind.empty(), sa))).toBe(json(sa));
      expect(json(kind.merge(sa, sb))).toBe(json(kind.merge(sb, sa)));
      expect(json(kind.merge(kind.merge(sa, sb), sc))).toBe(json(kind.merge(sa, kind.merge(sb, sc))));
      expect(json(kind.merge(sa, sb))).toBe(json(summarizeWith(kind, [...a, ...b])));
      expect(json(kind.fromJson(JSON.parse(json(sa))))).toBe(json(sa));
      expect(kind.events(kind.merge(sa, sb))).toBe(a.length + b.length);
    }),
    { numRuns },
  );
}
