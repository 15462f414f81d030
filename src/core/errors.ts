/** Where in the flow an error happened: low-cardinality, for counters and logs. */
export type ErrorStage = 'config' | 'reading' | 'processing' | 'writing';

/**
 * Base class of every error letsflow raises on purpose. `code` is a stable snake_case
 * identifier safe to count by; the message says what happened, where, and what to do.
 */
export class LetsflowError extends Error {
  readonly code: string;
  readonly stage: ErrorStage;

  constructor(code: string, stage: ErrorStage, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.stage = stage;
  }
}

/** A configuration value that cannot be used: names the option, what was given and what was expected. */
export class ConfigError extends LetsflowError {
  constructor(message: string, options?: ErrorOptions) {
    super('config_invalid', 'config', message, options);
  }
}

/** A cache key or namespace that would escape the store's root or break its layout. */
export class InvalidKeyError extends LetsflowError {
  readonly key: string;

  constructor(key: string, reason: string) {
    super('key_invalid', 'writing', `invalid cache key ${JSON.stringify(key)}: ${reason}`);
    this.key = key;
  }
}

/**
 * A whole source object could not be read to the end (corrupt or truncated gzip, a line over
 * the length limit, a read failure). Nothing of the object is committed; other objects go on.
 */
export class ObjectQuarantinedError extends LetsflowError {
  readonly object: string;
  readonly line: number | undefined;

  constructor(code: string, object: string, line: number | undefined, detail: string, options?: ErrorOptions) {
    const where = line === undefined ? object : `${object} line ${line}`;
    super(code, 'reading', `${where}: ${detail}`, options);
    this.object = object;
    this.line = line;
  }
}

/** A cache store write that failed after its retries. */
export class SinkWriteError extends LetsflowError {
  readonly path: string;

  constructor(path: string, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('sink_write_failed', 'writing', `could not write ${path}${cause}`, options);
    this.path = path;
  }
}

/** A conditional write whose condition did not hold: another writer got there first. */
export class PreconditionFailedError extends LetsflowError {
  readonly path: string;

  constructor(path: string, condition: string) {
    super('precondition_failed', 'writing', `${path}: not written, ${condition} did not hold (another writer changed it)`);
    this.path = path;
  }
}

/**
 * A symbolic link met below a file cache store's root, which the store refused to follow.
 *
 * Anyone who can write into the cache folder could otherwise plant a link that makes reads
 * return files outside it and writes land outside it. `path` is the link itself.
 */
export class SymlinkRefusedError extends LetsflowError {
  readonly path: string;

  constructor(path: string, stage: ErrorStage) {
    super(
      'symlink_refused',
      stage,
      `${path} is a symbolic link; the cache store refused to follow it, since a link inside the cache could lead ` +
        'reads and writes outside its root: replace the link with the folder or file it points to, or make the root itself the link',
    );
    this.path = path;
  }
}
