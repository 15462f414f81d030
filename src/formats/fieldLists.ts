/**
 * Named real-time log field lists. A real-time log names no columns, so the field list a
 * distribution's real-time log configuration selected is configuration, given in the order
 * the columns arrive. AWS documents that fields arrive in its canonical order, yet SGraph's
 * real lines follow the order of `SGRAPH_LIVE_26_FIELDS`, so lists are used as given, never
 * re-sorted; the column-count check guards against a list that does not fit.
 */

/** Every real-time field in AWS's canonical delivery order (reference/formats.md §1.2). */
export const AWS_CANONICAL_FIELDS = [
  'timestamp', 'c-ip', 's-ip', 'time-to-first-byte', 'sc-status', 'sc-bytes', 'cs-method',
  'cs-protocol', 'cs-host', 'cs-uri-stem', 'cs-bytes', 'x-edge-location', 'x-edge-request-id',
  'x-host-header', 'time-taken', 'cs-protocol-version', 'c-ip-version', 'cs-user-agent',
  'cs-referer', 'cs-cookie', 'cs-uri-query', 'x-edge-response-result-type', 'x-forwarded-for',
  'ssl-protocol', 'ssl-cipher', 'x-edge-result-type', 'fle-encrypted-fields', 'fle-status',
  'sc-content-type', 'sc-content-len', 'sc-range-start', 'sc-range-end', 'c-port',
  'x-edge-detailed-result-type', 'c-country', 'cs-accept-encoding', 'cs-accept',
  'cache-behavior-path-pattern', 'cs-headers', 'cs-header-names', 'cs-headers-count',
  'primary-distribution-id', 'primary-distribution-dns-name', 'origin-fbl', 'origin-lbl', 'asn',
  'cmcd-encoded-bitrate', 'cmcd-buffer-length', 'cmcd-buffer-starvation', 'cmcd-content-id',
  'cmcd-object-duration', 'cmcd-deadline', 'cmcd-measured-throughput', 'cmcd-next-object-request',
  'cmcd-next-range-request', 'cmcd-object-type', 'cmcd-playback-rate',
  'cmcd-requested-maximum-throughput', 'cmcd-streaming-format', 'cmcd-session-id',
  'cmcd-stream-type', 'cmcd-startup', 'cmcd-top-bitrate', 'cmcd-version', 'r-host', 'sr-reason',
  'x-edge-mqcs', 'distribution-tenant-id', 'connection-id',
] as const;

/** The 27 fields of seed 001's `CF_LOG_FIELDS` (SGraph Send's console selection; no c-ip). */
export const SGRAPH_27_FIELDS = [
  'timestamp', 'sc-status', 'sc-bytes', 'cs-method', 'cs-uri-stem', 'cs-uri-query', 'cs-protocol',
  'cs-protocol-version', 'sc-content-type', 'sc-content-len', 'cs-user-agent', 'cs-referer',
  'x-edge-location', 'x-edge-result-type', 'x-edge-response-result-type', 'x-edge-request-id',
  'time-taken', 'time-to-first-byte', 'sc-range-start', 'sc-range-end', 'ssl-protocol',
  'ssl-cipher', 'cs-accept', 'cs-accept-encoding', 'cs-host', 'origin-fbl', 'origin-lbl',
] as const;

/** The 26-column live configuration seen in SGraph's real-time logs (reference/cache-service.md §3.5). */
export const SGRAPH_LIVE_26_FIELDS = [
  'timestamp', 'time-taken', 'sc-status', 'sc-bytes', 'cs-method', 'cs-protocol', 'cs-host',
  'cs-uri-stem', 'x-edge-location', 'x-edge-request-id', 'time-to-first-byte',
  'cs-protocol-version', 'cs-user-agent', 'cs-referer', 'x-edge-detailed-result-type',
  'ssl-protocol', 'ssl-cipher', 'sc-content-type', 'sc-content-len', 'sc-range-start',
  'sc-range-end', 'c-country', 'cs-accept-encoding', 'fle-status', 'origin-fbl', 'origin-lbl',
] as const;

export const FIELD_LIST_PRESETS: Readonly<Record<string, readonly string[]>> = {
  'aws-canonical': AWS_CANONICAL_FIELDS,
  'sgraph-27': SGRAPH_27_FIELDS,
  'sgraph-live-26': SGRAPH_LIVE_26_FIELDS,
};

/** The preset used when none is configured. */
export const DEFAULT_FIELD_LIST = 'sgraph-27';
