import { z } from 'zod';
import type { ParseErrorRecord } from '../core/records.js';
import type { CacheStore } from '../sinks/cacheStore.js';
import type { PipelineNamespaces } from './definition.js';
import { jsonBytes, readJson, type LedgerEntry } from './documents.js';
import { objectId, pipelineRefs, PREFIX } from './layout.js';
import { forgetSettled } from './settledIndex.js';

const ParseErrorsDocSchema = z
  .object({
    object: z.string(),
    total: z.number(),
    kept: z.number(),
    errors: z.array(z.object({ object: z.string(), line: z.number(), code: z.string(), reason: z.string(), text: z.string() })),
  })
  .strict();

export interface ErrorFilter {
  /** Only objects whose name contains this. */
  readonly object?: string;
  /** Only errors with this code (`column_count`, `gzip_truncated`, …). */
  readonly code?: string;
}

/** Quarantined objects and recorded bad lines, as an operator looks for them. */
export async function listErrors(store: CacheStore, ns: PipelineNamespaces, ledger: readonly LedgerEntry[], filter: ErrorFilter = {}) {
  const refs = pipelineRefs(ns);
  const matches = (name: string, code: string): boolean =>
    (filter.object === undefined || name.includes(filter.object)) && (filter.code === undefined || code === filter.code);
  const quarantined = ledger
    .filter((e) => e.status === 'quarantined' && matches(e.name, e.error?.code ?? ''))
    .map((e) => ({ object: e.name, code: e.error?.code ?? 'unknown', message: e.error?.message ?? '' }));
  const lines: ParseErrorRecord[] = [];
  let total = 0;
  for (const key of await store.list(ns.errors, 'json', PREFIX.parseErrors)) {
    const doc = await readJson(store, { ...refs.parseErrors(''), key }, ParseErrorsDocSchema);
    if (!doc || !(filter.object === undefined || doc.object.includes(filter.object))) continue;
    const kept = doc.errors.filter((e) => matches(e.object, e.code));
    lines.push(...kept);
    total += filter.code === undefined ? doc.total : kept.length;
  }
  return { quarantined, lines, totalBadLines: total };
}

/**
 * Makes quarantined objects pending again (after a fix: a raised limit, a corrected field
 * list, a re-uploaded object) by removing their ledger entries and quarantine records; the
 * next run processes them. Returns the objects re-driven.
 */
export async function replayQuarantined(store: CacheStore, ns: PipelineNamespaces, ledger: readonly LedgerEntry[], filter: ErrorFilter = {}): Promise<string[]> {
  const refs = pipelineRefs(ns);
  const { quarantined } = await listErrors(store, ns, ledger, filter);
  const names = new Set(quarantined.map((q) => q.object));
  const replayed: string[] = [];
  for (const entry of ledger) {
    if (entry.status !== 'quarantined' || !names.has(entry.name)) continue;
    const id = objectId(entry.object);
    await store.remove(refs.quarantine(id));
    await store.remove(refs.ledger(id));
    replayed.push(entry.name);
  }
  if (replayed.length > 0) await forgetSettled(store, ns);
  return replayed;
}

/** Which objects `resetObjects` makes pending again: those whose name contains `object`, or `all`. */
export type ResetFilter = { readonly object: string; readonly all?: false } | { readonly all: true; readonly object?: undefined };

/**
 * Makes settled objects (done or quarantined) pending again on purpose, so the next run redoes
 * them: after a fix that changes what a done object yields (a corrected field list, a format
 * option). For each one it removes the ledger entry, the quarantine and parse-error records,
 * and the object's 30-minute partials, and leaves a change marker naming the windows those
 * partials were in, so the aggregate step recomputes them even when the redo no longer
 * touches them; then it forgets the settled index. The redo writes the partials anew. A window
 * already final keeps its stored values (finality is never undone silently): `letsflow reopen`
 * recomputes it. Returns the objects reset.
 *
 * @example
 * ```ts
 * import { fsCacheStore, listLedger, NAMESPACES, resetObjects } from 'letsflow';
 * const store = fsCacheStore({ root: '.letsflow/cache' });
 * await resetObjects(store, NAMESPACES, await listLedger(store, NAMESPACES), { object: '2026/04/20/' });
 * ```
 */
export async function resetObjects(store: CacheStore, ns: PipelineNamespaces, ledger: readonly LedgerEntry[], filter: ResetFilter): Promise<string[]> {
  const refs = pipelineRefs(ns);
  const reset: string[] = [];
  for (const entry of ledger) {
    if (!filter.all && !entry.name.includes(filter.object)) continue;
    const id = objectId(entry.object);
    const windows = Object.keys(entry.windows);
    for (const key of windows) await store.remove({ ...refs.partial(0, id), key: `30min/${key}/${id}` });
    // A marker of no object: its windows are dirty for the next aggregate, and it blocks nothing.
    if (windows.length > 0) await store.put(refs.change(id, `reset:${entry.object.etag}`), jsonBytes({ object_id: null, etag: null, key: null, windows: windows.sort() }));
    await store.remove(refs.parseErrors(id));
    await store.remove(refs.quarantine(id));
    await store.remove(refs.ledger(id));
    reset.push(entry.name);
  }
  if (reset.length > 0) await forgetSettled(store, ns);
  return reset;
}
