import { lastValueFrom, from, mergeMap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { consolidateObject } from '../../../src/engine/consolidateStep.js';
import { LedgerEntrySchema } from '../../../src/engine/documents.js';
import { ingestObject } from '../../../src/engine/ingest.js';
import { objectId, pipelineRefs } from '../../../src/engine/layout.js';
import { writeParseErrorsOf, writeRawEvents, writeWindows } from '../../../src/engine/sinkOperators.js';
import { emptyTally } from '../../../src/formats/logFormat.js';
import { parse } from '../../../src/operators/parse.js';
import { rollup } from '../../../src/operators/rollup.js';
import { windowTumbling } from '../../../src/operators/windowTumbling.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { readLines } from '../../../src/sources/readLines.js';
import { displayName } from '../../../src/sources/sourceObject.js';
import { memoryObject } from '../../helpers/objects.js';
import { toyFormat, toyPipeline } from '../../helpers/toyPipeline.js';

const T0 = Date.UTC(2026, 5, 1, 10);
const refs = pipelineRefs(toyPipeline.namespaces);
const object = memoryObject('r/a.csv', `${T0},s,1\n${T0 + 40 * 60_000},s,2\nbroken\n${T0 + 3 * 3_600_000},s,3\n`);

/** The composed pipeline the README shows, for the toy format: lines → events → windows → the store. */
function compose(store: MemoryCacheStore) {
  const sink = { store, pipeline: toyPipeline, clock: () => new Date(0) };
  const tally = emptyTally();
  return lastValueFrom(
    from([object]).pipe(
      mergeMap((o) => readLines(o).pipe(parse(toyFormat, { object: displayName(o), tally }), writeRawEvents(sink, o), writeParseErrorsOf(sink, o, tally)), 1),
      windowTumbling({ kind: toyPipeline.summary, lateness: 0 }),
      rollup(toyPipeline.summary),
      writeWindows(sink),
      toArray(),
    ),
  );
}

describe('engine: sink operators', () => {
  it('write windows with data under the aggregate keys, and a re-run changes no byte', async () => {
    // Prepare
    const store = memoryCacheStore();
    // Act
    const emitted = await compose(store);
    const first = store.snapshot();
    await compose(store);
    // Assess: empty windows were emitted but not stored; stored ones carry the toy summary
    const stored = [...first.keys()].filter((k) => k.startsWith('sa-toy-aggregate/'));
    expect(emitted.some((w) => w.summary.count === 0)).toBe(true);
    expect(stored.length).toBe(emitted.filter((w) => w.summary.count > 0).length);
    expect(store.snapshot()).toEqual(first);
  });

  it('never rewrites a stored final window', async () => {
    // Prepare: the 10:00 window is final in the store with other figures
    const store = memoryCacheStore();
    await compose(store);
    const ref = refs.aggregate('30min', T0);
    const doc = JSON.parse(Buffer.from((await store.get(ref))!).toString('utf8'));
    await store.put(ref, JSON.stringify({ ...doc, status: 'final', summary: { count: 99, sum: 0, max: null } }));
    // Act
    const emitted = await compose(store);
    // Assess: the stored final stands and is what flows on
    expect(JSON.parse(Buffer.from((await store.get(ref))!).toString('utf8')).summary.count).toBe(99);
    expect(emitted.find((w) => w.period === '30min' && w.start === T0)?.summary.count).toBe(99);
  });

  it('write raw events and parse errors as the ingest step does, so the consolidate step reads them', async () => {
    // Prepare: the operators' output, and the ingest step's in another store
    const composed = memoryCacheStore();
    await compose(composed);
    const ingested = memoryCacheStore();
    const ctx = { pipeline: toyPipeline, store: ingested, format: toyFormat, clock: () => new Date(Date.UTC(2026, 6, 1)), finality: toyPipeline.finality, keepRaw: true };
    const entry = await ingestObject(object, ctx, { consolidate: false });
    // Act: the consolidate step over the raw events the operator wrote
    await ingested.put(refs.raw(objectId(object)), (await composed.get(refs.raw(objectId(object))))!);
    const consolidated = await consolidateObject(LedgerEntrySchema.parse(entry), ctx);
    // Assess: the same bytes as the step's, read back into the same windows; the bad line recorded alike
    expect(await composed.get(refs.raw(objectId(object)))).toEqual(await ingested.get(refs.raw(objectId(object))));
    expect(consolidated.windows).toEqual({ '2026-06-01-1000': 1, '2026-06-01-1030': 1, '2026-06-01-1300': 1 });
    const errors = JSON.parse(Buffer.from((await composed.get(refs.parseErrors(objectId(object))))!).toString('utf8'));
    expect(errors).toMatchObject({ total: 1, errors: [{ line: 3, code: 'column_count' }] });
    expect(await composed.get(refs.parseErrors(objectId(object)))).toEqual(await ingested.get(refs.parseErrors(objectId(object))));
  });
});
