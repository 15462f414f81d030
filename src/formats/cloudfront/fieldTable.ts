import type { EventField } from './event.js';
import { epochMillis, epochSeconds, utcDate, utcTime } from './timeConverters.js';
import { asLogged, httpStatus, pathBeforeQuery, queryAfterPath, seconds, standardUserAgent, text, wholeNumber, type FieldConverter } from './valueConverters.js';

/** How one AWS log field name becomes an event field. */
export interface FieldSpec {
  readonly key: EventField;
  readonly convert: FieldConverter;
  /** Real-time `cs-uri-stem` also carries the query: this extracts it (as logged) after the first `?`. */
  readonly query?: (raw: string) => string | null;
  /** Viewer addresses are personal data: read only when the parser is told to keep them. */
  readonly clientIp?: true;
  /** Cookies hold sessions and tokens: read only when the parser is told to keep them. */
  readonly cookie?: true;
}

type Row = readonly [logName: string, key: EventField, convert: FieldConverter, flag?: 'clientIp' | 'cookie'];

/** Real-time names map straight onto the event's snake_case names (formats.md §1.2). */
const REALTIME_ROWS: readonly Row[] = [
  ['timestamp', 'timestamp', epochSeconds],
  ['c-ip', 'c_ip', text, 'clientIp'],
  ['s-ip', 's_ip', text],
  ['time-to-first-byte', 'time_to_first_byte', seconds],
  ['sc-status', 'sc_status', httpStatus],
  ['sc-bytes', 'sc_bytes', wholeNumber],
  ['cs-method', 'cs_method', text],
  ['cs-protocol', 'cs_protocol', text],
  ['cs-host', 'cs_host', text],
  ['cs-uri-stem', 'cs_uri_stem', pathBeforeQuery],
  ['cs-bytes', 'cs_bytes', wholeNumber],
  ['x-edge-location', 'x_edge_location', text],
  ['x-edge-request-id', 'x_edge_request_id', text],
  ['x-host-header', 'x_host_header', text],
  ['time-taken', 'time_taken', seconds],
  ['cs-protocol-version', 'cs_protocol_version', text],
  ['c-ip-version', 'c_ip_version', text],
  ['cs-user-agent', 'cs_user_agent', text], // encoded once (formats.md §1.3): no legacy double decoding here
  ['cs-referer', 'cs_referer', text],
  ['cs-cookie', 'cs_cookie', text, 'cookie'],
  ['cs-uri-query', 'cs_uri_query', asLogged],
  ['x-edge-response-result-type', 'x_edge_response_result_type', text],
  ['x-forwarded-for', 'x_forwarded_for', text, 'clientIp'],
  ['ssl-protocol', 'ssl_protocol', text],
  ['ssl-cipher', 'ssl_cipher', text],
  ['x-edge-result-type', 'x_edge_result_type', text],
  ['fle-encrypted-fields', 'fle_encrypted_fields', wholeNumber],
  ['fle-status', 'fle_status', text],
  ['sc-content-type', 'sc_content_type', text],
  ['sc-content-len', 'sc_content_len', wholeNumber],
  ['sc-range-start', 'sc_range_start', wholeNumber],
  ['sc-range-end', 'sc_range_end', wholeNumber],
  ['c-port', 'c_port', wholeNumber],
  ['x-edge-detailed-result-type', 'x_edge_detailed_result_type', text],
  ['c-country', 'c_country', text],
  ['cs-accept-encoding', 'cs_accept_encoding', text],
  ['cs-accept', 'cs_accept', text],
  ['cache-behavior-path-pattern', 'cache_behavior_path_pattern', text],
  ['cs-headers', 'cs_headers', text],
  ['cs-header-names', 'cs_header_names', text],
  ['cs-headers-count', 'cs_headers_count', wholeNumber],
  ['primary-distribution-id', 'primary_distribution_id', text],
  ['primary-distribution-dns-name', 'primary_distribution_dns_name', text],
  ['origin-fbl', 'origin_fbl', seconds],
  ['origin-lbl', 'origin_lbl', seconds],
  ['asn', 'asn', wholeNumber],
  ['distribution-tenant-id', 'distribution_tenant_id', text],
  ['connection-id', 'connection_id', text],
];

/**
 * The standard (W3C) log's own names. Its host fields mean the opposite of the real-time ones
 * (formats.md §2.3), and its cs-uri-stem never holds a query.
 */
const STANDARD_ROWS: readonly Row[] = [
  ['date', 'timestamp', utcDate],
  ['time', 'timestamp', utcTime],
  ['timestamp(ms)', 'timestamp', epochMillis],
  ['cs(Host)', 'x_host_header', text],
  ['x-host-header', 'cs_host', text],
  ['cs(Referer)', 'cs_referer', text],
  ['cs(User-Agent)', 'cs_user_agent', standardUserAgent],
  ['cs(Cookie)', 'cs_cookie', text, 'cookie'],
  ['cs-uri-stem', 'cs_uri_stem', text],
];

function toSpec([, key, convert, flag]: Row, query?: (raw: string) => string | null): FieldSpec {
  return {
    key,
    convert,
    ...(query === undefined ? {} : { query }),
    ...(flag === 'clientIp' ? { clientIp: true as const } : {}),
    ...(flag === 'cookie' ? { cookie: true as const } : {}),
  };
}

/** Real-time log field name → event field. */
export const REALTIME: ReadonlyMap<string, FieldSpec> = new Map(
  REALTIME_ROWS.map((row) => [row[0], toSpec(row, row[0] === 'cs-uri-stem' ? queryAfterPath : undefined)]),
);

/** Standard log field name → event field: the shared real-time names plus the standard log's own. */
// Real-time-only names (timestamp, cs-host) would collide with the standard ones, so they are left out.
export const STANDARD: ReadonlyMap<string, FieldSpec> = new Map([
  ...REALTIME_ROWS.filter(([name]) => name !== 'timestamp' && name !== 'cs-host').map((row) => [row[0], toSpec(row)] as const),
  ...STANDARD_ROWS.map((row) => [row[0], toSpec(row)] as const),
]);
