import { createHash } from 'node:crypto';
import { LetsflowError } from '../core/errors.js';
import type { EntryBody, EntryRef, WriteCondition } from './cacheStore.js';
import { addressablePaths } from './cachePaths.js';

/** What the three stores share about bodies and conditional writes. */

export const isAsyncIterable = (body: EntryBody): body is AsyncIterable<Uint8Array> =>
  typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function';

/** The version of an entry in a store without ETags: a hash of its content. */
export const contentVersion = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

export const describeCondition = (condition: WriteCondition): string =>
  'ifNoneMatch' in condition ? 'if-none-match * (the entry must not exist)' : `if-match ${condition.ifMatch}`;

/** Checks a condition's shape at run time, since callers may come from JavaScript or parsed JSON. */
export function checkCondition(condition: WriteCondition): void {
  const valid =
    condition !== null &&
    typeof condition === 'object' &&
    ('ifNoneMatch' in condition ? condition.ifNoneMatch === '*' : typeof condition.ifMatch === 'string' && condition.ifMatch !== '');
  if (!valid) {
    throw new LetsflowError('condition_invalid', 'writing', `putIf: condition must be { ifNoneMatch: '*' } or { ifMatch: '<version>' }, got ${JSON.stringify(condition)}`);
  }
}

/** Whether an entry has a single copy, so one version (and one condition) covers it. */
export const isVersioned = (ref: EntryRef): boolean => ref.strategy === undefined || ref.strategy === 'key_based' || ref.strategy === 'direct';

/**
 * The one path of an entry that has a version: `key_based` and `direct` entries. The copies of a
 * `temporal_*` entry are written one by one, so no single condition can guard them all.
 */
export function versionedPath(ref: EntryRef, operation: string): string {
  const [first] = addressablePaths(ref);
  if (!isVersioned(ref) || first === undefined) {
    const strategy = ref.strategy ?? 'key_based';
    throw new LetsflowError(
      'entry_not_versioned',
      'writing',
      `${operation}: ${strategy} entry ${JSON.stringify(ref.key)} in ${JSON.stringify(ref.namespace)} has no version; ` +
        'conditional reads and writes take key_based or direct entries',
    );
  }
  return first;
}
