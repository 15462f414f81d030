import { createHash } from 'node:crypto';
import type { Period } from '../../core/periods.js';
import { timeKey } from '../../core/periods.js';
import type { EntryRef } from '../../sinks/cacheStore.js';
import type { ObjectIdentity } from '../../sources/sourceObject.js';

/** The namespaces of the CloudFront LETS pipeline (DESIGN.md, "Keys and idempotency"). */
export const NAMESPACES = {
  raw: 'sa-cloudfront-raw',
  consolidated: 'sa-cloudfront-consolidated',
  aggregate: 'sa-cloudfront-aggregate',
  ledger: 'sa-ledger',
  errors: 'sa-errors',
  late: 'sa-late-events',
} as const;

/**
 * The store-safe id of a source object: a readable slug of its file name and a hash of
 * where it lives. Object keys come from outside (a bucket, a folder), so they never become
 * store paths themselves; the etag is left out so a replaced object overwrites its outputs.
 */
export function objectId(object: Pick<ObjectIdentity, 'source' | 'container' | 'key'>): string {
  const hash = createHash('sha256').update(`${object.source}\n${object.container}\n${object.key}`).digest('hex').slice(0, 16);
  const base = object.key.split('/').pop() ?? '';
  const slug = base.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return slug ? `${slug}--${hash}` : hash;
}

export const refs = {
  ledger: (id: string): EntryRef => ({ namespace: NAMESPACES.ledger, key: `objects/${id}`, fileType: 'json' }),
  raw: (id: string): EntryRef => ({ namespace: NAMESPACES.raw, key: `objects/${id}`, fileType: 'binary' }),
  parseErrors: (id: string): EntryRef => ({ namespace: NAMESPACES.errors, key: `parse/${id}`, fileType: 'json' }),
  quarantine: (id: string): EntryRef => ({ namespace: NAMESPACES.errors, key: `quarantine/${id}`, fileType: 'json' }),
  partial: (start: number, id: string): EntryRef => ({
    namespace: NAMESPACES.consolidated,
    key: `30min/${timeKey('30min', start)}/${id}`,
    fileType: 'json',
  }),
  aggregate: (period: Period, start: number): EntryRef => ({
    namespace: NAMESPACES.aggregate,
    key: `${period}/${timeKey(period, start)}`,
    fileType: 'json',
  }),
  late: (start: number): EntryRef => ({ namespace: NAMESPACES.late, key: `30min/${timeKey('30min', start)}`, fileType: 'json' }),
};
