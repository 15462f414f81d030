import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rmdir, unlink, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { ConfigError, InvalidKeyError, SinkWriteError } from '../core/errors.js';
import type { CacheStore, EntryBody, EntryRef, FileType } from './cacheStore.js';
import { addressablePaths, entryPaths, isContentFile, keyBasedFolder, TEMP_FILE_PREFIX, validateKey } from './cachePaths.js';

/** Where the local cache lives when the configuration does not say, relative to the working directory. */
export const DEFAULT_CACHE_ROOT = '.letsflow/cache';

export const FsCacheStoreOptionsSchema = z
  .object({
    root: z
      .string()
      .min(1)
      .default(DEFAULT_CACHE_ROOT)
      .describe('folder holding the namespaces; relative paths resolve against the working directory when the store is created'),
  })
  .strict()
  .describe('a cache store on the local file system, laid out like the cache service');

export interface FsCacheStoreOptions {
  /** See `FsCacheStoreOptionsSchema`; configuration parsing supplies `DEFAULT_CACHE_ROOT`. */
  readonly root: string;
  /** The time that places `temporal*` copies in their hour folder; the wall clock by default. */
  readonly clock?: () => Date;
}

const HEALTHCHECK_NAMESPACE = 'letsflow-healthcheck';
// A concurrent remove may prune a folder between our mkdir and our open; a few retries outlast it.
const CREATE_ATTEMPTS = 5;

const errorCode = (error: unknown): unknown => (error as NodeJS.ErrnoException | undefined)?.code;

const isAsyncIterable = (body: EntryBody): body is AsyncIterable<Uint8Array> =>
  typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function';

const tempName = (): string => `${TEMP_FILE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`;

async function removeQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // Best effort: the write already failed and that error is the one worth reporting.
  }
}

/**
 * A cache store on the local file system, in the cache service's layout, so the folder can be browsed or synced as is.
 *
 * Writes are atomic per file: the body goes to a `.tmp-` file in the target's folder, which is
 * then renamed over the target, so readers see the old bytes or the new, and a failing body
 * (including an async iterable that throws midway, streamed with back-pressure) leaves the old
 * bytes and no temporary file. `temporal_latest` and `temporal_versioned` write every copy.
 * `get` reads the addressable copy and returns `undefined` only when it does not exist; a
 * `temporal` entry cannot be read or removed by key. `remove` also deletes the folders it
 * leaves empty, up to and including the namespace folder. Every path is checked to resolve
 * inside the root, in addition to the key rules. Write failures throw `SinkWriteError`.
 *
 * @example
 * ```ts
 * import { fsCacheStore } from 'letsflow';
 * const store = fsCacheStore({ root: './.letsflow/cache' });
 * await store.put({ namespace: 'sa-cloudfront-aggregate', key: 'hourly/2026-02-16-14', fileType: 'json' }, '{"requests":1}');
 * console.log(await store.list('sa-cloudfront-aggregate', 'json', 'hourly/')); // ['hourly/2026-02-16-14']
 * ```
 * @param options the root folder and, for tests, the clock
 * @throws ConfigError when the options are invalid
 */
export function fsCacheStore(options: FsCacheStoreOptions): CacheStore {
  const parsed = FsCacheStoreOptionsSchema.safeParse({ root: options.root });
  if (!parsed.success) throw new ConfigError(`fsCacheStore: invalid options: ${z.prettifyError(parsed.error)}`);
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new ConfigError('fsCacheStore: clock must be a function returning a Date');
  }
  const root = path.resolve(parsed.data.root);
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  const clock = options.clock ?? (() => new Date());

  // Defence in depth: validateKey already keeps keys inside their namespace.
  function resolveInside(relative: string): string {
    const absolute = path.resolve(root, relative);
    if (!absolute.startsWith(rootPrefix)) throw new InvalidKeyError(relative, `resolves outside the store root ${root}`);
    return absolute;
  }

  async function openTemp(folder: string) {
    for (let attempt = 1; ; attempt += 1) {
      const file = path.join(folder, tempName());
      try {
        await mkdir(folder, { recursive: true });
        return { file, handle: await open(file, 'wx') };
      } catch (error) {
        if (errorCode(error) !== 'ENOENT' || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  async function writeTemp(target: string, body: EntryBody): Promise<string> {
    const { file, handle } = await openTemp(path.dirname(target));
    try {
      if (isAsyncIterable(body)) {
        await pipeline(body, handle.createWriteStream());
      } else {
        await handle.writeFile(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
        await handle.close();
      }
      return file;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await removeQuietly(file);
      throw error;
    }
  }

  async function copyTemp(source: string, target: string): Promise<string> {
    const { file, handle } = await openTemp(path.dirname(target));
    await handle.close();
    try {
      await copyFile(source, file);
      return file;
    } catch (error) {
      await removeQuietly(file);
      throw error;
    }
  }

  async function pruneEmptyFolders(file: string, namespaceFolder: string): Promise<void> {
    for (let folder = path.dirname(file); folder.startsWith(namespaceFolder); folder = path.dirname(folder)) {
      try {
        await rmdir(folder);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return;
        throw error;
      }
      if (folder === namespaceFolder) return;
    }
  }

  async function walk(folder: string, key: string, fileType: FileType, prefix: string, keys: string[]): Promise<void> {
    if (key !== '' && !isFolderKey(key)) return;
    let children: Dirent[];
    try {
      children = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return;
      throw error;
    }
    if (key !== '' && key.startsWith(prefix) && children.some((c) => c.isFile() && isContentFile(key, fileType, c.name))) {
      keys.push(key);
    }
    for (const child of children) {
      // Symbolic links are not followed: they could lead out of the root.
      if (!child.isDirectory()) continue;
      const childKey = key === '' ? child.name : `${key}/${child.name}`;
      if (!childKey.startsWith(prefix) && !prefix.startsWith(`${childKey}/`)) continue;
      await walk(path.join(folder, child.name), childKey, fileType, prefix, keys);
    }
  }

  const store: CacheStore = {
    location: root,

    async put(ref: EntryRef, body: EntryBody): Promise<void> {
      const targets = entryPaths(ref, clock()).map(resolveInside);
      const temps: string[] = [];
      let renamed = 0;
      let failing = targets[0] ?? root;
      try {
        for (const target of targets) {
          failing = target;
          const first = temps[0];
          temps.push(first === undefined ? await writeTemp(target, body) : await copyTemp(first, target));
        }
        // Renaming only once every copy is staged keeps a failed body from touching any copy.
        for (const [index, target] of targets.entries()) {
          failing = target;
          await rename(temps[index]!, target);
          renamed = index + 1;
        }
      } catch (error) {
        await Promise.all(temps.slice(renamed).map(removeQuietly));
        throw new SinkWriteError(failing, { cause: error });
      }
    },

    async get(ref: EntryRef): Promise<Uint8Array | undefined> {
      const [first] = addressablePaths(ref);
      try {
        return new Uint8Array(await readFile(resolveInside(first!)));
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw error;
      }
    },

    async list(namespace: string, fileType: FileType, prefix = ''): Promise<string[]> {
      const base = resolveInside(keyBasedFolder(namespace));
      // Start at the deepest folder the prefix names, so unrelated subtrees are never read.
      const folderKey = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      if (folderKey !== '' && !isFolderKey(folderKey)) return [];
      const start = folderKey === '' ? base : resolveInside(path.posix.join(keyBasedFolder(namespace), folderKey));
      const keys: string[] = [];
      await walk(start, folderKey, fileType, prefix, keys);
      return keys.sort();
    },

    async remove(ref: EntryRef): Promise<void> {
      const namespaceFolder = resolveInside(ref.namespace);
      for (const target of addressablePaths(ref).map(resolveInside)) {
        try {
          await unlink(target);
        } catch (error) {
          if (errorCode(error) === 'ENOENT') continue;
          throw new SinkWriteError(target, { cause: error });
        }
        try {
          await pruneEmptyFolders(target, namespaceFolder);
        } catch (error) {
          throw new SinkWriteError(path.dirname(target), { cause: error });
        }
      }
    },

    async healthcheck(): Promise<void> {
      const ref: EntryRef = {
        namespace: HEALTHCHECK_NAMESPACE,
        key: `probe-${process.pid}-${randomBytes(6).toString('hex')}`,
        fileType: 'binary',
      };
      const probe = randomBytes(32);
      await store.put(ref, probe);
      try {
        const back = await store.get(ref);
        if (back === undefined || !Buffer.from(back).equals(probe)) {
          throw new SinkWriteError(path.join(root, HEALTHCHECK_NAMESPACE), {
            cause: new Error('the healthcheck entry read back differs from what was written'),
          });
        }
      } finally {
        await store.remove(ref);
      }
    },
  };
  return store;
}

// Key validity is closed under taking leading segments, so an invalid folder part of a prefix holds no valid key.
function isFolderKey(folderKey: string): boolean {
  try {
    validateKey(folderKey);
    return true;
  } catch {
    return false;
  }
}
