import type { SourceObject } from '../../sources/sourceObject.js';
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
 * import { archiveCommitted, listLedger, localObjects } from 'letsflow';
 * const objects = await localObjects('./logs', { archiveFolder: './archive' });
 * console.log(await archiveCommitted(objects, await listLedger(store)), 'archived');
 * ```
 * @param objects the live listing, listed with an archive destination
 * @param ledger every ledger entry
 * @returns how many objects were archived
 */
export async function archiveCommitted(objects: readonly SourceObject[], ledger: readonly LedgerEntry[]): Promise<number> {
  const committed = new Map(ledger.filter((e) => e.status === 'done' && e.consolidated).map((e) => [objectId(e.object), e.object.etag]));
  let archived = 0;
  for (const object of objects) {
    if (committed.get(objectId(object)) !== object.etag) continue;
    if (!object.archive) throw new Error(`${object.key}: the source was listed without an archive destination`);
    await object.archive();
    archived++;
  }
  return archived;
}
