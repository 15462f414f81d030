import { once } from 'node:events';
import { createGzip, constants as zlib } from 'node:zlib';
import type { ParseTally } from '../formats/logFormat.js';
import type { CacheStore, EntryRef } from '../sinks/cacheStore.js';
import { jsonBytes } from './documents.js';

/** Writes an object's parse errors (the records kept and the total), or removes a previous version's when it has none. */
export async function writeParseErrors(store: CacheStore, ref: EntryRef, name: string, tally: ParseTally, previousErrors: number): Promise<void> {
  if (tally.errors === 0) return previousErrors > 0 ? store.remove(ref) : undefined;
  await store.put(ref, jsonBytes({ object: name, total: tally.errors, kept: tally.errorRecords.length, errors: tally.errorRecords }));
}

/**
 * Streams events as gzip NDJSON into the store while the object is read. The fastest zlib
 * level keeps compression off the parse's critical path; `ready` holds the read back while
 * zlib catches up, so memory stays flat.
 */
export function rawEventWriter<E>(store: CacheStore, ref: EntryRef, objectSize: number) {
  // NDJSON events compress about as well as the log did; size zlib's buffer to match.
  const gzip = createGzip({ level: zlib.Z_BEST_SPEED, chunkSize: objectSize < 64 * 1024 ? 16 * 1024 : 256 * 1024 });
  // The store's verdict, observed by ready() and finish(); a failed put reports its error there, so the
  // stream's own error (from abort) has nobody else to tell.
  gzip.on('error', () => undefined);
  const stored = store.put(ref, gzip);
  stored.catch(() => undefined);
  return {
    // A put that failed will never drain the stream: its rejection ends the read instead of a wait forever.
    ready: (): Promise<void> | undefined => (gzip.writableNeedDrain ? Promise.race([once(gzip, 'drain').then(() => undefined), stored]) : undefined),
    write(events: readonly E[]): void {
      let text = '';
      for (const e of events) text += `${JSON.stringify(e)}\n`;
      gzip.write(text);
    },
    async finish(): Promise<void> {
      gzip.end();
      await stored;
    },
    abort(error: unknown): void {
      gzip.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  };
}
