import { Readable } from 'node:stream';
import { lastValueFrom, toArray } from 'rxjs';
import { LetsflowError } from '../core/errors.js';
import type { TimedEvent } from '../core/summaryKind.js';
import { eventsNdjson } from '../formats/eventsNdjson.js';
import { emptyTally } from '../formats/logFormat.js';
import { consolidate } from '../operators/consolidate.js';
import { parse } from '../operators/parse.js';
import { readLines } from '../sources/readLines.js';
import { writeChange } from './changes.js';
import type { StepContext } from './definition.js';
import { jsonBytes, type LedgerEntry } from './documents.js';
import { objectId, pipelineRefs } from './layout.js';
import { writePartials } from './partials.js';

/**
 * Consolidates one ingested object from its stored raw events into 30-minute partials, writes
 * its change marker for the aggregate step, then marks its ledger entry consolidated. Re-running it rewrites the same partials with the
 * same bytes. Throws when the raw events are missing (the object was ingested without them).
 *
 * @example
 * ```ts
 * import { consolidateObject, listLedger } from 'letsflow';
 * for (const entry of await listLedger(ctx.store, ctx.pipeline.namespaces)) if (!entry.consolidated) await consolidateObject(entry, ctx);
 * ```
 * @param entry the object's ledger entry (status `done`)
 * @param ctx store and clock
 * @returns the updated ledger entry
 */
export async function consolidateObject<E extends TimedEvent, S>(entry: LedgerEntry, ctx: StepContext<E, S>): Promise<LedgerEntry> {
  const id = objectId(entry.object);
  const refs = pipelineRefs(ctx.pipeline.namespaces);
  const bytes = await ctx.store.get(refs.raw(id));
  if (bytes === undefined) {
    throw new LetsflowError('raw_missing', 'reading', `${entry.name}: no raw events in ${refs.raw(id).namespace}; run ingest for it again`);
  }
  const tally = emptyTally();
  const stored = { ...entry.object, container: refs.raw(id).namespace, key: refs.raw(id).key, arrivedAt: 0, open: async () => Readable.from([bytes]) };
  const partials = await lastValueFrom(readLines(stored).pipe(parse(eventsNdjson(ctx.pipeline.events), { object: `${entry.name} (raw events)`, tally }), consolidate(ctx.pipeline.summary), toArray()), {
    defaultValue: [],
  });
  if (tally.errors > 0) {
    throw new LetsflowError('raw_invalid', 'reading', `${entry.name}: ${tally.errors} stored raw events are invalid (first: ${tally.errorRecords[0]?.reason}); run ingest for it again`);
  }
  const windows = await writePartials(ctx, id, entry.name, partials, entry.windows);
  const touched = [...Object.keys(windows), ...Object.keys(entry.windows)];
  await writeChange(ctx.store, ctx.pipeline.namespaces, { object_id: id, etag: entry.object.etag, key: entry.object.key, windows: touched });
  const updated: LedgerEntry = { ...entry, consolidated: true, windows };
  await ctx.store.put(refs.ledger(id), jsonBytes(updated));
  return updated;
}
