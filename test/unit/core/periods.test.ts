import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childStarts, parseTimeKey, PERIODS, timeKey, windowEnd, windowStart } from '../../../src/core/periods.js';

describe('core: periods', () => {
  it.each([
    ['30min', '2026-02-16-1430'],
    ['hourly', '2026-02-16-14'],
    ['daily', '2026-02-16'],
    ['monthly', '2026-02'],
  ] as const)('names the %s window of 2026-02-16T14:47Z %s', (period, key) => {
    expect(timeKey(period, windowStart(period, Date.UTC(2026, 1, 16, 14, 47, 12)))).toBe(key);
  });

  it('round-trips every window start through its time key', () => {
    fc.assert(fc.property(fc.constantFrom(...PERIODS), fc.integer({ min: 946684800000, max: 4102444800000 }), (period, t) => {
      const start = windowStart(period, t);
      expect(start).toBeLessThanOrEqual(t);
      expect(windowEnd(period, start)).toBeGreaterThan(t);
      expect(parseTimeKey(period, timeKey(period, start))).toBe(start);
    }));
  });

  it('rejects keys that are not windows', () => {
    expect(parseTimeKey('30min', '2026-02-16-1445')).toBeUndefined();
    expect(parseTimeKey('daily', '2026-02-30')).toBeUndefined();
    expect(parseTimeKey('hourly', '../../etc')).toBeUndefined();
  });

  it('splits an hour into two 30-minute windows, a day into 24 hours and February 2028 into 29 days', () => {
    expect(childStarts('hourly', Date.UTC(2026, 1, 16, 14))).toHaveLength(2);
    expect(childStarts('daily', Date.UTC(2026, 1, 16))).toHaveLength(24);
    expect(childStarts('monthly', Date.UTC(2028, 1, 1))).toHaveLength(29);
  });
});
