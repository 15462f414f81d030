import { ConfigError } from '../core/errors.js';

/** Where a source or store lives: a local folder, or a bucket and key prefix. */
export type Location = { readonly kind: 'folder'; readonly path: string } | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

/** Reads `s3://bucket/prefix/` as a bucket location and anything else as a folder. */
export function parseLocation(value: string, option: string): Location {
  if (!value.startsWith('s3://')) return { kind: 'folder', path: value };
  const [bucket = '', ...rest] = value.slice('s3://'.length).split('/');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(`${option}: '${value}' does not name a bucket; expected s3://bucket-name/optional/prefix/`);
  }
  return { kind: 's3', bucket, prefix: rest.join('/') };
}
