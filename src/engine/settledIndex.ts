import { z } from 'zod';
import type { CacheStore } from '../sinks/cacheStore.js';
import type { ObjectIdentity } from '../sources/sourceObject.js';
import type { PipelineNamespaces } from './definition.js';
import { readStoredJson, writeJsonIfChanged } from './documents.js';
import type { LedgerEntry } from './documents.js';
import { objectId } from './layout.js';
import { ledgerEntriesFor, pendingObjects } from './ledger.js';

/**
 * Which objects of the last listing were settled (committed or quarantined), by id and etag:
 * one document read instead of one ledger read per listed object, so a run with nothing new
 * costs the listing and this. It only ever says "settled" for a version whose ledger entry
 * said so; a replay that removes ledger entries removes it too, and it is rebuilt from the
 * ledger on the next run. It holds the last listing's objects only, so it is as large as the
 * listing (which archiving keeps short), not as the history.
 */
const SettledIndexSchema = z.object({ objects: z.record(z.string(), z.string()) }).strict();

const indexRef = (ns: PipelineNamespaces) => ({ namespace: ns.ledger, key: 'state/settled', fileType: 'json' as const });

/** The listed objects still to do, and the ledger entries read for those the index did not settle. */
export async function pendingAmong<T extends ObjectIdentity>(store: CacheStore, ns: PipelineNamespaces, objects: readonly T[]): Promise<{ pending: T[]; known: Map<string, LedgerEntry> }> {
  const index = (await readStoredJson(store, indexRef(ns), SettledIndexSchema))?.value.objects ?? {};
  const unsure = objects.filter((o) => index[objectId(o)] !== o.etag);
  const known = await ledgerEntriesFor(store, ns, unsure);
  return { pending: pendingObjects(unsure, known), known };
}

/** Records the listed objects that are settled now (all but `stillPending`); written only when it changed. */
export async function recordSettled(store: CacheStore, ns: PipelineNamespaces, objects: readonly ObjectIdentity[], stillPending: readonly ObjectIdentity[]): Promise<void> {
  const pending = new Set(stillPending.map(objectId));
  const settled = objects.filter((o) => !pending.has(objectId(o))).map((o) => [objectId(o), o.etag] as const);
  const doc = { objects: Object.fromEntries(settled.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  const basis = await readStoredJson(store, indexRef(ns), SettledIndexSchema);
  // A concurrent writer's index is as true as ours; losing the race costs only ledger reads next time.
  await writeJsonIfChanged(store, indexRef(ns), doc, basis);
}

/** Forgets the index, after ledger entries were removed on purpose (replay). */
export async function forgetSettled(store: CacheStore, ns: PipelineNamespaces): Promise<void> {
  await store.remove(indexRef(ns));
}
