import { EMPTY, lastValueFrom, of, Subject, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { cloudfrontRealtime } from '../../../src/formats/cloudfrontRealtime.js';
import { emptyTally, type LogFormat } from '../../../src/formats/logFormat.js';
import { consolidate } from '../../../src/operators/consolidate.js';
import { parse } from '../../../src/operators/parse.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import { BASE_TIME, event } from '../../helpers/factories.js';
import { sgraph27Line } from '../../helpers/objects.js';

const format = cloudfrontRealtime({ fields: 'sgraph-27' });
const line = (minutes: number) => sgraph27Line(event({ timestamp: BASE_TIME + minutes * 60_000 }));

describe('operator: parse', () => {
  it('emits nothing for an empty source', async () => {
    expect(await lastValueFrom(EMPTY.pipe(parse(format, { object: 'o', tally: emptyTally() }), toArray()))).toEqual([]);
  });

  it('turns line batches into event batches, keeping line numbers for errors', async () => {
    // Prepare
    const tally = emptyTally();
    // Act
    const batches = await lastValueFrom(
      of({ firstLine: 1, lines: [line(1), 'not\ta\tlog'] }, { firstLine: 3, lines: ['', line(2)] }).pipe(parse(format, { object: 'o', tally }), toArray()),
    );
    // Assess
    expect(batches.map((b) => b.map((e) => e.timestamp))).toEqual([[BASE_TIME + 60_000], [BASE_TIME + 120_000]]);
    expect(tally).toMatchObject({ events: 2, errors: 1, blank: 1 });
    expect(tally.errorRecords[0]).toMatchObject({ object: 'o', line: 2, code: 'column_count' });
  });

  it('skips batches with no events', async () => {
    const out = await lastValueFrom(of({ firstLine: 1, lines: ['', 'x'] }).pipe(parse(format, { object: 'o', tally: emptyTally() }), toArray()));
    expect(out).toEqual([]);
  });

  it('uses one parser per subscription', async () => {
    let created = 0;
    const counting: LogFormat<CloudFrontEvent> = { name: 'counting', createParser: (ctx) => (created++, format.createParser(ctx)) };
    const op = of({ firstLine: 1, lines: [line(1)] }).pipe(parse(counting, { object: 'o', tally: emptyTally() }));
    await lastValueFrom(op);
    await lastValueFrom(op);
    expect(created).toBe(2);
  });

  it('errors the output when the parser throws, and propagates source errors', async () => {
    const throwing: LogFormat<CloudFrontEvent> = { name: 'bad', createParser: () => () => { throw new Error('parser bug'); } };
    await expect(lastValueFrom(of({ firstLine: 1, lines: ['x'] }).pipe(parse(throwing, { object: 'o', tally: emptyTally() })))).rejects.toThrow('parser bug');
    await expect(lastValueFrom(throwError(() => new Error('read failed')).pipe(parse(format, { object: 'o', tally: emptyTally() })))).rejects.toThrow('read failed');
  });
});

describe('operator: consolidate', () => {
  it('emits one partial per window touched, in time order, only on completion', async () => {
    // Prepare
    const source = new Subject<ReturnType<typeof event>[]>();
    const seen: { start: number; requests: number }[] = [];
    let completed = false;
    source.pipe(consolidate(trafficSummary)).subscribe({ next: (p) => seen.push({ start: p.start, requests: p.summary.requests }), complete: () => (completed = true) });
    // Act
    source.next([event({ timestamp: BASE_TIME + 40 * 60_000 }), event({ timestamp: BASE_TIME })]);
    source.next([event({ timestamp: BASE_TIME + 29 * 60_000 + 59_999 })]);
    const before = seen.length;
    source.complete();
    // Assess
    expect(before).toBe(0);
    expect(seen).toEqual([{ start: BASE_TIME, requests: 2 }, { start: BASE_TIME + 30 * 60_000, requests: 1 }]);
    expect(completed).toBe(true);
  });

  it('emits nothing for an empty source, and nothing of a source that errors', async () => {
    expect(await lastValueFrom(EMPTY.pipe(consolidate(trafficSummary), toArray()))).toEqual([]);
    const seen: unknown[] = [];
    const source = new Subject<ReturnType<typeof event>[]>();
    source.pipe(consolidate(trafficSummary)).subscribe({ next: (p) => seen.push(p), error: () => undefined });
    source.next([event()]);
    source.error(new Error('gzip_corrupt'));
    expect(seen).toEqual([]);
  });
});
