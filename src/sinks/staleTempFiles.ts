import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { TEMP_FILE_PREFIX } from './cachePaths.js';

/**
 * Names of a file store's temporary files, and when one is left over from a write that will
 * never finish. A name is `.tmp-<pid>-<host>-<random>`: the writer's pid and a tag of its host,
 * so a cleaner can ask whether the writer is still alive, but only on the writer's own host
 * (pids of another host sharing the folder say nothing here).
 */

/**
 * A temporary file whose writer cannot be asked is left over once unmodified this long. A live
 * write touches its file at every chunk and renames it within a lock wait (15 s), so ten
 * minutes leaves a wide margin for a body source that stalls.
 */
export const TEMP_STALE_MS = 10 * 60_000;

const HOST_TAG = createHash('sha1').update(hostname()).digest('hex').slice(0, 8);
// Names from before the host tag (`.tmp-<pid>-<random>`) match too, without a host.
const TEMP_NAME = /^\.tmp-(\d+)-(?:([0-9a-f]{8})-)?[0-9a-f]{12}$/;
const errorCode = (error: unknown): unknown => (error as NodeJS.ErrnoException | undefined)?.code;

/** A fresh temporary file name for this process. */
export const tempFileName = (): string => `${TEMP_FILE_PREFIX}${process.pid}-${HOST_TAG}-${randomBytes(6).toString('hex')}`;

/** Whether a process of this host exists; EPERM means it does, under another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Whether the temporary file `name`, last modified at `mtimeMs`, is left over: its writer is a
 * process of this host that has exited, or, when the writer cannot be asked (another host, an
 * older name, a name not ours), it is older than TEMP_STALE_MS. A file of a live process of this
 * host is never stale, however old: a reused pid only delays its removal until that process exits.
 */
export function isStaleTempFile(name: string, mtimeMs: number, now: number): boolean {
  const match = TEMP_NAME.exec(name);
  const pid = Number(match?.[1]);
  const ownHost = match?.[2] === HOST_TAG;
  if (ownHost && Number.isInteger(pid) && pid > 0) return !isProcessAlive(pid);
  return now - mtimeMs > TEMP_STALE_MS;
}
