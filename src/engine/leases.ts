import { z } from 'zod';
import { PreconditionFailedError } from '../core/errors.js';
import type { CacheStore, EntryRef } from '../sinks/cacheStore.js';
import { jsonBytes } from './documents.js';

/** A worker's claim on one source object, held in the ledger namespace next to the object's entry. */
export const LeaseSchema = z
  .object({
    object_id: z.string(),
    owner: z.string().nullable().describe('worker holding it; null once released'),
    expires_at: z.number().describe('epoch ms; an expired lease may be taken over'),
  })
  .strict();
export type Lease = z.infer<typeof LeaseSchema>;

/** A lease this worker holds: the store version it wrote, needed to renew or release it. */
export interface HeldLease {
  readonly ref: EntryRef;
  readonly objectId: string;
  readonly owner: string;
  version: string;
}

/**
 * Claims an object for `owner` until `now + ttlMs`, with a conditional write: create when no
 * lease exists (If-None-Match: *), take over when the lease expired or was released (If-Match on
 * the version read). Two workers never both win: the store checks the condition atomically.
 * Returns `undefined` when another worker holds a live lease or wins the race.
 *
 * @example
 * ```ts
 * import { claimObject, NAMESPACES, pipelineRefs, releaseLease } from 'letsflow';
 * const lease = await claimObject(store, pipelineRefs(NAMESPACES).lease(id), id, 'worker-1', 60_000, Date.now());
 * if (lease) try { await work(); } finally { await releaseLease(store, lease); }
 * ```
 */
export async function claimObject(store: CacheStore, ref: EntryRef, objectId: string, owner: string, ttlMs: number, now: number): Promise<HeldLease | undefined> {
  const lease = (expiresAt: number): string => jsonBytes({ object_id: objectId, owner, expires_at: expiresAt });
  try {
    const current = await store.getVersioned(ref);
    if (current === undefined) return { ref, objectId, owner, version: await store.putIf(ref, lease(now + ttlMs), { ifNoneMatch: '*' }) };
    const held = LeaseSchema.parse(JSON.parse(Buffer.from(current.body).toString('utf8')));
    if (held.owner !== null && held.owner !== owner && held.expires_at > now) return undefined;
    return { ref, objectId, owner, version: await store.putIf(ref, lease(now + ttlMs), { ifMatch: current.version }) };
  } catch (error) {
    if (error instanceof PreconditionFailedError) return undefined;
    throw error;
  }
}

/** Extends a held lease; `false` when it was lost (expired and taken over), so the work must not commit. */
export async function renewLease(store: CacheStore, held: HeldLease, ttlMs: number, now: number): Promise<boolean> {
  try {
    held.version = await store.putIf(held.ref, jsonBytes({ object_id: held.objectId, owner: held.owner, expires_at: now + ttlMs }), { ifMatch: held.version });
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}

/** Gives a lease up so any worker may claim the object at once; a lease already taken over is left alone. */
export async function releaseLease(store: CacheStore, held: HeldLease): Promise<void> {
  try {
    await store.putIf(held.ref, jsonBytes({ object_id: held.objectId, owner: null, expires_at: 0 }), { ifMatch: held.version });
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
  }
}
