import { from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import type { CacheStore } from '../sinks/cacheStore.js';
import type { ObjectIdentity } from '../sources/sourceObject.js';
import type { PipelineNamespaces } from './definition.js';
import { LedgerEntrySchema, readJson, type LedgerEntry } from './documents.js';
import { objectId, pipelineRefs, PREFIX } from './layout.js';

/** Ledger reads in flight at once when checking a listing: store latency, not CPU, bounds them. */
const LEDGER_READS = 16;

/**
 * Every ledger entry of a pipeline, in key order. Reads the whole history: for operator
 * tools and status, never for a run (a run reads the entries of what it lists).
 *
 * @example
 * ```ts
 * import { fsCacheStore, listLedger, NAMESPACES } from 'letsflow';
 * const done = (await listLedger(fsCacheStore({ root: '.letsflow/cache' }), NAMESPACES)).filter((e) => e.status === 'done');
 * ```
 */
export async function listLedger(store: CacheStore, ns: PipelineNamespaces): Promise<LedgerEntry[]> {
  const refs = pipelineRefs(ns);
  const keys = await store.list(ns.ledger, 'json', PREFIX.ledger);
  const entries: LedgerEntry[] = [];
  for (const key of keys) {
    const entry = await readJson(store, { ...refs.ledger(''), key }, LedgerEntrySchema);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The ledger entries of the listed objects that have one, by object id: a cost proportional to the listing, not to history. */
export async function ledgerEntriesFor(store: CacheStore, ns: PipelineNamespaces, objects: readonly ObjectIdentity[]): Promise<Map<string, LedgerEntry>> {
  const refs = pipelineRefs(ns);
  const found = await lastValueFrom(
    from(objects).pipe(
      mergeMap(async (o) => [objectId(o), await readJson(store, refs.ledger(objectId(o)), LedgerEntrySchema)] as const, LEDGER_READS),
      toArray(),
    ),
  );
  return new Map(found.filter((pair): pair is readonly [string, LedgerEntry] => pair[1] !== undefined));
}

/** Whether a ledger entry settles this version of an object: committed (done and consolidated) or quarantined. */
export function settles(entry: LedgerEntry | undefined, object: Pick<ObjectIdentity, 'etag'>): boolean {
  return entry !== undefined && entry.object.etag === object.etag && (entry.status === 'quarantined' || entry.consolidated);
}

/**
 * The listed objects that still need work: never seen, replaced since (another etag), or
 * ingested without their partials. Quarantined objects are settled until they change.
 */
export function pendingObjects<T extends ObjectIdentity>(objects: readonly T[], ledger: ReadonlyMap<string, LedgerEntry> | readonly LedgerEntry[]): T[] {
  const byId = ledger instanceof Map ? ledger : new Map((ledger as readonly LedgerEntry[]).map((e) => [objectId(e.object), e]));
  return objects.filter((o) => !settles(byId.get(objectId(o)), o));
}
