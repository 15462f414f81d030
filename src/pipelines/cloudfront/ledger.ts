import type { CacheStore } from '../../sinks/cacheStore.js';
import type { ObjectIdentity } from '../../sources/sourceObject.js';
import { LedgerEntrySchema, readJson, type LedgerEntry } from './documents.js';
import { NAMESPACES, objectId, refs } from './layout.js';

/**
 * Every ledger entry in the store, in key order.
 *
 * @example
 * ```ts
 * import { fsCacheStore, listLedger } from 'letsflow';
 * const done = (await listLedger(fsCacheStore({ root: '.letsflow/cache' }))).filter((e) => e.status === 'done');
 * ```
 */
export async function listLedger(store: CacheStore): Promise<LedgerEntry[]> {
  const keys = await store.list(NAMESPACES.ledger, 'json', 'objects/');
  const entries: LedgerEntry[] = [];
  for (const key of keys) {
    const entry = await readJson(store, { ...refs.ledger(''), key }, LedgerEntrySchema);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * The listed objects that still need work: never seen, replaced since (another etag), or
 * ingested without their partials. Quarantined objects are settled until they change.
 */
export function pendingObjects<T extends ObjectIdentity>(objects: readonly T[], ledger: readonly LedgerEntry[]): T[] {
  const byId = new Map(ledger.map((e) => [objectId(e.object), e]));
  return objects.filter((o) => {
    const entry = byId.get(objectId(o));
    return !entry || entry.object.etag !== o.etag || (entry.status === 'done' && !entry.consolidated);
  });
}
