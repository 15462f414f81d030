import type { SourceObject } from '../sources/sourceObject.js';
import type { LedgerEntry } from './documents.js';
import { objectId } from './layout.js';

/**
 * The archive step (LETS step 4): takes every object whose outputs are committed — ledger
 * `done` and consolidated, for this very version (etag) — out of the live listing, so the live
 * prefix holds only pending work. Never touches an object before its commit, nor quarantined
 * ones (they wait for an operator). Idempotent: an archived object is no longer listed.
 *
 * @example
 * ```ts
 * import { archiveCommitted, ledgerEntriesFor, localObjects, NAMESPACES } from 'letsflow';
 * const objects = await localObjects('./logs', { archiveFolder: './archive' });
 * console.log(await archiveCommitted(objects, await ledgerEntriesFor(store, NAMESPACES, objects)), 'archived');
 * ```
 * @param objects the live listing, listed with an archive destination
 * @param ledger the ledger entries of the listed objects, by object id
 * @returns how many objects were archived
 */
export async function archiveCommitted(objects: readonly SourceObject[], ledger: ReadonlyMap<string, LedgerEntry>): Promise<number> {
  let archived = 0;
  for (const object of objects) {
    const entry = ledger.get(objectId(object));
    if (entry?.status !== 'done' || !entry.consolidated || entry.object.etag !== object.etag) continue;
    if (!object.archive) throw new Error(`${object.key}: the source was listed without an archive destination`);
    await object.archive();
    archived++;
  }
  return archived;
}
