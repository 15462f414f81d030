import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../src/engine/aggregate.js';
import { AggregateDocSchema } from '../../../src/engine/documents.js';
import { listLedger } from '../../../src/engine/ledger.js';
import { listErrors, replayQuarantined } from '../../../src/engine/operatorTools.js';
import { reopenWindow } from '../../../src/engine/reopenWindow.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { NAMESPACES } from '../../../src/pipelines/cloudfront/namespaces.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { BASE_TIME, cloudfrontContext, event } from '../../helpers/factories.js';
import { memoryObject, realtimeObject, sgraph27Line } from '../../helpers/objects.js';

const MIN = 60_000;
const ctx = (store: MemoryCacheStore, maxLineLength = 64 * 1024) => cloudfrontContext(store, { maxLineLength });
const doc = async (store: MemoryCacheStore, key: string) =>
  AggregateDocSchema.parse(JSON.parse(Buffer.from((await store.get({ namespace: NAMESPACES.aggregate, key, fileType: 'json' }))!).toString()));

describe('pipeline: operator tools', () => {
  it('reopen merges late events into a final window and its parents, which settle again', async () => {
    // Prepare: the early window is final before a late object arrives
    const store = memoryCacheStore();
    const early = realtimeObject('early.gz', [event({ timestamp: BASE_TIME + MIN })]);
    const ahead = realtimeObject('ahead.gz', [event({ timestamp: BASE_TIME + 26 * 60 * MIN })]);
    const late = realtimeObject('late.gz', [event({ timestamp: BASE_TIME + 2 * MIN })]);
    await runPipeline([early, ahead], ctx(store));
    await runPipeline([early, ahead, late], ctx(store));
    expect((await doc(store, 'daily/2026-02-14')).total_requests).toBe(1);
    // Act
    const reopened = await reopenWindow(ctx(store), '30min', BASE_TIME);
    await aggregate(ctx(store), { pending: [] });
    // Assess
    expect(reopened).toEqual(['30min/2026-02-14-0000', 'hourly/2026-02-14-00', 'daily/2026-02-14', 'monthly/2026-02']);
    expect((await doc(store, '30min/2026-02-14-0000'))).toMatchObject({ status: 'final', total_requests: 2 });
    expect((await doc(store, 'daily/2026-02-14'))).toMatchObject({ status: 'final', total_requests: 2 });
    expect(await store.list(NAMESPACES.late, 'json')).toEqual([]);
  });

  it('lists quarantined objects and bad lines with filters, and replays quarantined objects after a fix', async () => {
    // Prepare: a line longer than the limit quarantines one object; another has a bad line
    const store = memoryCacheStore();
    const long = memoryObject('logs/long.gz', gzipSync(`${sgraph27Line(event())}\n${sgraph27Line(event({ cs_uri_stem: `/${'x'.repeat(300)}` }))}\n`));
    const bad = memoryObject('logs/bad.gz', gzipSync(`${sgraph27Line(event())}\nnot a log line\n`));
    await runPipeline([long, bad], ctx(store, 300));
    // Act
    const all = await listErrors(store, NAMESPACES, await listLedger(store, NAMESPACES));
    const onlyColumns = await listErrors(store, NAMESPACES, await listLedger(store, NAMESPACES), { code: 'column_count' });
    const replayed = await replayQuarantined(store, NAMESPACES, await listLedger(store, NAMESPACES));
    const rerun = await runPipeline([long, bad], ctx(store));
    // Assess
    expect(all.quarantined.map((q) => [q.object, q.code])).toEqual([['s3://test-bucket/logs/long.gz', 'line_too_long']]);
    expect(all.lines.map((l) => [l.object, l.line, l.code])).toEqual([['s3://test-bucket/logs/bad.gz', 2, 'column_count']]);
    expect(onlyColumns.quarantined).toEqual([]);
    expect(replayed).toEqual(['s3://test-bucket/logs/long.gz']);
    expect(rerun.processed).toBe(1);
    expect(rerun.quarantined).toEqual([]);
    expect((await doc(store, 'monthly/2026-02')).total_requests).toBe(3);
  });
});
