import { z } from 'zod';
import type { CacheStore } from '../sinks/cacheStore.js';
import type { PipelineNamespaces } from './definition.js';
import { jsonBytes, readJson } from './documents.js';
import { pipelineRefs, PREFIX } from './layout.js';

/**
 * A change marker: one version of one object whose outputs the aggregate step has not folded
 * in yet, with every 30-minute window the change touches (the windows it writes and those its
 * previous version wrote). Markers are the engine's commit log: the ingest and consolidate
 * steps write one before their ledger commit, the aggregate step reads only markers — never
 * the whole ledger — and removes those it folded in after its checkpoint. A marker whose
 * ledger entry is not committed yet stays: its object is still pending. A reopened window
 * is a marker too (`object_id` null).
 */
export const ChangeSchema = z
  .object({
    object_id: z.string().nullable(),
    etag: z.string().nullable(),
    key: z.string().nullable().describe('the source key, whose date bounds the windows a pending object can reach'),
    windows: z.array(z.string()).describe('30-minute time keys'),
  })
  .strict();
export type Change = z.infer<typeof ChangeSchema>;

export interface ListedChange {
  readonly key: string;
  readonly change: Change;
}

export async function writeChange(store: CacheStore, ns: PipelineNamespaces, change: Change & { object_id: string; etag: string }): Promise<void> {
  await store.put(pipelineRefs(ns).change(change.object_id, change.etag), jsonBytes({ ...change, windows: [...new Set(change.windows)].sort() }));
}

/** The pending change markers, oldest key first; proportional to what changed since the last aggregate. */
export async function listChanges(store: CacheStore, ns: PipelineNamespaces): Promise<ListedChange[]> {
  const listed: ListedChange[] = [];
  for (const key of await store.list(ns.ledger, 'json', PREFIX.changes)) {
    const change = await readJson(store, { namespace: ns.ledger, key, fileType: 'json' }, ChangeSchema);
    if (change) listed.push({ key, change });
  }
  return listed;
}

export async function removeChange(store: CacheStore, ns: PipelineNamespaces, key: string): Promise<void> {
  await store.remove({ namespace: ns.ledger, key, fileType: 'json' });
}
