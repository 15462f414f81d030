import { randomBytes } from 'node:crypto';
import { PreconditionFailedError, SinkWriteError } from '../core/errors.js';
import type { CacheStore, EntryBody, EntryRef, FileType, VersionedEntry, WriteCondition } from './cacheStore.js';
import { addressablePaths, entryPaths, isContentFile, keyBasedFolder } from './cachePaths.js';
import { checkCondition, contentVersion, isAsyncIterable, versionedPath } from './conditionalWrites.js';

/** A cache store held in memory, whose whole contents can be compared. */
export interface MemoryCacheStore extends CacheStore {
  /** A copy of every file in the store, path → bytes, sorted by path; later writes do not change it. */
  snapshot(): Map<string, Uint8Array>;
}

export interface MemoryCacheStoreOptions {
  /** The time that places `temporal*` copies in their hour folder; the wall clock by default. */
  readonly clock?: () => Date;
}

const HEALTHCHECK_NAMESPACE = 'letsflow-healthcheck';





async function collect(body: EntryBody): Promise<Uint8Array> {
  if (typeof body === 'string') return new Uint8Array(Buffer.from(body, 'utf8'));
  // new Uint8Array copies; Buffer#slice would share the caller's memory.
  if (!isAsyncIterable(body)) return new Uint8Array(body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(new Uint8Array(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * A cache store in a `Map`, keyed by the same relative paths a file store writes, for tests.
 *
 * Behaves like `fsCacheStore`: the same key rules and paths, every copy of `temporal_latest` and
 * `temporal_versioned` written, a failing body leaving the old bytes, `get` returning
 * `undefined` for an absent entry and refusing `temporal` entries, `list` sorted. Bodies are
 * copied in and out, so callers cannot change stored bytes. `snapshot()` returns the whole
 * contents, to check that running a step twice writes the same bytes. Versions are the SHA-1
 * of the bytes; `putIf` checks and writes with no `await` in between, so it is atomic.
 *
 * @example
 * ```ts
 * import { memoryCacheStore } from 'letsflow';
 * const store = memoryCacheStore();
 * await store.put({ namespace: 'ns', key: 'daily/2026-02-16', fileType: 'json' }, '{}');
 * console.log([...store.snapshot().keys()]); // ['ns/data/key-based/daily/2026-02-16/daily-2026-02-16.json']
 * ```
 * @param options for tests, the clock
 */
export function memoryCacheStore(options: MemoryCacheStoreOptions = {}): MemoryCacheStore {
  const files = new Map<string, Uint8Array>();
  const clock = options.clock ?? (() => new Date());

  const store: MemoryCacheStore = {
    location: 'memory',

    async put(ref: EntryRef, body: EntryBody): Promise<void> {
      const paths = entryPaths(ref, clock());
      let bytes: Uint8Array;
      try {
        bytes = await collect(body);
      } catch (error) {
        throw new SinkWriteError(`memory:${paths[0] ?? ref.key}`, { cause: error });
      }
      for (const path of paths) files.set(path, new Uint8Array(bytes));
    },

    async get(ref: EntryRef): Promise<Uint8Array | undefined> {
      const [first] = addressablePaths(ref);
      const bytes = files.get(first!);
      return bytes === undefined ? undefined : new Uint8Array(bytes);
    },

    async list(namespace: string, fileType: FileType, prefix = ''): Promise<string[]> {
      const base = `${keyBasedFolder(namespace)}/`;
      const keys: string[] = [];
      for (const path of files.keys()) {
        if (!path.startsWith(base)) continue;
        const relative = path.slice(base.length);
        const slash = relative.lastIndexOf('/');
        if (slash < 0) continue;
        const key = relative.slice(0, slash);
        if (key.startsWith(prefix) && isContentFile(key, fileType, relative.slice(slash + 1))) keys.push(key);
      }
      return keys.sort();
    },

    async getVersioned(ref: EntryRef): Promise<VersionedEntry | undefined> {
      const bytes = files.get(versionedPath(ref, 'getVersioned'));
      return bytes === undefined ? undefined : { body: new Uint8Array(bytes), version: contentVersion(bytes) };
    },

    async putIf(ref: EntryRef, body: Uint8Array | string, condition: WriteCondition): Promise<string> {
      checkCondition(condition);
      const path = versionedPath(ref, 'putIf');
      const bytes = typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : new Uint8Array(body);
      const current = files.get(path);
      const holds = 'ifNoneMatch' in condition ? current === undefined : current !== undefined && contentVersion(current) === condition.ifMatch;
      if (!holds) {
        const described = 'ifNoneMatch' in condition ? 'if-none-match * (the entry must not exist)' : `if-match ${condition.ifMatch}`;
        throw new PreconditionFailedError(`memory:${path}`, described);
      }
      files.set(path, bytes);
      return contentVersion(bytes);
    },

    async remove(ref: EntryRef): Promise<void> {
      for (const path of addressablePaths(ref)) files.delete(path);
    },

    async healthcheck(): Promise<void> {
      const ref: EntryRef = { namespace: HEALTHCHECK_NAMESPACE, key: `probe-${randomBytes(6).toString('hex')}`, fileType: 'binary' };
      const probe = new Uint8Array(randomBytes(32));
      await store.put(ref, probe);
      const back = await store.get(ref);
      await store.remove(ref);
      if (back === undefined || !Buffer.from(back).equals(probe)) {
        throw new SinkWriteError(`memory:${HEALTHCHECK_NAMESPACE}`, { cause: new Error('the healthcheck entry read back differs') });
      }
    },

    snapshot(): Map<string, Uint8Array> {
      const sorted = [...files.keys()].sort();
      return new Map(sorted.map((path) => [path, new Uint8Array(files.get(path)!)]));
    },
  };
  return store;
}
