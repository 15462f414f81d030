import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { keyDate } from './keyDate.js';
import type { SourceObject } from './sourceObject.js';

/**
 * Lists a local folder the way a bucket lists: every regular file below it, in key order,
 * each with an identity and a way to stream its bytes.
 *
 * Keys are `/`-separated paths relative to the folder; a key prefix narrows the listing.
 * The etag is `size-mtime`, like a web server's, so rewriting a file makes it a new version
 * without reading it. Hidden files and folders (starting with `.`) and symlinks are skipped.
 * `since`/`until` bound a backfill by arrival time as `s3Objects` does: the date in the key
 * (`keyDate`) when it has one, else the file's mtime; `since` inclusive, `until` exclusive.
 * An object outside the bounds is not returned but given to `onOutside`, since it can still
 * hold events for windows inside them.
 *
 * @example
 * ```ts
 * import { localObjects } from 'letsflow';
 * for (const object of await localObjects('./logs', { prefix: 'cloudfront-realtime/2026/' })) {
 *   console.log(object.key, object.size);
 * }
 * ```
 * @param folder the folder that acts as the bucket
 * @param options.prefix only keys that start with this
 * @param options.archiveFolder where `archive()` moves an object, under the same key; outside `folder`
 * @param options.since inclusive lower bound on arrival time, epoch ms
 * @param options.until exclusive upper bound on arrival time, epoch ms
 * @param options.onOutside receives each object left out by `since`/`until`
 * @returns the objects, sorted by key
 */
export async function localObjects(
  folder: string,
  options: { prefix?: string; archiveFolder?: string; since?: number; until?: number; onOutside?: (object: SourceObject) => void } = {},
): Promise<SourceObject[]> {
  const root = resolve(folder);
  const prefix = options.prefix ?? '';
  const since = options.since ?? -Infinity;
  const until = options.until ?? Infinity;
  const archiveRoot = options.archiveFolder === undefined ? undefined : resolve(options.archiveFolder);
  if (archiveRoot !== undefined && isInside(root, archiveRoot)) {
    throw new ConfigError(`archive folder ${archiveRoot} must be outside the source folder ${root}, or archived objects would be listed again`);
  }
  const objects: SourceObject[] = [];

  const walk = async (dir: string, keyPrefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    // A folder's entries are looked at together: stat calls overlap on the thread pool, so a
    // listing of thousands of objects costs a fraction of one stat after another.
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.name.startsWith('.')) return;
        const key = keyPrefix + entry.name;
        if (entry.isDirectory()) {
          // Descend only where the prefix can still match below this folder.
          if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) await walk(join(dir, entry.name), `${key}/`);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          const path = join(dir, entry.name);
          const info = await stat(path);
          const object: SourceObject = {
            source: 'file',
            container: root,
            key,
            size: info.size,
            etag: `${info.size}-${Math.trunc(info.mtimeMs)}`,
            arrivedAt: Math.trunc(info.mtimeMs),
            open: async () => createReadStream(path, { highWaterMark: 256 * 1024 }),
            ...(archiveRoot !== undefined && { archive: () => moveTo(path, join(archiveRoot, ...key.split('/'))) }),
          };
          const arrival = keyDate(key)?.start ?? object.arrivedAt;
          if (arrival < since || arrival >= until) options.onOutside?.(object);
          else objects.push(object);
        }
      }),
    );
  };

  await walk(root, '');
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function moveTo(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    // Already moved by an earlier, interrupted archive run: nothing left to do.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
