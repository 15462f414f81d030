import type { EventField } from '../../core/event.js';
import type { LogFormat } from '../../formats/logFormat.js';
import type { CacheStore } from '../../sinks/cacheStore.js';

/** What every CloudFront LETS step needs: where to write, how to read, and what time it is. */
export interface StepContext {
  readonly store: CacheStore;
  readonly format: LogFormat;
  /** Wall clock for `computed_at`; injected so tests are repeatable. */
  readonly clock: () => Date;
  /** How long after a window's end its events may still arrive, in ms. */
  readonly lateness: number;
  /** Store every object's typed events (`sa-cloudfront-raw`); off parses only what aggregates need. */
  readonly keepRaw: boolean;
  readonly maxLineLength?: number;
  readonly maxDecodedBytes?: number;
  readonly maxCompressionRatio?: number;
}

/** The fields the consolidation summary reads: all a pipeline without raw events parses. */
export const SUMMARY_FIELDS: ReadonlySet<EventField> = new Set<EventField>([
  'timestamp', 'sc_status', 'sc_bytes', 'cs_uri_stem', 'x_edge_location', 'x_edge_result_type', 'cs_user_agent',
  'time_taken', 'time_to_first_byte',
]);

/** Real-time logs reach S3 within minutes; this default leaves room for Firehose buffering and retries. */
export const DEFAULT_LATENESS_MS = 15 * 60_000;
