import type { SummaryKind } from '../../core/summaryKind.js';
import type { S3AccessEvent } from '../../formats/s3access/event.js';
import { describeStorage } from './describeStorage.js';
import {
  DEFAULT_DEDUPE_BOUND, emptyStorageSummary, mergeStorageSummaries, recordsReceived, storageAdder, storageSummaryFromJson, storageSummaryToJson,
  type StorageSummary,
} from './storageSummary.js';

/**
 * A storage summary kind de-duplicating up to `dedupeBound` record ids per 30-minute slot (see
 * `StorageSummary` for the rule and its laws). `storageSummary` is the one with the default bound.
 *
 * @example
 * ```ts
 * import { storageSummaryKind, summarizeWith } from 'letsflow';
 * const kind = storageSummaryKind({ dedupeBound: 10_000 });
 * const summary = summarizeWith(kind, []);
 * console.log(kind.describe(summary));
 * ```
 * @param options.dedupeBound record ids an open summary de-duplicates exactly (default 1,000)
 * @returns the summary kind
 */
export function storageSummaryKind(options: { dedupeBound?: number } = {}): SummaryKind<S3AccessEvent, StorageSummary> {
  const bound = options.dedupeBound ?? DEFAULT_DEDUPE_BOUND;
  emptyStorageSummary(bound); // validates the bound eagerly
  return {
    name: 's3-access-storage',
    empty: () => emptyStorageSummary(bound),
    adder: storageAdder,
    merge: mergeStorageSummaries,
    toJson: storageSummaryToJson,
    fromJson: storageSummaryFromJson,
    describe: describeStorage,
    events: recordsReceived,
  };
}

/**
 * The storage summary of S3 server access logs: requests and bytes by operation, status and
 * error code, object and byte totals, distinct keys and requesters, top keys and prefixes,
 * time quantiles, authentication, signature and TLS breakdowns, copies counted once, and
 * delivery duplicates removed (counted and shown).
 */
export const storageSummary: SummaryKind<S3AccessEvent, StorageSummary> = storageSummaryKind();
