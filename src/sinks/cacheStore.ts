/**
 * A cache store: where every LETS step writes its output so people can browse it. The
 * layout follows the cache service (reference/cache-service.md §2.1): an entry lives under
 * its namespace and strategy, `key_based` entries at `{ns}/data/key-based/{key}/{file_id}.{ext}`
 * with `file_id` = the key with `/` → `-`, so an event-time layout is addressable by key.
 */

export const STRATEGIES = ['direct', 'temporal', 'temporal_latest', 'temporal_versioned', 'key_based'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** `json` entries are UTF-8 JSON (`.json`); `binary` entries are raw bytes (`.bin`). */
export type FileType = 'json' | 'binary';

export interface EntryRef {
  readonly namespace: string;
  /** Slash-separated key; each segment `[A-Za-z0-9_. -]`, no `.`/`..` segments. */
  readonly key: string;
  readonly fileType: FileType;
  /** Defaults to `key_based`, the only strategy whose path is a function of the key alone. */
  readonly strategy?: Strategy;
}

export type EntryBody = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface CacheStore {
  /** Where the store lives, for messages: a folder, `s3://bucket/prefix`, `memory`. */
  readonly location: string;
  /**
   * Writes an entry atomically: a reader sees the old bytes or the new, never a mix, and a
   * failed write (including a throwing body iterable) leaves the old bytes in place.
   */
  put(ref: EntryRef, body: EntryBody): Promise<void>;
  /** The entry's bytes, or `undefined` when absent. */
  get(ref: EntryRef): Promise<Uint8Array | undefined>;
  /** Keys of the entries of `fileType` under `namespace` whose key starts with `prefix`, sorted. */
  list(namespace: string, fileType: FileType, prefix?: string): Promise<string[]>;
  /** Removes an entry; absent entries are not an error. */
  remove(ref: EntryRef): Promise<void>;
  /** Performs the same kind of write the store will really do, to a scratch key; throws what a real write would. */
  healthcheck(): Promise<void>;
}
