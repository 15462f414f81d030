import { lastValueFrom, tap, toArray } from 'rxjs';
import { LetsflowError, ObjectQuarantinedError } from '../core/errors.js';
import type { TimedEvent } from '../core/summaryKind.js';
import { emptyTally } from '../formats/logFormat.js';
import { consolidate } from '../operators/consolidate.js';
import { parse } from '../operators/parse.js';
import { readLines, type ReadLinesOptions } from '../sources/readLines.js';
import { displayName, type SourceObject } from '../sources/sourceObject.js';
import { writeChange } from './changes.js';
import type { StepContext } from './definition.js';
import { jsonBytes, LedgerEntrySchema, readJson, type LedgerEntry } from './documents.js';
import { objectId, pipelineRefs, type PipelineRefs } from './layout.js';
import { windowCounts, writePartials } from './partials.js';
import { rawEventWriter, writeParseErrors } from './rawOutputs.js';
import { withTimeBounds } from './timeBounds.js';

/**
 * Ingests one source object: its typed events to the pipeline's raw namespace (when
 * `keepRaw`), its parse errors to its errors namespace, with `consolidate` its 30-minute
 * partials in the same pass, then a change marker for the aggregate step, and last its
 * ledger entry — the commit point. A crash before the ledger write leaves the object
 * pending, and re-running rewrites the same keys with the same bytes.
 *
 * An object that cannot be read to the end (corrupt or truncated gzip, an over-long line), or
 * whose processing fails in a way no retry would change (a summary that cannot be written, a
 * bug), is quarantined: nothing of it is committed, the reason goes to `quarantine/…` in the
 * errors namespace, and the returned entry says so; no exception escapes for it. Store and
 * source failures (LetsflowError) do escape, leaving the object pending.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, fsCacheStore, ingestObject, localObjects, stepContextFor } from 'letsflow';
 * const ctx = stepContextFor(cloudfrontPipeline, fsCacheStore({ root: '.letsflow/cache' }));
 * for (const object of await localObjects('./logs')) await ingestObject(object, ctx, { consolidate: true });
 * ```
 * @param object the object to ingest
 * @param ctx pipeline, store, format, clock and options
 * @param options.consolidate also write the object's 30-minute partials
 * @returns the ledger entry written
 */
export async function ingestObject<E extends TimedEvent, S>(object: SourceObject, ctx: StepContext<E, S>, options: { consolidate: boolean }): Promise<LedgerEntry> {
  const id = objectId(object);
  const name = displayName(object);
  const refs = pipelineRefs(ctx.pipeline.namespaces);
  const previous = await readJson(ctx.store, refs.ledger(id), LedgerEntrySchema);
  const tally = emptyTally();
  const raw = ctx.keepRaw || !options.consolidate ? rawEventWriter<E>(ctx.store, refs.raw(id), object.size) : undefined;
  const format = withTimeBounds(ctx.format, ctx.finality, ctx.clock().getTime());
  const select = raw ? undefined : ctx.pipeline.summaryFields;
  let minTime = Infinity;
  let maxTime = -Infinity;

  try {
    const partials = await lastValueFrom(
      readLines(object, { ...readLimits(ctx), ...(raw && { ready: raw.ready }) }).pipe(
        parse(format, { object: name, tally, ...(select && { select }) }),
        tap((events) => {
          for (const e of events) {
            if (e.timestamp < minTime) minTime = e.timestamp;
            if (e.timestamp > maxTime) maxTime = e.timestamp;
          }
          raw?.write(events);
        }),
        consolidate(ctx.pipeline.summary),
        toArray(),
      ),
      { defaultValue: [] },
    );
    await raw?.finish();
    const windows = options.consolidate ? await writePartials(ctx, id, name, partials, previous?.windows) : windowCounts(ctx, partials);
    await writeParseErrors(ctx.store, refs.parseErrors(id), name, tally, previous?.parse_errors ?? 0);
    const touched = options.consolidate ? [...Object.keys(windows), ...Object.keys(previous?.windows ?? {})] : [];
    await writeChange(ctx.store, ctx.pipeline.namespaces, { object_id: id, etag: object.etag, key: object.key, windows: touched });
    const entry: LedgerEntry = {
      object: { source: object.source, container: object.container, key: object.key, etag: object.etag, size: object.size },
      name,
      status: 'done',
      consolidated: options.consolidate,
      lines: tally.events + tally.errors + tally.headers + tally.blank,
      events: tally.events,
      parse_errors: tally.errors,
      headers: tally.headers,
      blank: tally.blank,
      min_event_time: Number.isFinite(minTime) ? minTime : null,
      max_event_time: Number.isFinite(maxTime) ? maxTime : null,
      windows,
    };
    await ctx.store.put(refs.ledger(id), jsonBytes(entry));
    return entry;
  } catch (error) {
    raw?.abort(error);
    if (error instanceof LetsflowError && !(error instanceof ObjectQuarantinedError)) throw error;
    return quarantine(ctx, refs, object, id, name, asQuarantine(error, name));
  }
}

/** An unexpected error while processing one object costs that object only: it becomes its quarantine reason. */
function asQuarantine(error: unknown, name: string): ObjectQuarantinedError {
  if (error instanceof ObjectQuarantinedError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ObjectQuarantinedError('processing_failed', name, undefined, `could not be processed (${detail}); fix the cause, then \`letsflow replay\``, { cause: error });
}

/** The context's bounds on what one object may hold, as readLines takes them. */
function readLimits(ctx: Pick<StepContext, 'maxLineLength' | 'maxDecodedBytes' | 'maxCompressionRatio'>): ReadLinesOptions {
  const { maxLineLength, maxDecodedBytes, maxCompressionRatio } = ctx;
  return {
    ...(maxLineLength !== undefined && { maxLineLength }),
    ...(maxDecodedBytes !== undefined && { maxDecodedBytes }),
    ...(maxCompressionRatio !== undefined && { maxCompressionRatio }),
  };
}

async function quarantine(ctx: { store: StepContext['store'] }, refs: PipelineRefs, object: SourceObject, id: string, name: string, error: ObjectQuarantinedError): Promise<LedgerEntry> {
  await ctx.store.put(refs.quarantine(id), jsonBytes({ object: name, code: error.code, line: error.line ?? null, message: error.message }));
  const entry: LedgerEntry = {
    object: { source: object.source, container: object.container, key: object.key, etag: object.etag, size: object.size },
    name,
    status: 'quarantined',
    consolidated: false,
    lines: 0,
    events: 0,
    parse_errors: 0,
    headers: 0,
    blank: 0,
    min_event_time: null,
    max_event_time: null,
    windows: {},
    error: { code: error.code, message: error.message },
  };
  await ctx.store.put(refs.ledger(id), jsonBytes(entry));
  return entry;
}
