import { z } from 'zod';
import type { CacheStore } from '../sinks/cacheStore.js';
import type { PipelineNamespaces } from './definition.js';
import { readStoredJson, writeJsonIfChanged, type StoredJson } from './documents.js';
import type { Blocker } from './finality.js';
import { pipelineRefs } from './layout.js';

/**
 * The aggregate step's checkpoint: where the last run left off. The windows still partial are
 * all a later run must look at again besides what changed; the newest event time and the
 * blockers let readers answer an empty window's finality (with their clock and policy)
 * without listing the source. Nothing in it follows the wall clock, so a run with nothing new
 * rewrites no byte of it. Its size follows the
 * windows not yet final — recent ones and those pending objects hold open — not history.
 */
export const CheckpointSchema = z
  .object({
    newest_event_time: z.number().nullable(),
    blockers: z.array(z.object({ from: z.number().nullable(), to: z.number().nullable() }).strict()).describe('null: unbounded'),
    open: z.array(z.string()).describe('windows stored partial, as period/time-key'),
    computed_at: z.string(),
  })
  .strict();
export type Checkpoint = z.infer<typeof CheckpointSchema>;

const EMPTY: Checkpoint = { newest_event_time: null, blockers: [], open: [], computed_at: '' };

export async function readCheckpoint(store: CacheStore, ns: PipelineNamespaces): Promise<StoredJson<Checkpoint> | { value: Checkpoint; text?: undefined; version?: undefined }> {
  return (await readStoredJson(store, pipelineRefs(ns).checkpoint(), CheckpointSchema)) ?? { value: EMPTY };
}

/** The checkpoint's blockers as ranges, unbounded ends as infinities. */
export function checkpointBlockers(checkpoint: Checkpoint): Blocker[] {
  return checkpoint.blockers.map((b) => ({ from: b.from ?? -Infinity, to: b.to ?? Infinity }));
}

/**
 * Writes the next checkpoint, conditional on the one this run read. When another worker's
 * run wrote in between, the two are joined — the newer event time, every window either saw
 * open — since a window wrongly listed open is only looked at again, while one wrongly
 * dropped would never settle.
 */
export async function writeCheckpoint(store: CacheStore, ns: PipelineNamespaces, next: Checkpoint, basis: Awaited<ReturnType<typeof readCheckpoint>>): Promise<void> {
  const ref = pipelineRefs(ns).checkpoint();
  let doc = next;
  let read = basis.text === undefined ? undefined : (basis as StoredJson<Checkpoint>);
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = await writeJsonIfChanged(store, ref, doc, read, ['computed_at']);
    if (outcome !== 'conflict') return;
    read = await readStoredJson(store, ref, CheckpointSchema);
    if (read === undefined) continue;
    const theirs = read.value;
    const newest = [doc.newest_event_time, theirs.newest_event_time].filter((t): t is number => t !== null);
    doc = { ...doc, newest_event_time: newest.length ? Math.max(...newest) : null, open: [...new Set([...doc.open, ...theirs.open])].sort() };
  }
}
