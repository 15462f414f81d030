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

/** An entry's bytes with its version tag: the S3 ETag, or a content hash where there is none. */
export interface VersionedEntry {
  readonly body: Uint8Array;
  readonly version: string;
}

/** S3's conditional-write semantics: create only if absent, or replace only the version read. */
export type WriteCondition = { readonly ifNoneMatch: '*' } | { readonly ifMatch: string };

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
  /** The entry's bytes and version, or `undefined` when absent (`key_based` and `direct` entries). */
  getVersioned(ref: EntryRef): Promise<VersionedEntry | undefined>;
  /**
   * Writes an entry only if `condition` holds, checked atomically with the write even across
   * processes (this is what leases are built on). Returns the new version; throws
   * PreconditionFailedError when the condition does not hold.
   */
  putIf(ref: EntryRef, body: Uint8Array | string, condition: WriteCondition): Promise<string>;
  /** Removes an entry; absent entries are not an error. */
  remove(ref: EntryRef): Promise<void>;
  /** Performs the same kind of write the store will really do, to a scratch key; throws what a real write would. */
  healthcheck(): Promise<void>;
}
