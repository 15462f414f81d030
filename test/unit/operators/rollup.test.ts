import { EMPTY, lastValueFrom, map, of, Subject, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { summarizeWith } from '../../../src/core/summaryKind.js';
import type { WindowResult } from '../../../src/core/windowResult.js';
import { rollup } from '../../../src/operators/rollup.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import type { TrafficSummary } from '../../../src/pipelines/cloudfront/trafficSummary.js';
import { BASE_TIME, event } from '../../helpers/factories.js';

const MIN = 60_000;
type Traffic = WindowResult<TrafficSummary>;
const thirty = (minutes: number, status: Traffic['status'], requests = 1): Traffic => ({
  period: '30min',
  start: BASE_TIME + minutes * MIN,
  status,
  summary: summarizeWith(trafficSummary, Array.from({ length: requests }, () => event({ timestamp: BASE_TIME + minutes * MIN }))),
});
const brief = (w: Traffic) => `${w.period} ${(w.start - BASE_TIME) / MIN} ${w.status} ${w.summary.requests}`;

describe('operator: rollup', () => {
  it('emits nothing for an empty source', async () => {
    expect(await lastValueFrom(EMPTY.pipe(rollup(trafficSummary), toArray()))).toEqual([]);
  });

  it('emits an hour final right after its second half, and partial parents on completion (marbles)', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
      const source = cold('a-b---c|', { a: thirty(0, 'final', 2), b: thirty(30, 'final', 3), c: thirty(60, 'partial', 1) });
      expectObservable(source.pipe(rollup(trafficSummary), map(brief))).toBe('a-(bh)c(xyz|)', {
        a: '30min 0 final 2',
        b: '30min 30 final 3',
        h: 'hourly 0 final 5',
        c: '30min 60 partial 1',
        x: 'hourly 60 partial 1',
        y: 'daily 0 partial 6',
        z: 'monthly -18720 partial 6',
      });
    });
  });

  it('counts children before the first window as empty and final', async () => {
    const out = await lastValueFrom(of(thirty(30, 'final')).pipe(rollup(trafficSummary), map(brief), toArray()));
    expect(out).toContain('hourly 0 final 1');
  });

  it('rejects windows that are not 30 minutes', async () => {
    await expect(lastValueFrom(of({ ...thirty(0, 'final'), period: 'hourly' as const }).pipe(rollup(trafficSummary)))).rejects.toThrow(/expected 30min windows/);
  });

  it('propagates a source error', async () => {
    await expect(lastValueFrom(throwError(() => new Error('boom')).pipe(rollup(trafficSummary)))).rejects.toThrow('boom');
  });

  it('emits nothing after an early unsubscribe', () => {
    const source = new Subject<Traffic>();
    const seen: Traffic[] = [];
    const subscription = source.pipe(rollup(trafficSummary)).subscribe((w) => seen.push(w));
    source.next(thirty(0, 'final'));
    subscription.unsubscribe();
    source.next(thirty(30, 'final'));
    expect(seen.map(brief)).toEqual(['30min 0 final 1']);
  });
});
