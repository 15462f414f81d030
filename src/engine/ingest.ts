import { lastValueFrom, tap, toArray } from 'rxjs';
import { LetsflowError, ObjectQuarantinedError } from '../core/errors.js';
import type { TimedEvent } from '../core/summaryKind.js';
import { emptyTally, type LogFormat, type ParseTally } from '../formats/logFormat.js';
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
 * An object is quarantined as `mostly_parse_errors`, not committed, when at least this share of
 * its lines fail to parse, out of at least `MIN_LINES_FOR_SHARE` lines (blank lines and headers
 * aside; timestamps outside the clock-skew or horizon bounds are well-formed lines, so they do
 * not count as failures). A wrong field list or format fails every line of every object, and
 * committing such objects as done would make the mistake permanent: a fixed re-run would see
 * nothing pending. Real damage hits some lines; 90% leaves room for an object that is mostly
 * damaged yet still worth its good lines.
 */
export const MOSTLY_PARSE_ERRORS_SHARE = 0.9;
/**
 * Below this many lines a share says little (2 bad of 3 is no pattern), and low-traffic
 * real-time objects often hold only a handful: there, only an object whose every line fails is
 * quarantined.
 */
export const MIN_LINES_FOR_SHARE = 10;

/** Whether `failed` parse failures out of `lines` mean the object was read with the wrong layout. */
export function isMostlyParseErrors(failed: number, lines: number): boolean {
  if (lines === 0 || failed === 0) return false;
  return lines < MIN_LINES_FOR_SHARE ? failed === lines : failed >= MOSTLY_PARSE_ERRORS_SHARE * lines;
}

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
 * source failures (LetsflowError) do escape, leaving the object pending. So is an object whose
 * lines are (nearly) all parse errors (`isMostlyParseErrors`), with a hint to check the field
 * list; `letsflow replay` makes it pending again once that is fixed.
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
  let wellFormed = 0;
  const format = withTimeBounds(counting(ctx.format, () => wellFormed++), ctx.finality, ctx.clock().getTime());
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
    const lines = tally.events + tally.errors;
    if (isMostlyParseErrors(lines - wellFormed, lines)) throw mostlyParseErrors(name, lines - wellFormed, lines, tally);
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

/** Wraps a format to count the lines its parser read as events, before any time bound rejects one. */
function counting<E>(format: LogFormat<E>, onEvent: () => void): LogFormat<E> {
  return {
    name: format.name,
    createParser(context) {
      const parseLine = format.createParser(context);
      return (line, lineNumber) => {
        const event = parseLine(line, lineNumber);
        if (event !== undefined) onEvent();
        return event;
      };
    },
  };
}

function mostlyParseErrors(name: string, failed: number, lines: number, tally: ParseTally): ObjectQuarantinedError {
  const first = tally.errorRecords.find((e) => !e.code.startsWith('timestamp_'));
  const example = first === undefined ? '' : ` (first: line ${first.line} [${first.code}] ${first.reason})`;
  const share = failed === lines ? `all ${lines}` : `${failed} of ${lines}`;
  return new ObjectQuarantinedError('mostly_parse_errors', name, undefined, `${share} lines are parse errors${example}: does the field list match? fix it, then \`letsflow replay\``);
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
