import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** A salt given directly (hex or base64 of at least 16 bytes): what Lambda and several hosts sharing one cache need. */
export const VISITOR_SALT_ENV = 'LETSFLOW_VISITOR_SALT';
/** Where the salt file is; `~/.config/letsflow/visitor-salt` (or under `$XDG_CONFIG_HOME`) when unset. */
export const VISITOR_SALT_FILE_ENV = 'LETSFLOW_VISITOR_SALT_FILE';
const SALT_BYTES = 32;

export type VisitorSaltSource = 'env' | 'file' | 'ephemeral';

let cached: { salt: Buffer; source: VisitorSaltSource } | undefined;

/** The default salt file: per user account on this machine, outside every cache store, so no API route can serve it. */
export function defaultVisitorSaltFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(config, 'letsflow', 'visitor-salt');
}

/**
 * The secret per-installation salt of the visitor hash, read once per process: from
 * `LETSFLOW_VISITOR_SALT`, else from the salt file, created once (mode 0600, exclusively, so
 * two processes racing agree). It is kept outside the cache store on purpose: the cache is
 * browsable (API, S3 readers), and whoever holds the salt could test guessed IPs against a
 * sketch. When neither can be had (a read-only home, as on Lambda without the variable) the
 * salt is random for this process only: visitor counts are then right within one process's
 * objects but count a visitor once per process across them, and a warning says so.
 */
export function visitorSalt(env: NodeJS.ProcessEnv = process.env): { salt: Buffer; source: VisitorSaltSource } {
  if (cached !== undefined) return cached;
  const given = env[VISITOR_SALT_ENV];
  if (given) {
    const salt = /^[0-9a-f]+$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.from(given, 'base64');
    if (salt.length < 16) throw new RangeError(`${VISITOR_SALT_ENV} must be hex or base64 of at least 16 bytes, got ${salt.length} bytes`);
    return (cached = { salt, source: 'env' });
  }
  const file = env[VISITOR_SALT_FILE_ENV] || defaultVisitorSaltFile(env);
  try {
    return (cached = { salt: readOrCreate(file), source: 'file' });
  } catch (error) {
    process.emitWarning(`visitor salt file ${file} could not be read or created (${(error as Error).message}); visitors are counted with a salt for this process only: set ${VISITOR_SALT_ENV}`);
    return (cached = { salt: randomBytes(SALT_BYTES), source: 'ephemeral' });
  }
}

/** Forgets the salt read, so a test can point the next read elsewhere. */
export function resetVisitorSalt(): void {
  cached = undefined;
}

function readOrCreate(file: string): Buffer {
  try {
    const salt = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (salt.length >= 16) return salt;
    throw new RangeError(`${file} holds no salt of at least 16 bytes (hex)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(SALT_BYTES).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}
