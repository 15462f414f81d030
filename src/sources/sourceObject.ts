import type { Readable } from 'node:stream';

/**
 * Who a source object is. Outputs are keyed by `(source, key)`; `etag` tells a replaced
 * object from the one already processed.
 */
export interface ObjectIdentity {
  /** `file` for a local folder, `s3` for a bucket. */
  readonly source: 'file' | 's3';
  /** The folder or bucket. */
  readonly container: string;
  /** Path of the object inside its container, `/`-separated. */
  readonly key: string;
  readonly size: number;
  /** Changes whenever the object's bytes do (S3 ETag; size and mtime for files). */
  readonly etag: string;
  /** When the object arrived (S3 LastModified, file mtime), epoch ms. */
  readonly arrivedAt: number;
}

/** An object a source listed: its identity and a way to stream its bytes. */
export interface SourceObject extends ObjectIdentity {
  /** Opens the object's bytes as a stream; the caller destroys it when done. */
  open(): Promise<Readable>;
  /**
   * Takes the object out of the live listing (moves it under an archive prefix or marks it
   * processed), so the live prefix holds only pending work. Idempotent. Absent when the
   * source was listed without an archive destination.
   */
  archive?(): Promise<void>;
}

/** How an object is named in messages and error records: `s3://bucket/key` or a file path. */
export function displayName(object: ObjectIdentity): string {
  return object.source === 's3' ? `s3://${object.container}/${object.key}` : `${object.container}/${object.key}`;
}
