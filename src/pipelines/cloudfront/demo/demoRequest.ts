export type ResultType =
  | 'Hit'
  | 'RefreshHit'
  | 'Miss'
  | 'Error'
  | 'Redirect'
  | 'FunctionGeneratedResponse';

/** Common Media Client Data a player sent (only on media segment requests), as logged. */
export interface CmcdValues {
  readonly encodedBitrate: string;
  readonly bufferLength: string;
  readonly contentId: string;
  readonly objectDuration: string;
  readonly measuredThroughput: string;
  readonly nextObjectRequest: string;
  readonly objectType: string;
  readonly playbackRate: string;
  readonly streamingFormat: string;
  readonly sessionId: string;
  readonly streamType: string;
  readonly topBitrate: string;
  readonly version: string;
}

/**
 * One viewer request, as plain data. Strings are the wire values (not yet escaped for the log);
 * `''` means absent (logged as `-`), and so does `null` for numbers. Durations are seconds with
 * millisecond precision.
 */
export interface DemoRequest {
  /** When the edge finished responding (log column 1), epoch ms. */
  timestampMs: number;
  /** When the record reached the Kinesis stream, epoch ms; always >= timestampMs. Records come in this order. */
  arrivalMs: number;
  /** HTTP status; 0 is logged as `000` (viewer closed the connection first). */
  status: number;
  /** sc-bytes: bytes sent to the viewer, headers included. */
  bytes: number;
  /** cs-bytes: bytes received from the viewer, headers included. */
  requestBytes: number;
  method: string;
  /** Path as the client sent it (may hold percent-escapes), without the query. */
  path: string;
  /** Query as the client sent it, without `?`; `''` when there was none. */
  query: string;
  /** Host header the viewer sent (real-time `cs-host`, standard `x-host-header`). */
  host: string;
  /** The distribution's domain name (real-time `x-host-header`, standard `cs(Host)`). */
  distributionHost: string;
  edge: string;
  serverIp: string;
  requestId: string;
  clientIp: string;
  clientIpVersion: 'IPv4' | 'IPv6';
  clientPort: number;
  country: string;
  asn: number;
  forwardedFor: string;
  userAgent: string;
  referer: string;
  cookie: string;
  accept: string;
  acceptEncoding: string;
  acceptLanguage: string;
  /** x-edge-result-type (after the last byte left). */
  resultType: ResultType;
  /** x-edge-response-result-type (just before the response was returned). */
  responseResultType: ResultType;
  detailedResultType: string;
  timeTaken: number;
  ttfb: number;
  originFbl: number | null;
  originLbl: number | null;
  protocol: 'http' | 'https';
  protocolVersion: string;
  sslProtocol: string;
  sslCipher: string;
  contentType: string;
  contentLength: number | null;
  rangeStart: number | null;
  rangeEnd: number | null;
  cacheBehavior: string;
  connectionId: string;
  cmcd: CmcdValues | null;
}
