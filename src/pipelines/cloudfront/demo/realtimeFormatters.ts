import { escapePooled, escapeQuery } from './cachedEscape.js';
import type { CmcdValues, DemoRequest } from './demoRequest.js';
import { dash, type Formatter } from './lineFormatter.js';
import { csHeaderNames, csHeaders, requestHeaders } from './requestHeaders.js';
import { epochSeconds3, optNumber, optSeconds, orDash, seconds3, statusText } from './valueText.js';

/** Escaped `path?query` as the real-time cs-uri-stem carries it. */
function stemWithQuery(r: DemoRequest): string {
  const p = escapePooled(r.path);
  return r.query === '' ? p : `${p}?${escapeQuery(r.query)}`;
}

const cmcdField =
  (key: keyof CmcdValues): Formatter =>
  (r) =>
    r.cmcd === null ? '-' : key === 'nextObjectRequest' ? escapePooled(r.cmcd[key]) : orDash(r.cmcd[key]);

/** How each real-time field (formats.md §1.2) is written. Fields not listed are written as `-`. */
export const REALTIME_FORMATTERS: Readonly<Record<string, Formatter>> = {
  timestamp: (r) => epochSeconds3(r.timestampMs),
  'c-ip': (r) => r.clientIp,
  's-ip': (r) => r.serverIp,
  'time-to-first-byte': (r) => seconds3(r.ttfb),
  'sc-status': (r) => statusText(r.status),
  'sc-bytes': (r) => String(r.bytes),
  'cs-method': (r) => r.method,
  'cs-protocol': (r) => r.protocol,
  'cs-host': (r) => escapePooled(r.host),
  'cs-uri-stem': stemWithQuery,
  'cs-bytes': (r) => String(r.requestBytes),
  'x-edge-location': (r) => r.edge,
  'x-edge-request-id': (r) => r.requestId,
  'x-host-header': (r) => escapePooled(r.distributionHost),
  'time-taken': (r) => seconds3(r.timeTaken),
  'cs-protocol-version': (r) => r.protocolVersion,
  'c-ip-version': (r) => r.clientIpVersion,
  'cs-user-agent': (r) => escapePooled(r.userAgent),
  'cs-referer': (r) => escapePooled(r.referer),
  'cs-cookie': (r) => escapePooled(r.cookie.length > 800 ? r.cookie.slice(0, 800) : r.cookie),
  'cs-uri-query': (r) => escapeQuery(r.query),
  'x-edge-response-result-type': (r) => r.responseResultType,
  'x-forwarded-for': (r) => orDash(r.forwardedFor),
  'ssl-protocol': (r) => orDash(r.sslProtocol),
  'ssl-cipher': (r) => orDash(r.sslCipher),
  'x-edge-result-type': (r) => r.resultType,
  'fle-encrypted-fields': dash,
  'fle-status': dash,
  'sc-content-type': (r) => escapePooled(r.contentType),
  'sc-content-len': (r) => optNumber(r.contentLength),
  'sc-range-start': (r) => optNumber(r.rangeStart),
  'sc-range-end': (r) => optNumber(r.rangeEnd),
  'c-port': (r) => String(r.clientPort),
  'x-edge-detailed-result-type': (r) => r.detailedResultType,
  'c-country': (r) => orDash(r.country),
  'cs-accept-encoding': (r) => escapePooled(r.acceptEncoding),
  'cs-accept': (r) => escapePooled(r.accept),
  'cache-behavior-path-pattern': (r) => escapePooled(r.cacheBehavior),
  'cs-headers': csHeaders,
  'cs-header-names': csHeaderNames,
  'cs-headers-count': (r) => String(requestHeaders(r).length),
  'primary-distribution-id': dash,
  'primary-distribution-dns-name': dash,
  'origin-fbl': (r) => optSeconds(r.originFbl),
  'origin-lbl': (r) => optSeconds(r.originLbl),
  asn: (r) => String(r.asn),
  'cmcd-encoded-bitrate': cmcdField('encodedBitrate'),
  'cmcd-buffer-length': cmcdField('bufferLength'),
  'cmcd-buffer-starvation': dash,
  'cmcd-content-id': cmcdField('contentId'),
  'cmcd-object-duration': cmcdField('objectDuration'),
  'cmcd-deadline': dash,
  'cmcd-measured-throughput': cmcdField('measuredThroughput'),
  'cmcd-next-object-request': cmcdField('nextObjectRequest'),
  'cmcd-next-range-request': dash,
  'cmcd-object-type': cmcdField('objectType'),
  'cmcd-playback-rate': cmcdField('playbackRate'),
  'cmcd-requested-maximum-throughput': dash,
  'cmcd-streaming-format': cmcdField('streamingFormat'),
  'cmcd-session-id': cmcdField('sessionId'),
  'cmcd-stream-type': cmcdField('streamType'),
  'cmcd-startup': dash,
  'cmcd-top-bitrate': cmcdField('topBitrate'),
  'cmcd-version': cmcdField('version'),
  'r-host': dash,
  'sr-reason': dash,
  'x-edge-mqcs': dash,
  'distribution-tenant-id': dash,
  'connection-id': (r) => r.connectionId,
};
