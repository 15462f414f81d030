import { describe, expect, it } from 'vitest';
import { blockerFor } from '../../../src/engine/finality.js';
import { S3_ACCESS_FINALITY } from '../../../src/pipelines/s3access/definition.js';
import { keyDate } from '../../../src/sources/keyDate.js';

const HOUR = 3_600_000;

describe('source: keyDate of S3 server access-log keys', () => {
  it.each([
    ['logs/2013-11-01-21-32-16-E568B2907131C0C0', Date.UTC(2013, 10, 1, 21)],
    ['transfers-bucket/2026-06-01-10-59-59-0123456789ABCDEF', Date.UTC(2026, 5, 1, 10)],
    ['2026-06-01-00-00-01-0123456789ABCDEF', Date.UTC(2026, 5, 1, 0)],
    ['cache-bucket/123456789012/us-east-1/cache/2026/06/01/2026-06-01-13-05-00-0123456789ABCDEF', Date.UTC(2026, 5, 1, 13)],
  ])('dates %s by the hour it was delivered in', (key, start) => {
    expect(keyDate(key)).toEqual({ start, end: start + HOUR });
  });

  it('dates an EventTime partition (time zeroed) by its whole day', () => {
    const key = 'p/123456789012/us-east-1/b/2026/06/01/2026-06-01-00-00-00-0123456789ABCDEF';
    expect(keyDate(key)).toEqual({ start: Date.UTC(2026, 5, 1), end: Date.UTC(2026, 5, 2) });
  });

  it.each([
    ['logs/2026-02-30-10-00-00-0123456789ABCDEF'],
    ['logs/2026-06-01-24-00-00-0123456789ABCDEF'],
    ['logs/2026-06-01-10-61-00-0123456789ABCDEF'],
  ])('has no date for an impossible time: %s', (key) => {
    expect(keyDate(key)).toBeUndefined();
  });

  it('leaves other keys as they were', () => {
    expect(keyDate('logs/2026-06-01-10-00-00-short')).toBeUndefined();
    expect(keyDate('cloudfront-realtime/2026/06/01/10/stream-1')).toEqual({ start: Date.UTC(2026, 5, 1, 10), end: Date.UTC(2026, 5, 1, 11) });
  });

  it('lets a pending access-log object block only the hours around its delivery', () => {
    const b = blockerFor('transfers-bucket/2026-06-01-10-20-00-0123456789ABCDEF', S3_ACCESS_FINALITY);
    expect(b).toEqual({ from: Date.UTC(2026, 5, 1, 10) - HOUR - S3_ACCESS_FINALITY.latenessMs, to: Date.UTC(2026, 5, 1, 11) + S3_ACCESS_FINALITY.latenessMs });
  });
});
