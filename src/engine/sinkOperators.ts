import { concatMap, defer, from, Observable, type OperatorFunction } from 'rxjs';
import type { TimedEvent } from '../core/summaryKind.js';
import type { WindowResult } from '../core/windowResult.js';
import type { ParseTally } from '../formats/logFormat.js';
import { displayName, type SourceObject } from '../sources/sourceObject.js';
import type { PipelineOutputs, StoreAndLayout } from './definition.js';
import type { CacheStore } from '../sinks/cacheStore.js';
import { AggregateDocSchema, readStoredJson, writeJsonIfChanged } from './documents.js';
import { objectId, pipelineRefs } from './layout.js';
import { rawEventWriter, writeParseErrors } from './rawOutputs.js';
import { windowDoc } from './windowDoc.js';

/** Where the sink operators write: a store, the pipeline whose keys they use, and the clock for `computed_at`. */
export interface SinkTarget<S> {
  readonly store: CacheStore;
  readonly pipeline: PipelineOutputs<S>;
  readonly clock?: () => Date;
}

/**
 * Writes each window to the pipeline's aggregate namespace under the key the aggregate step
 * uses, then passes it on, in order. The same rules hold: an empty window is not stored, a
 * stored final window is never rewritten (the stored one is passed on instead), and a
 * window whose figures did not change is not rewritten, so re-running a composed pipeline
 * over the same input changes no byte.
 *
 * @example
 * ```ts
 * import { fsCacheStore, NAMESPACES, rollup, trafficSummary, windowTumbling, writeWindows, cloudfrontPipeline } from 'letsflow';
 * const sink = { store: fsCacheStore({ root: '.letsflow/cache' }), pipeline: cloudfrontPipeline };
 * events$.pipe(windowTumbling({ kind: trafficSummary, lateness: 900_000 }), rollup(trafficSummary), writeWindows(sink)).subscribe();
 * ```
 * @param target store, pipeline and clock
 * @returns an operator from windows to the windows as stored
 */
export function writeWindows<S>(target: SinkTarget<S>): OperatorFunction<WindowResult<S>, WindowResult<S>> {
  const { store, pipeline } = target;
  const refs = pipelineRefs(pipeline.namespaces);
  const kind = pipeline.summary;
  return concatMap((window) =>
    defer(async () => {
      if (kind.events(window.summary) === 0) return window;
      const ref = refs.aggregate(window.period, window.start);
      const basis = await readStoredJson(store, ref, AggregateDocSchema);
      if (basis?.value.status === 'final') return { ...window, status: 'final' as const, summary: kind.fromJson(basis.value.summary) };
      const doc = windowDoc(kind, window, basis?.value.sources ?? [], (target.clock ?? (() => new Date()))().toISOString());
      await writeJsonIfChanged(store, ref, doc, basis, ['computed_at']);
      return window;
    }),
  );
}

/**
 * Streams one object's event batches to the raw namespace as gzip NDJSON while passing them
 * on, with back-pressure (a slow store slows the stream); the entry is complete — atomic — only
 * when the stream completes, and nothing is left on error. The key is the one `ingestObject`
 * writes, so the consolidate step can re-read it.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, emptyTally, memoryCacheStore, parse, readLines, writeRawEvents } from 'letsflow';
 * readLines(object).pipe(parse(format, { object: object.key, tally: emptyTally() }), writeRawEvents({ store: memoryCacheStore(), pipeline: cloudfrontPipeline }, object)).subscribe();
 * ```
 * @param target store and pipeline
 * @param object the source object the events come from
 * @returns an operator passing the batches through
 */
export function writeRawEvents<E extends TimedEvent>(target: StoreAndLayout, object: SourceObject): OperatorFunction<readonly E[], readonly E[]> {
  return (source) =>
    new Observable<readonly E[]>((subscriber) => {
      const writer = rawEventWriter<E>(target.store, pipelineRefs(target.pipeline.namespaces).raw(objectId(object)), object.size);
      let finished = false;
      const subscription = source
        .pipe(
          concatMap((events) => {
            writer.write(events);
            const ready = writer.ready();
            return ready ? from(ready.then(() => events)) : [events];
          }),
        )
        .subscribe({
          next: (events) => subscriber.next(events),
          error: (error: unknown) => {
            finished = true;
            writer.abort(error);
            subscriber.error(error);
          },
          complete: () => {
            finished = true;
            writer.finish().then(() => subscriber.complete(), (error: unknown) => subscriber.error(error));
          },
        });
      return () => {
        subscription.unsubscribe();
        if (!finished) writer.abort(new Error('unsubscribed before the raw events were complete'));
      };
    });
}

/**
 * Passes line batches on and, when they complete, writes the parse errors `tally` holds for
 * `object` to the errors namespace (or removes a stale record when there are none), under
 * the key `ingestObject` uses. Put it after `parse`, which fills the tally.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, emptyTally, memoryCacheStore, parse, readLines, writeParseErrorsOf } from 'letsflow';
 * const tally = emptyTally();
 * readLines(object).pipe(parse(format, { object: object.key, tally }), writeParseErrorsOf({ store: memoryCacheStore(), pipeline: cloudfrontPipeline }, object, tally)).subscribe();
 * ```
 */
export function writeParseErrorsOf<T>(target: StoreAndLayout, object: SourceObject, tally: ParseTally): OperatorFunction<T, T> {
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          const ref = pipelineRefs(target.pipeline.namespaces).parseErrors(objectId(object));
          writeParseErrors(target.store, ref, displayName(object), tally, 1).then(() => subscriber.complete(), (error: unknown) => subscriber.error(error));
        },
      }),
    );
}
