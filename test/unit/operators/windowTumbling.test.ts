import { EMPTY, lastValueFrom, map, of, Subject, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { windowTumbling } from '../../../src/operators/windowTumbling.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import { BASE_TIME, event } from '../../helpers/factories.js';

const MIN = 60_000;
const at = (minutes: number): CloudFrontEvent => event({ timestamp: BASE_TIME + minutes * MIN });
const brief = (w: { start: number; status: string; summary: { requests: number } }) => [(w.start - BASE_TIME) / MIN, w.status, w.summary.requests];
const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('operator: windowTumbling', () => {
  it('emits nothing for an empty source and completes', async () => {
    expect(await lastValueFrom(EMPTY.pipe(windowTumbling({ kind: trafficSummary, lateness: 0 }), toArray()))).toEqual([]);
  });

  it('flushes a single open window as partial on completion', async () => {
    const out = await lastValueFrom(of([at(5)]).pipe(windowTumbling({ kind: trafficSummary, lateness: 0 }), toArray()));
    expect(out.map(brief)).toEqual([[0, 'partial', 1]]);
  });

  it('emits a window final when the watermark passes its end and flushes the open one on completion (marbles)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a---b---|', { a: [at(1)], b: [at(31)] });
      const out = source.pipe(windowTumbling({ kind: trafficSummary, lateness: 0 }), map((w) => brief(w).join(' ')));
      expectObservable(out).toBe('----x---(y|)', { x: '0 final 1', y: '30 partial 1' });
    });
  });

  it('emits the empty windows between two busy ones, final, in order', async () => {
    const out = await lastValueFrom(of([at(1)], [at(95)], [at(200)]).pipe(windowTumbling({ kind: trafficSummary, lateness: 10 * MIN }), toArray()));
    expect(out.map(brief)).toEqual([
      [0, 'final', 1], [30, 'final', 0], [60, 'final', 0], [90, 'final', 1], [120, 'final', 0], [150, 'final', 0], [180, 'partial', 1],
    ]);
  });

  it('puts an event exactly at a window end into the next window', async () => {
    const out = await lastValueFrom(of([at(29), at(30)]).pipe(windowTumbling({ kind: trafficSummary, lateness: 0 }), toArray()));
    expect(out.map(brief)).toEqual([[0, 'final', 1], [30, 'partial', 1]]);
  });

  it('uses the period it is given', async () => {
    const out = await lastValueFrom(of([at(1), at(59)], [at(61)]).pipe(windowTumbling({ kind: trafficSummary, period: 'hourly', lateness: 0 }), toArray()));
    expect(out.map((w) => [w.period, ...brief(w)])).toEqual([['hourly', 0, 'final', 2], ['hourly', 60, 'partial', 1]]);
  });

  it('sends late events to onLate and never into a window', async () => {
    const late: CloudFrontEvent[] = [];
    const out = await lastValueFrom(of([at(1), at(120)], [at(2)]).pipe(windowTumbling({ kind: trafficSummary, lateness: 0, onLate: (e) => late.push(e) }), toArray()));
    expect(late).toEqual([at(2)]);
    expect(out.reduce((n, w) => n + w.summary.requests, 0)).toBe(2);
  });

  it('propagates a source error', async () => {
    await expect(lastValueFrom(throwError(() => new Error('boom')).pipe(windowTumbling({ kind: trafficSummary, lateness: 0 })))).rejects.toThrow('boom');
  });

  it('errors the output when a callback throws', async () => {
    const bad = of([at(1), at(100)], [at(2)]).pipe(windowTumbling({ kind: trafficSummary, lateness: 0, onLate: () => { throw new Error('hook failed'); } }));
    await expect(lastValueFrom(bad)).rejects.toThrow('hook failed');
  });

  it('rejects a negative lateness when the pipeline is built', () => {
    expect(() => windowTumbling({ kind: trafficSummary, lateness: -1 })).toThrow(RangeError);
  });

  it('releases its state on early unsubscribe: nothing more is emitted', () => {
    const source = new Subject<CloudFrontEvent[]>();
    const seen: unknown[] = [];
    const subscription = source.pipe(windowTumbling({ kind: trafficSummary, lateness: 0 })).subscribe((w) => seen.push(w));
    source.next([at(1)]);
    subscription.unsubscribe();
    source.next([at(500)]);
    source.complete();
    expect(seen).toEqual([]);
    expect(source.observed).toBe(false);
  });
});
