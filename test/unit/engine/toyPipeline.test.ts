import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../src/engine/aggregate.js';
import { consolidateObject } from '../../../src/engine/consolidateStep.js';
import { stepContextFor } from '../../../src/engine/definition.js';
import { AggregateDocSchema, LedgerEntrySchema } from '../../../src/engine/documents.js';
import { ingestObject } from '../../../src/engine/ingest.js';
import { objectId, pipelineRefs } from '../../../src/engine/layout.js';
import { renderReport, loadAggregates } from '../../../src/runtime/cli/report.js';
import { buildApi } from '../../../src/runtime/serve/api.js';
import { StepScheduler } from '../../../src/runtime/serve/stepScheduler.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { memoryObject } from '../../helpers/objects.js';
import { toyPipeline } from '../../helpers/toyPipeline.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 1, 10);
const NOW = new Date(Date.UTC(2026, 5, 3));

const readJsonEntry = async (store: ReturnType<typeof memoryCacheStore>, ref: Parameters<ReturnType<typeof memoryCacheStore>['get']>[0]) =>
  JSON.parse(Buffer.from((await store.get(ref))!).toString('utf8')) as unknown;

describe('engine: a pipeline of its own (toy readings) through every step', () => {
  it('ingests, consolidates, aggregates, reports and serves a format and summary kind that are not CloudFront', async () => {
    // Prepare: two objects of readings in two hours, one bad line, one gzip and one plain
    const store = memoryCacheStore();
    const ctx = stepContextFor(toyPipeline, store, { clock: () => NOW });
    const refs = pipelineRefs(toyPipeline.namespaces);
    const a = memoryObject('readings/a.csv.gz', gzipSync(`${T0},s1,4\n${T0 + 60_000},s2,6\nnot,a,line,at all\n`));
    const b = memoryObject('readings/b.csv', `${T0 + HOUR + 5},s1,10\n`);

    // Act: the LETS steps one at a time
    for (const o of [a, b]) await ingestObject(o, ctx, { consolidate: false });
    for (const o of [a, b]) await consolidateObject(LedgerEntrySchema.parse(await readJsonEntry(store, refs.ledger(objectId(o)))), ctx);
    const outcome = await aggregate(ctx, { pending: [] });

    // Assess: the toy summary, in the toy namespaces, final (the clock is two days on), the bad line recorded
    const day = AggregateDocSchema.parse(await readJsonEntry(store, refs.aggregate('daily', Date.UTC(2026, 5, 1))));
    expect(day.status).toBe('final');
    expect(toyPipeline.summary.fromJson(day.summary)).toEqual({ count: 3, sum: 20, max: 10 });
    // Two half hours, two hours and the day are final; the month is not over yet
    expect(outcome).toMatchObject({ windows: 6, final: 5, partial: 1 });
    expect([...store.snapshot().keys()].every((path) => path.startsWith('sa-toy-'))).toBe(true);
    const errors = (await readJsonEntry(store, refs.parseErrors(objectId(a)))) as { errors: { line: number; code: string }[] };
    expect(errors.errors).toEqual([expect.objectContaining({ line: 3, code: 'column_count' })]);

    // Assess: the report shows the toy's columns
    const report = renderReport(toyPipeline, await loadAggregates(store, toyPipeline, 'hourly'), { period: 'hourly', top: 5 });
    expect(report).toContain('2026-06-01-10  final          2    6');
    expect(report).toContain('3 readings, sum 20');

    // Assess: the API serves it under /api/sa/toy, empty hours answered, not stored
    const app = buildApi({ store, pipeline: toyPipeline, scheduler: new StepScheduler([], () => undefined), status: async () => ({ listed: 0, pending: 0, done: 2, quarantined: 0, events: 3, parseErrors: 1, lateEvents: 0, lagSeconds: 0 }), metrics: { registry: { metrics: async () => '', contentType: 'text/plain' } }, token: undefined });
    const series = (await app.inject({ url: '/api/sa/toy/timeseries?period=hourly&from=2026-06-01-09&to=2026-06-01-12' })).json() as { time_key: string; status: string; readings: number }[];
    expect(series.map((p) => [p.time_key, p.status, p.readings])).toEqual([
      ['2026-06-01-09', 'final', 0],
      ['2026-06-01-10', 'final', 2],
      ['2026-06-01-11', 'final', 1],
      ['2026-06-01-12', 'final', 0],
    ]);
    const one = (await app.inject({ url: '/api/sa/toy/aggregate/daily/2026-06-01' })).json() as { status: string; summary: unknown };
    expect(toyPipeline.summary.fromJson(one.summary)).toEqual({ count: 3, sum: 20, max: 10 });
    expect((await app.inject({ url: '/api/sa/cloudfront/status' })).statusCode).toBe(404);
    await app.close();
  });
});
