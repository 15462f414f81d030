import { createHash } from 'node:crypto';
import type { Period } from '../core/periods.js';
import { timeKey } from '../core/periods.js';
import type { EntryRef } from '../sinks/cacheStore.js';
import type { ObjectIdentity } from '../sources/sourceObject.js';
import type { PipelineNamespaces } from './definition.js';

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

/** Where each of a pipeline's documents lives: every key a pure function of its inputs. */
export interface PipelineRefs {
  ledger(id: string): EntryRef;
  lease(id: string): EntryRef;
  /** A change marker: this version of the object has outputs the aggregate step has not folded in yet. */
  change(id: string, etag: string): EntryRef;
  /** The aggregate step's checkpoint: the newest event time, the windows still partial, the blockers. */
  checkpoint(): EntryRef;
  raw(id: string): EntryRef;
  parseErrors(id: string): EntryRef;
  quarantine(id: string): EntryRef;
  partial(start: number, id: string): EntryRef;
  aggregate(period: Period, start: number): EntryRef;
  late(start: number): EntryRef;
}

/** Key prefixes the steps list. */
export const PREFIX = { ledger: 'objects/', changes: 'changes/', parseErrors: 'parse/', quarantine: 'quarantine/' } as const;

const etagHash = (etag: string): string => createHash('sha256').update(etag).digest('hex').slice(0, 12);

export function pipelineRefs(ns: PipelineNamespaces): PipelineRefs {
  return {
    ledger: (id) => ({ namespace: ns.ledger, key: `${PREFIX.ledger}${id}`, fileType: 'json' }),
    lease: (id) => ({ namespace: ns.ledger, key: `leases/${id}`, fileType: 'json' }),
    change: (id, etag) => ({ namespace: ns.ledger, key: `${PREFIX.changes}${id}--${etagHash(etag)}`, fileType: 'json' }),
    checkpoint: () => ({ namespace: ns.ledger, key: 'state/aggregate', fileType: 'json' }),
    raw: (id) => ({ namespace: ns.raw, key: `objects/${id}`, fileType: 'binary' }),
    parseErrors: (id) => ({ namespace: ns.errors, key: `${PREFIX.parseErrors}${id}`, fileType: 'json' }),
    quarantine: (id) => ({ namespace: ns.errors, key: `${PREFIX.quarantine}${id}`, fileType: 'json' }),
    partial: (start, id) => ({ namespace: ns.consolidated, key: `30min/${timeKey('30min', start)}/${id}`, fileType: 'json' }),
    aggregate: (period, start) => ({ namespace: ns.aggregate, key: `${period}/${timeKey(period, start)}`, fileType: 'json' }),
    late: (start) => ({ namespace: ns.late, key: `30min/${timeKey('30min', start)}`, fileType: 'json' }),
  };
}
