import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Dirent } from 'node:fs';
import { link, lstat, open, readdir, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ConfigError, InvalidKeyError, PreconditionFailedError, SinkWriteError } from '../core/errors.js';
import type { CacheStore, EntryBody, EntryRef, FileType, VersionedEntry, WriteCondition } from './cacheStore.js';
import { addressablePaths, entryPaths, isContentFile, keyBasedFolder, TEMP_FILE_PREFIX, validateKey } from './cachePaths.js';
import { checkCondition, contentVersion, describeCondition, isAsyncIterable, isVersioned, versionedPath } from './conditionalWrites.js';
import { makeFoldersNoFollow, openNoFollow, readNoFollow, refuseLink, refuseLinkedFolders } from './noFollow.js';
import { isProcessAlive, isStaleTempFile, tempFileName } from './staleTempFiles.js';
import { SymlinkRefusedError } from '../core/errors.js';

/** Where the local cache lives when the configuration does not say, relative to the working directory. */
export const DEFAULT_CACHE_ROOT = '.letsflow/cache';

export const FsCacheStoreOptionsSchema = z
  .object({
    root: z
      .string()
      .min(1)
      .default(DEFAULT_CACHE_ROOT)
      .describe('folder holding the namespaces; relative paths resolve against the working directory when the store is created'),
    durable: z
      .boolean()
      .optional()
      .describe('fsync each file before renaming it into place and its folder after, so a write that returned survives a power loss; off by default'),
  })
  .strict()
  .describe('a cache store on the local file system, laid out like the cache service');

export interface FsCacheStoreOptions {
  /** See `FsCacheStoreOptionsSchema`; configuration parsing supplies `DEFAULT_CACHE_ROOT`. */
  readonly root: string;
  /**
   * Whether a write that returned survives a power loss, not only a crash of the process: each
   * file is fsynced before it is renamed into place, and its folder after, which costs two disk
   * flushes per copy. Off by default; a cache can be rebuilt from its sources.
   */
  readonly durable?: boolean;
  /** The time that places `temporal*` copies in their hour folder; the wall clock by default. */
  readonly clock?: () => Date;
}

const HEALTHCHECK_NAMESPACE = 'letsflow-healthcheck';
// A concurrent remove may prune a folder between our mkdir and our open; a few retries outlast it.
const CREATE_ATTEMPTS = 5;
/** An entry lock older than this belongs to a process that died holding it, and may be broken. */
export const LOCK_STALE_MS = 5_000;
// Longer than LOCK_STALE_MS, so a waiter outlives a dead holder's lock instead of giving up.
const LOCK_WAIT_MS = 3 * LOCK_STALE_MS;
const LOCK_RETRY_MAX_MS = 25;

const bytesOf = (body: Uint8Array | string): Uint8Array => (typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body);



const LOCK_PREFIX = `${TEMP_FILE_PREFIX}lock-`;
const BREAKER_SUFFIX = '-breaking';

/** The lock file of an entry: in its folder, named with the reserved temporary prefix so no key can collide with it. */
const lockPathOf = (target: string): string => path.join(path.dirname(target), `${LOCK_PREFIX}${path.basename(target)}`);

const errorCode = (error: unknown): unknown => (error as NodeJS.ErrnoException | undefined)?.code;




async function removeQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // Best effort: the write already failed and that error is the one worth reporting.
  }
}

/**
 * Runs `action` holding the entry's lock: a file created with `wx`, so across processes at most
 * one holder exists. Waits with jittered retries; breaks a lock older than LOCK_STALE_MS (its
 * holder died: a live holder keeps it for one read and one rename). Rejects with the `ENOENT`
 * of the open when the entry's folder does not exist.
 */
async function withEntryLock<T>(target: string, action: () => Promise<T>): Promise<T> {
  const lock = lockPathOf(target);
  const token = `${hostname()} ${process.pid} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await writeFile(lock, token, { flag: 'wx' });
      break;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    await breakIfStale(lock);
    if (Date.now() > deadline) throw new Error(`entry lock ${lock} was held for over ${LOCK_WAIT_MS} ms`);
    await sleep(Math.random() * Math.min(LOCK_RETRY_MAX_MS, 2 ** attempt));
  }
  try {
    return await action();
  } finally {
    await releaseLock(lock, token);
  }
}

// Only our own lock is removed: had we stalled past LOCK_STALE_MS, another process may hold it now.
async function releaseLock(lock: string, token: string): Promise<void> {
  try {
    if (Buffer.from((await readNoFollow(lock, 'writing')) ?? []).toString('utf8') === token) await unlink(lock);
  } catch {
    // Already broken by another process, which is what a stale lock is for.
  }
}

/**
 * A lock file is stale when it is older than LOCK_STALE_MS, or at once when its holder (the
 * `host pid nonce` it contains) is a process of this host that no longer exists: a run killed
 * while holding a lock does not hold up its restart. A holder on another host (a shared folder)
 * is only judged by age.
 */
async function staleLock(file: string): Promise<{ ino: number } | undefined> {
  const info = await lstat(file).catch(() => undefined);
  // A link is no lock of ours: someone planted it, and reading it would follow it.
  if (info?.isSymbolicLink()) throw new SymlinkRefusedError(file, 'writing');
  if (info === undefined) return undefined;
  try {
    if (Date.now() - info.mtimeMs > LOCK_STALE_MS) return { ino: info.ino };
    const [host, pid] = Buffer.from((await readNoFollow(file, 'writing')) ?? []).toString('utf8').split(' ');
    const holder = Number(pid);
    const dead = host === hostname() && Number.isInteger(holder) && holder > 0 && holder !== process.pid && !isProcessAlive(holder);
    return dead ? { ino: info.ino } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a stale lock. A second `wx` file serialises the breakers, and the lock is re-checked
 * under it, so two breakers cannot both remove a lock and one of them remove the fresh lock the
 * other just took.
 */
async function breakIfStale(lock: string): Promise<boolean> {
  const isStale = staleLock;
  const seen = await isStale(lock);
  if (seen === undefined) return false;
  const breaker = `${lock}${BREAKER_SUFFIX}`;
  try {
    await writeFile(breaker, '', { flag: 'wx' });
  } catch {
    // Another process is breaking it; a breaker that died holding its own file is stale in turn.
    if ((await isStale(breaker)) !== undefined) await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    if ((await isStale(lock))?.ino !== seen.ino) return false;
    await unlink(lock);
    return true;
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/**
 * Removes one left-over file of a killed writer, and says whether it did: a temporary file
 * `isStaleTempFile` judges left over, a lock `breakIfStale` breaks (under the same protocol as
 * a waiting writer, so a live holder keeps it), or a breaker's file older than LOCK_STALE_MS.
 */
async function removeIfLeftOver(file: string): Promise<boolean> {
  const name = path.basename(file);
  if (name.startsWith(LOCK_PREFIX) && !name.endsWith(BREAKER_SUFFIX)) return breakIfStale(file);
  if (name.startsWith(LOCK_PREFIX)) {
    if ((await staleLock(file)) === undefined) return false;
  } else {
    const info = await lstat(file);
    if (!info.isFile() || !isStaleTempFile(name, info.mtimeMs, Date.now())) return false;
  }
  await unlink(file);
  return true;
}

/**
 * Removes the left-over temporary and lock files among a folder's `children`, returning how
 * many. Best effort: a file that cannot be judged or removed stays for a later pass, and a
 * listing or remove does not fail for it.
 */
async function removeLeftOvers(folder: string, children: readonly Dirent[]): Promise<number> {
  let removed = 0;
  for (const child of children) {
    if (!child.isFile() || !child.name.startsWith(TEMP_FILE_PREFIX)) continue;
    if (await removeIfLeftOver(path.join(folder, child.name)).catch(() => false)) removed += 1;
  }
  return removed;
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
 * No symbolic link below the root is ever followed (the root itself may be one): every folder
 * from the root down is checked with `lstat` before a read, write, listing or remove, files are
 * read with `O_NOFOLLOW`, and a link where an entry belongs is not renamed or linked over (a
 * remove deletes such a link itself, which follows nothing). A
 * link met on the way to an entry throws `SymlinkRefusedError` naming it; a listing skips the
 * links it finds inside the folder it walks, as they are no entries. Files left by a killed
 * writer are removed where the store meets them anyway: in each folder a listing reads, and in
 * an entry's own folder when a remove finds it not empty. A `.tmp-` file goes once its writer,
 * a process of this host, has exited, or else once unmodified for `TEMP_STALE_MS` (10 minutes);
 * a lock goes as a waiting writer would break it. With `durable`, files and their folders are fsynced.
 *
 * Versions (`getVersioned`, `putIf`, for `key_based` and `direct` entries) are the SHA-1 of the
 * bytes. `putIf` is atomic across processes sharing the folder: create-if-absent stages a
 * temporary file and `link()`s it to the entry's name, which fails if the name exists; if-match
 * takes the entry's lock (a `.tmp-lock-` file created exclusively in the entry's folder),
 * compares the current bytes' version and renames under it. `put` and `remove` of such entries
 * take the same lock, so no unconditional write slips between a comparison and its rename. A
 * lock whose holder is a dead process of this host, or older than `LOCK_STALE_MS`, is broken;
 * a writer waits at most three times that long. A condition that does not hold throws `PreconditionFailedError`.
 *
 * @example
 * ```ts
 * import { fsCacheStore } from 'letsflow';
 * const store = fsCacheStore({ root: './.letsflow/cache' });
 * await store.put({ namespace: 'sa-cloudfront-aggregate', key: 'hourly/2026-02-16-14', fileType: 'json' }, '{"requests":1}');
 * console.log(await store.list('sa-cloudfront-aggregate', 'json', 'hourly/')); // ['hourly/2026-02-16-14']
 * ```
 * @param options the root folder, whether writes are `durable`, and, for tests, the clock
 * @throws ConfigError when the options are invalid
 * @throws SymlinkRefusedError from any operation that meets a symbolic link below the root
 */
export function fsCacheStore(options: FsCacheStoreOptions): CacheStore {
  const parsed = FsCacheStoreOptionsSchema.safeParse({ root: options.root, durable: options.durable });
  if (!parsed.success) throw new ConfigError(`fsCacheStore: invalid options: ${z.prettifyError(parsed.error)}`);
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new ConfigError('fsCacheStore: clock must be a function returning a Date');
  }
  const root = path.resolve(parsed.data.root);
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  const clock = options.clock ?? (() => new Date());
  const durable = parsed.data.durable === true;

  // Defence in depth: validateKey already keeps keys inside their namespace.
  function resolveInside(relative: string): string {
    const absolute = path.resolve(root, relative);
    if (!absolute.startsWith(rootPrefix)) throw new InvalidKeyError(relative, `resolves outside the store root ${root}`);
    return absolute;
  }

  async function openTemp(folder: string) {
    for (let attempt = 1; ; attempt += 1) {
      const file = path.join(folder, tempFileName());
      try {
        await makeFoldersNoFollow(root, folder);
        // `wx` is O_EXCL, which never follows a link: the temporary file is always a new file of ours.
        return { file, handle: await open(file, 'wx') };
      } catch (error) {
        if (errorCode(error) !== 'ENOENT' || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  async function closeTemp(handle: FileHandle): Promise<void> {
    if (durable) await handle.sync();
    await handle.close();
  }

  // The rename of a file is durable only once its folder is flushed too.
  async function syncFolders(files: readonly string[]): Promise<void> {
    if (!durable) return;
    for (const folder of new Set(files.map((file) => path.dirname(file)))) {
      const handle = await open(folder, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }

  /** Stages bytes in a new temporary file next to `target`, written and closed by `fill`, and returns its path. */
  async function stageTemp(target: string, fill: (handle: FileHandle) => Promise<void>): Promise<string> {
    const { file, handle } = await openTemp(path.dirname(target));
    try {
      await fill(handle);
      return file;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await removeQuietly(file);
      throw error;
    }
  }

  // A stream closes its file when it ends; `flush` has it fsync the file first.
  const writeTemp = (target: string, body: EntryBody): Promise<string> =>
    stageTemp(target, async (handle) => {
      if (isAsyncIterable(body)) return pipeline(body, handle.createWriteStream({ flush: durable }));
      await handle.writeFile(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
      await closeTemp(handle);
    });

  // A stream copy rather than copyFile, whose open of the destination would follow a link swapped in for it.
  const copyTemp = (source: string, target: string): Promise<string> =>
    stageTemp(target, async (handle) => {
      const input = await openNoFollow(source, 'writing');
      await pipeline(input.createReadStream(), handle.createWriteStream({ flush: durable }));
    });

  /** Reads an entry's file, refusing a link in it or in any folder below the root. */
  async function readEntry(file: string): Promise<Uint8Array | undefined> {
    await refuseLinkedFolders(root, path.dirname(file), 'reading');
    return readNoFollow(file, 'reading');
  }

  /**
   * Deletes `folder` if it is empty, and says whether it did. When `sweep` is set and it is not
   * empty, left-over temporary files are removed and it is tried once more; only an entry's own
   * folder is swept, since it holds a few files where its parents may hold thousands of keys.
   */
  async function removeFolderIfEmpty(folder: string, sweep: boolean): Promise<boolean> {
    try {
      await rmdir(folder);
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') return false;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
    if (!sweep) return false;
    const children = await readdir(folder, { withFileTypes: true }).catch(() => []);
    return (await removeLeftOvers(folder, children)) > 0 && removeFolderIfEmpty(folder, false);
  }

  async function pruneEmptyFolders(file: string, namespaceFolder: string): Promise<void> {
    for (let folder = path.dirname(file); folder.startsWith(namespaceFolder); folder = path.dirname(folder)) {
      if (!(await removeFolderIfEmpty(folder, folder === path.dirname(file)))) return;
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
    // The folders a listing reads anyway are where a killed writer's files are found at no extra cost.
    await removeLeftOvers(folder, children);
    // A content file that is a link is no entry (isFile is false for links): it is not listed, so never read.
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
        const commit = async (): Promise<void> => {
          for (const [index, target] of targets.entries()) {
            failing = target;
            // rename replaces a link rather than following it, but a link where an entry belongs was planted: say so.
            await refuseLink(target, 'writing');
            await rename(temps[index]!, target);
            renamed = index + 1;
          }
        };
        // A versioned entry is replaced under its lock, so a putIf that compared versions cannot overwrite this write.
        if (isVersioned(ref)) await withEntryLock(targets[0]!, commit);
        else await commit();
        await syncFolders(targets);
      } catch (error) {
        await Promise.all(temps.slice(renamed).map(removeQuietly));
        if (error instanceof SymlinkRefusedError) throw error;
        throw new SinkWriteError(failing, { cause: error });
      }
    },

    async get(ref: EntryRef): Promise<Uint8Array | undefined> {
      const [first] = addressablePaths(ref);
      return readEntry(resolveInside(first!));
    },

    async list(namespace: string, fileType: FileType, prefix = ''): Promise<string[]> {
      const base = resolveInside(keyBasedFolder(namespace));
      // Start at the deepest folder the prefix names, so unrelated subtrees are never read.
      const folderKey = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      if (folderKey !== '' && !isFolderKey(folderKey)) return [];
      const start = folderKey === '' ? base : resolveInside(path.posix.join(keyBasedFolder(namespace), folderKey));
      // The walk skips the links it meets; a link on the way to where it starts is refused like a read's.
      await refuseLinkedFolders(root, start, 'reading');
      const keys: string[] = [];
      await walk(start, folderKey, fileType, prefix, keys);
      return keys.sort();
    },

    async getVersioned(ref: EntryRef): Promise<VersionedEntry | undefined> {
      const body = await readEntry(resolveInside(versionedPath(ref, 'getVersioned')));
      return body === undefined ? undefined : { body, version: contentVersion(body) };
    },

    async putIf(ref: EntryRef, body: Uint8Array | string, condition: WriteCondition): Promise<string> {
      checkCondition(condition);
      const target = resolveInside(versionedPath(ref, 'putIf'));
      const bytes = bytesOf(body);
      let temp: string | undefined;
      try {
        temp = await writeTemp(target, bytes);
        const staged = temp;
        if ('ifNoneMatch' in condition) {
          // link() creates the name only if it does not exist, atomically, across processes.
          await link(staged, target).catch(async (error: unknown) => {
            if (errorCode(error) !== 'EEXIST') throw error;
            await refuseLink(target, 'writing');
            throw new PreconditionFailedError(target, describeCondition(condition));
          });
        } else {
          await withEntryLock(target, async () => {
            const current = await readNoFollow(target, 'writing');
            if (current === undefined || contentVersion(current) !== condition.ifMatch) {
              throw new PreconditionFailedError(target, describeCondition(condition));
            }
            await rename(staged, target);
          });
        }
        await syncFolders([target]);
        return contentVersion(bytes);
      } catch (error) {
        if (error instanceof PreconditionFailedError || error instanceof SymlinkRefusedError) throw error;
        throw new SinkWriteError(target, { cause: error });
      } finally {
        // After a link the temporary name remains; after a rename it is gone and this is a no-op.
        if (temp !== undefined) await removeQuietly(temp);
      }
    },

    async remove(ref: EntryRef): Promise<void> {
      const namespaceFolder = resolveInside(ref.namespace);
      const versioned = isVersioned(ref);
      for (const target of addressablePaths(ref).map(resolveInside)) {
        try {
          // unlink removes a link itself and never follows it, but a linked folder on the way would be followed.
          await refuseLinkedFolders(root, path.dirname(target), 'writing');
          // Under the lock, so a putIf that compared versions cannot bring a removed entry back.
          await (versioned ? withEntryLock(target, () => unlink(target)) : unlink(target));
        } catch (error) {
          if (error instanceof SymlinkRefusedError) throw error;
          // ENOENT from the lock means the entry's folder, and so the entry, does not exist.
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
