import { InvalidKeyError, LetsflowError } from '../core/errors.js';
import type { EntryRef, FileType } from './cacheStore.js';

/**
 * Where cache entries live, relative to a store's root: the cache service's path grammar
 * (reference/cache-service.md §2.1), and the key and namespace rules that keep every path
 * inside its namespace. Keys come from log content, so `validateKey` is a security boundary.
 */

/** Names of files a store writes before renaming them into place; no key segment may start with it. */
export const TEMP_FILE_PREFIX = '.tmp-';

const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const SEGMENT_PATTERN = /^[A-Za-z0-9_. -]+$/;
const MAX_KEY_LENGTH = 1024;
// NAME_MAX of ext4, xfs, btrfs and APFS: a longer file name would fail on disk but not in memory.
const MAX_FILE_NAME_LENGTH = 255;
const EXTENSIONS: Readonly<Record<FileType, string>> = { json: 'json', binary: 'bin' };

const fileIdOf = (key: string): string => key.replaceAll('/', '-');
const fileNameOf = (key: string, fileType: FileType): string => `${fileIdOf(key)}.${EXTENSIONS[fileType]}`;

/**
 * Checks that a namespace is a single safe path segment.
 *
 * A namespace is 1 to 128 characters of `[A-Za-z0-9_-]`, the cache service's `Safe_Str__Id`
 * alphabet. The service silently rewrites other characters to `_`; here they are refused, so
 * the paths written are the paths the service would compute.
 *
 * @example
 * ```ts
 * import { validateNamespace } from 'letsflow';
 * validateNamespace('sa-cloudfront-aggregate'); // ok
 * validateNamespace('../etc'); // throws InvalidKeyError
 * ```
 * @throws InvalidKeyError when the namespace breaks a rule, naming the rule
 */
export function validateNamespace(namespace: string): void {
  if (typeof namespace !== 'string') throw new InvalidKeyError(String(namespace), 'a namespace must be a string');
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new InvalidKeyError(namespace, 'a namespace must be 1 to 128 characters of [A-Za-z0-9_-]');
  }
}

/**
 * Checks that a cache key names a folder strictly inside its namespace and cannot collide with another entry.
 *
 * A key is 1 to 1024 characters of `/`-separated segments, each of `[A-Za-z0-9_. -]`; no empty
 * segment (so no leading, trailing or doubled `/`), no `.` or `..` segment, no segment starting
 * with `.tmp-` (reserved for temporary files). The entry's file name (`file_id` + extension)
 * must fit in 255 characters, which in practice bounds keys at 250 characters. A segment may not
 * be the content file name of the key before it (`a/a.json`), because that file and that folder
 * would be the same path. Anything else, including backslashes, NUL, `%2e` and non-ASCII, is refused.
 *
 * @example
 * ```ts
 * import { validateKey } from 'letsflow';
 * validateKey('hourly/2026-02-16-14'); // ok
 * validateKey('hourly/../../etc'); // throws InvalidKeyError
 * ```
 * @throws InvalidKeyError when the key breaks a rule, naming the rule
 */
export function validateKey(key: string): void {
  if (typeof key !== 'string') throw new InvalidKeyError(String(key), 'a key must be a string');
  if (key.length === 0) throw new InvalidKeyError(key, 'a key must not be empty');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidKeyError(key, `a key must be at most ${MAX_KEY_LENGTH} characters`);
  if (key.includes('\\')) throw new InvalidKeyError(key, 'a key must not contain a backslash');
  if (key.includes('\0')) throw new InvalidKeyError(key, 'a key must not contain a NUL character');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'a key must be relative: it starts with "/"');
  if (key.endsWith('/')) throw new InvalidKeyError(key, 'a key must not end with "/"');
  const segments = key.split('/');
  for (const [index, segment] of segments.entries()) {
    if (segment === '') throw new InvalidKeyError(key, 'a key must not have an empty segment ("//")');
    if (segment === '.' || segment === '..') throw new InvalidKeyError(key, 'a key must not have a "." or ".." segment');
    if (!SEGMENT_PATTERN.test(segment)) {
      throw new InvalidKeyError(key, `segment ${JSON.stringify(segment)} has characters outside [A-Za-z0-9_. -]`);
    }
    if (segment.startsWith(TEMP_FILE_PREFIX)) {
      throw new InvalidKeyError(key, `a segment must not start with "${TEMP_FILE_PREFIX}" (reserved for temporary files)`);
    }
    if (index > 0) {
      const parent = segments.slice(0, index).join('/');
      if (segment === fileNameOf(parent, 'json') || segment === fileNameOf(parent, 'binary')) {
        throw new InvalidKeyError(key, `segment ${JSON.stringify(segment)} is the content file of key ${JSON.stringify(parent)}`);
      }
    }
  }
  const longest = Math.max(fileNameOf(key, 'json').length, fileNameOf(key, 'binary').length);
  if (longest > MAX_FILE_NAME_LENGTH) {
    throw new InvalidKeyError(key, `its file name would be ${longest} characters; file systems allow ${MAX_FILE_NAME_LENGTH}`);
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function hourFolder(now: Date): string {
  return `${pad(now.getUTCFullYear(), 4)}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}/${pad(now.getUTCHours())}`;
}

// The service's ID-sharded handler drops a shard that would start past the end of a short id.
function shards(key: string): string {
  const parts = [fileIdOf(key).slice(0, 2), fileIdOf(key).slice(2, 4)].filter((shard) => shard !== '');
  // Valid segments may contain dots, so a shard of a key like '..ab' would be a '..' folder.
  if (parts.some((shard) => shard === '.' || shard === '..')) {
    throw new InvalidKeyError(key, 'a direct entry\'s folders are the first 4 characters of its key, and they must not be "." or ".."');
  }
  return parts.join('/');
}

function validated(ref: EntryRef): { base: string; file: string } {
  validateNamespace(ref.namespace);
  validateKey(ref.key);
  return { base: `${ref.namespace}/data`, file: fileNameOf(ref.key, ref.fileType) };
}

/**
 * The paths of the copies of an entry that do not depend on the time of writing: the ones `get` reads and `remove` deletes.
 *
 * `key_based` and `direct` have one path; `temporal_latest` its `latest/` copy;
 * `temporal_versioned` its `latest/` and `versions/v1/` copies, in that order. The first path is
 * the one to read. A `temporal` entry only exists under the hour it was written, so it has no
 * such path and this throws. Validates the namespace and key first.
 *
 * @example
 * ```ts
 * import { addressablePaths } from 'letsflow';
 * addressablePaths({ namespace: 'ns', key: 'report', fileType: 'json', strategy: 'temporal_versioned' });
 * // ['ns/data/temporal-versioned/latest/report.json', 'ns/data/temporal-versioned/versions/v1/report.json']
 * ```
 * @throws InvalidKeyError for a bad namespace or key
 * @throws LetsflowError (`entry_not_addressable`) for a `temporal` entry
 */
export function addressablePaths(ref: EntryRef): string[] {
  const { base, file } = validated(ref);
  const strategy = ref.strategy ?? 'key_based';
  switch (strategy) {
    case 'key_based':
      return [`${base}/key-based/${ref.key}/${file}`];
    case 'direct':
      return [`${base}/direct/${shards(ref.key)}/${file}`];
    case 'temporal_latest':
      return [`${base}/temporal-latest/latest/${file}`];
    case 'temporal_versioned':
      // The service never increments the version: v1 is always the current copy.
      return [`${base}/temporal-versioned/latest/${file}`, `${base}/temporal-versioned/versions/v1/${file}`];
    case 'temporal':
      throw new LetsflowError(
        'entry_not_addressable',
        'reading',
        `temporal entry ${JSON.stringify(ref.key)} in ${JSON.stringify(ref.namespace)} is addressed by the hour it was written, ` +
          `not by key: list ${ref.namespace}/data/temporal/YYYY/MM/DD/HH, or store it as temporal_latest or key_based`,
      );
  }
}

/**
 * Every path a put of the entry at time `now` writes, relative to the store root: the addressable copies first, then the hour copy.
 *
 * Exactly the cache service layout: `key_based` → `{ns}/data/key-based/{key}/{file_id}.{ext}`;
 * `direct` → `{ns}/data/direct/{F[0:2]}/{F[2:4]}/{F}.{ext}`; `temporal` →
 * `{ns}/data/temporal/YYYY/MM/DD/HH/{F}.{ext}`; `temporal_latest` → its `latest/` copy and its
 * hour copy; `temporal_versioned` → `latest/`, `versions/v1/` and the hour copy. `file_id` is the
 * key with `/` replaced by `-`, `ext` is `json` or `bin`, and the hour is `now` in UTC.
 *
 * @example
 * ```ts
 * import { entryPaths } from 'letsflow';
 * entryPaths({ namespace: 'ns', key: 'report', fileType: 'json', strategy: 'temporal_latest' }, new Date());
 * // ['ns/data/temporal-latest/latest/report.json', 'ns/data/temporal-latest/2026/02/16/14/report.json']
 * ```
 * @throws InvalidKeyError for a bad namespace or key
 */
export function entryPaths(ref: EntryRef, now: Date): string[] {
  const strategy = ref.strategy ?? 'key_based';
  if (strategy === 'key_based' || strategy === 'direct') return addressablePaths(ref);
  const { base, file } = validated(ref);
  const folder = { temporal: 'temporal', temporal_latest: 'temporal-latest', temporal_versioned: 'temporal-versioned' }[strategy];
  const hourCopy = `${base}/${folder}/${hourFolder(now)}/${file}`;
  return strategy === 'temporal' ? [hourCopy] : [...addressablePaths(ref), hourCopy];
}

/**
 * The path of an entry relative to the store root, as the cache service lays it out (§2.1).
 *
 * For strategies that write several copies this is the one a reader addresses: the `latest/`
 * copy of `temporal_latest` and `temporal_versioned`; for `temporal` it is the copy under the
 * UTC hour of `now`. `now` is ignored by `key_based` and `direct`. Validates namespace and key.
 *
 * @example
 * ```ts
 * import { entryPath } from 'letsflow';
 * const path = entryPath({ namespace: 'sa-cloudfront-aggregate', key: 'hourly/2026-02-16-14', fileType: 'json' }, new Date());
 * // 'sa-cloudfront-aggregate/data/key-based/hourly/2026-02-16-14/hourly-2026-02-16-14.json'
 * ```
 * @throws InvalidKeyError for a bad namespace or key
 */
export function entryPath(ref: EntryRef, now: Date): string {
  const [first] = entryPaths(ref, now);
  // entryPaths yields at least one path for every strategy; the check satisfies the compiler.
  if (first === undefined) throw new InvalidKeyError(ref.key, 'no path for this entry');
  return first;
}

/**
 * The folder, relative to the store root, that holds the `key_based` entries of a namespace.
 *
 * A key's entry lives at `{folder}/{key}/{file_id}.{ext}`; listing walks this folder. Validates
 * the namespace.
 *
 * @example
 * ```ts
 * import { keyBasedFolder } from 'letsflow';
 * keyBasedFolder('sa-cloudfront-aggregate'); // 'sa-cloudfront-aggregate/data/key-based'
 * ```
 * @throws InvalidKeyError for a bad namespace
 */
export function keyBasedFolder(namespace: string): string {
  validateNamespace(namespace);
  return `${namespace}/data/key-based`;
}

/**
 * Whether a file found in the folder of `key` is that key's content file of `fileType`.
 *
 * Listing uses it to tell entries from temporary files, other file types and folders of longer
 * keys. Returns `false` for an invalid key instead of throwing, since a listing meets whatever is
 * on disk.
 *
 * @example
 * ```ts
 * import { isContentFile } from 'letsflow';
 * isContentFile('hourly/2026-02-16-14', 'json', 'hourly-2026-02-16-14.json'); // true
 * isContentFile('hourly/2026-02-16-14', 'json', '.tmp-123-ab12'); // false
 * ```
 */
export function isContentFile(key: string, fileType: FileType, fileName: string): boolean {
  try {
    validateKey(key);
  } catch {
    return false;
  }
  return fileName === fileNameOf(key, fileType);
}
