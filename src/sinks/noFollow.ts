import { constants } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorStage } from '../core/errors.js';
import { SymlinkRefusedError } from '../core/errors.js';

/**
 * File operations below a cache root that never follow a symbolic link below it. The root and
 * the folders above it are the user's choice and may be links; everything under the root is
 * checked component by component with `lstat`, from the root down, and the last component of a
 * file is opened with `O_NOFOLLOW`. Checking then opening leaves a window in which a folder could
 * be swapped for a link; closing it would take `openat` per component, which Node does not offer.
 */

// Windows has no O_NOFOLLOW; there, the lstat of the ancestors is the only guard.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

const errorCode = (error: unknown): unknown => (error as NodeJS.ErrnoException | undefined)?.code;

/** `root/a`, `root/a/b`, … down to `absolute`, which must be below `root`. */
function componentsBelow(root: string, absolute: string): string[] {
  const relative = path.relative(root, absolute);
  if (relative === '') return [];
  const paths: string[] = [];
  let current = root;
  for (const segment of relative.split(path.sep)) {
    current = path.join(current, segment);
    paths.push(current);
  }
  return paths;
}

/** Whether `file` exists; throws SymlinkRefusedError when it is a link. Other errors say it is absent, for the next operation to report. */
async function existsNotLinked(file: string, stage: ErrorStage): Promise<boolean> {
  try {
    if ((await lstat(file)).isSymbolicLink()) throw new SymlinkRefusedError(file, stage);
    return true;
  } catch (error) {
    if (error instanceof SymlinkRefusedError) throw error;
    return false;
  }
}

/**
 * Throws SymlinkRefusedError for the first link among the folders from below `root` down to
 * `folder`, inclusive. Stops quietly at the first one missing: the caller's own operation then
 * fails, or finds nothing, as it would have.
 */
export async function refuseLinkedFolders(root: string, folder: string, stage: ErrorStage): Promise<void> {
  for (const component of componentsBelow(root, folder)) {
    if (!(await existsNotLinked(component, stage))) return;
  }
}

/** Throws SymlinkRefusedError when `file` itself is a link; a missing file is fine. */
export async function refuseLink(file: string, stage: ErrorStage): Promise<void> {
  await existsNotLinked(file, stage);
}

async function createFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    // Another writer created it first, or someone planted a link there since we looked.
    await refuseLink(folder, 'writing');
  }
}

/**
 * `mkdir -p` of `folder` below `root` that refuses, instead of following, a link on the way. An
 * `ENOENT` (a concurrent remove pruned a parent) is left to the caller to retry.
 */
export async function makeFoldersNoFollow(root: string, folder: string): Promise<void> {
  for (const component of componentsBelow(root, folder)) {
    if (await existsNotLinked(component, 'writing')) continue;
    // The root may be missing too; it is made with `recursive`, since links above it are the user's.
    if (path.dirname(component) === root) await mkdir(root, { recursive: true });
    await createFolder(component);
  }
}

/** Opens `file` for reading without following a link in its last component. */
export async function openNoFollow(file: string, stage: ErrorStage): Promise<FileHandle> {
  try {
    return await open(file, constants.O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    // With O_NOFOLLOW, ELOOP means the last component is a link.
    if (errorCode(error) === 'ELOOP') throw new SymlinkRefusedError(file, stage);
    throw error;
  }
}

/** The bytes of `file`, or `undefined` when it does not exist; refuses a link as the file. Does not check its folders. */
export async function readNoFollow(file: string, stage: ErrorStage): Promise<Uint8Array | undefined> {
  let handle: FileHandle;
  try {
    handle = await openNoFollow(file, stage);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}
