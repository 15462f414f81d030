import { z } from 'zod';
import { ConfigError, LetsflowError } from '../core/errors.js';
import { errorRecorder } from './errorRecorder.js';
import type { LogFormat, ObjectParser, ParserContext } from './logFormat.js';
import { decodeKey } from './s3access/decodeKey.js';
import type { S3AccessEvent } from './s3access/event.js';
import { DASH, LineTokenizer } from './s3access/LineTokenizer.js';
import { splitOperation } from './s3access/operation.js';
import { requestTime } from './s3access/requestTime.js';

export const DEFAULT_KEEP_REMOTE_IP = false;
export const DEFAULT_KEEP_REQUESTER = false;

export const S3AccessOptionsSchema = z
  .object({
    keepRemoteIp: z
      .boolean()
      .default(DEFAULT_KEEP_REMOTE_IP)
      .describe('Keep Remote IP (personal data). Off by default: it is dropped while parsing, like CloudFront viewer IPs.'),
    keepRequester: z
      .boolean()
      .default(DEFAULT_KEEP_REQUESTER)
      .describe('Keep Requester (canonical user ids, IAM user and role ARNs with names and emails). Off by default: it is dropped while parsing.'),
  })
  .strict()
  .describe('Amazon S3 server access logs: space-delimited records of 18 to 27 fields (and later ones), with bracketed time and quoted Request-URI, Referer and User-Agent.');

export type S3AccessOptions = z.input<typeof S3AccessOptionsSchema>;

/** Names of the trailing fields, Version Id onwards, in log order (formats.md §3.1, fields 18–27). */
const TAIL_NAMES = [
  'version_id',
  'host_id',
  'signature_version',
  'cipher_suite',
  'authentication_type',
  'host_header',
  'tls_version',
  'access_point_arn',
  'acl_required',
  'source_region',
] as const;

/** Byte-order mark: objects joined together keep each one's BOM at the start of its first line. */
const BOM = 0xfeff;

/**
 * Reads Amazon S3 server access log lines into typed {@link S3AccessEvent}s.
 *
 * Each line is one record of space-delimited fields (formats.md §3): the bracketed two-token time
 * (its offset honoured) becomes epoch milliseconds UTC; Request-URI, Referer and User-Agent may be
 * quoted and hold unescaped quotes, spaces and commas, and are delimited by what must follow them
 * (the quoting rule is written on `LineTokenizer`); the CloudFront Origin Access Identity Requester
 * may hold spaces; `-`, `"-"` and a bare `-` are `null`, except Bytes Sent, where `-` is 0. The key is
 * decoded once (`+` as a space, then `%XX`); the operation is split into kind, method and resource.
 * Fields 19–27 are optional (older layouts leave them absent) and tokens past the 27th are kept in
 * `extra`; a trailing space and a CR are accepted, a blank line is counted as blank. A line that
 * cannot be read without guessing — truncated, shifted, badly quoted, ambiguous, a bad time or number
 * — is never an event: it adds an error record (object, line number, a stable code such as
 * `field_count`, `quote_ambiguous` or `timestamp_invalid`, and the reason), capped at
 * `maxErrorRecords` while `tally.errors` keeps counting; every line lands in exactly one tally bucket.
 * Remote IP and Requester are dropped unless the options keep them. With `context.select`, only
 * the selected event fields (and `timestamp`) are kept. Bad options throw a `ConfigError` when the
 * format is built.
 *
 * @example
 * ```ts
 * import { emptyTally, s3Access } from 'letsflow';
 *
 * const parse = s3Access().createParser({ object: 'logs/2019-02-06-00-00-38-3E57427F3EXAMPLE', tally: emptyTally() });
 * parse('79a5 bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a5 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" -', 1);
 * // { timestamp: 1549411238000, operation_kind: 'REST', http_status: 200, bytes_sent: 113, … }
 * ```
 * @param options.keepRemoteIp keep `remote_ip` (default false)
 * @param options.keepRequester keep `requester` (default false)
 * @returns the log format
 * @see cloudfrontStandard
 */
export function s3Access(options: S3AccessOptions = {}): LogFormat<S3AccessEvent> {
  const parsed = S3AccessOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(`s3Access options are invalid: ${z.prettifyError(parsed.error)}`);
  const { keepRemoteIp, keepRequester } = parsed.data;

  return {
    name: 's3-access',
    createParser(context: ParserContext): ObjectParser<S3AccessEvent> {
      const { tally, select } = context;
      const reject = errorRecorder(context);
      const tokens = new LineTokenizer();

      function toEvent(line: string): S3AccessEvent {
        const t = tokens;
        const operation = spanOrNull(line, t.operationStart, t.operationEnd);
        const parts = splitOperation(operation);
        const rawKey = spanOrNull(line, t.keyStart, t.keyEnd);
        const event: S3AccessEvent = {
          timestamp: requestTime(line, t.timeAt),
          bucket_owner: spanOrNull(line, 0, t.ownerEnd),
          bucket: spanOrNull(line, t.bucketStart, t.bucketEnd),
          request_id: spanOrNull(line, t.requestIdStart, t.requestIdEnd),
          operation,
          operation_kind: parts.kind,
          operation_method: parts.method,
          operation_resource: parts.resource,
          key: rawKey === null ? null : decodeKey(rawKey),
          request_uri: t.uriStart < 0 ? null : line.slice(t.uriStart, t.uriEnd),
          http_status: t.status === DASH ? null : t.status,
          error_code: spanOrNull(line, t.errorStart, t.errorEnd),
          bytes_sent: t.bytesSent === DASH ? 0 : t.bytesSent,
          object_size: t.objectSize === DASH ? null : t.objectSize,
          total_time_ms: t.totalTime === DASH ? null : t.totalTime,
          turn_around_time_ms: t.turnAroundTime === DASH ? null : t.turnAroundTime,
          referer: t.refererStart < 0 ? null : line.slice(t.refererStart, t.refererEnd),
          user_agent: t.userAgentStart < 0 ? null : line.slice(t.userAgentStart, t.userAgentEnd),
          version_id: spanOrNull(line, t.tail[0]!, t.tail[1]!),
        };
        if (keepRemoteIp) event.remote_ip = spanOrNull(line, t.ipStart, t.ipEnd);
        if (keepRequester) event.requester = spanOrNull(line, t.requesterStart, t.requesterEnd);
        const tail = t.tail;
        const fields = tail.length >> 1;
        const named = Math.min(fields, TAIL_NAMES.length);
        for (let i = 1; i < named; i++) {
          const value = spanOrNull(line, tail[2 * i]!, tail[2 * i + 1]!);
          if (i === 8) event.acl_required = aclRequired(value);
          else event[TAIL_NAMES[i] as Exclude<(typeof TAIL_NAMES)[number], 'acl_required'>] = value;
        }
        if (fields > TAIL_NAMES.length) {
          const extra: string[] = [];
          for (let i = TAIL_NAMES.length; i < fields; i++) extra.push(line.slice(tail[2 * i]!, tail[2 * i + 1]!));
          event.extra = extra;
        }
        return select === undefined ? event : pick(event, select);
      }

      return (input: string, lineNumber: number): S3AccessEvent | undefined => {
        const unmarked = input.charCodeAt(0) === BOM ? input.slice(1) : input;
        const line = unmarked.charCodeAt(unmarked.length - 1) === 0x0d ? unmarked.slice(0, -1) : unmarked;
        if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim().length === 0)) {
          tally.blank++;
          return undefined;
        }
        try {
          tokens.tokenize(line);
          const event = toEvent(line);
          tally.events++;
          return event;
        } catch (error) {
          if (error instanceof LetsflowError) return reject(line, lineNumber, error.code, error.message);
          throw error;
        }
      };
    },
  };
}

/** The text of `[start, end)`, or null when it is `-`. */
function spanOrNull(line: string, start: number, end: number): string | null {
  return end - start === 1 && line.charCodeAt(start) === 0x2d ? null : line.slice(start, end);
}

function aclRequired(value: string | null): boolean | null {
  if (value === null) return null;
  if (value === 'Yes') return true;
  throw new LetsflowError('field_invalid', 'processing', `aclRequired (field 26) is not Yes or -: '${value.slice(0, 60)}'`);
}

function pick(event: S3AccessEvent, select: ReadonlySet<string>): S3AccessEvent {
  const out: Record<string, unknown> = { timestamp: event.timestamp };
  for (const name of Object.keys(event)) if (select.has(name)) out[name] = event[name as keyof S3AccessEvent];
  return out as S3AccessEvent;
}
