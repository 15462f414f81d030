import { digitsValue } from '../cloudfront/digitsValue.js';
import { fail, quoted } from '../cloudfront/fail.js';
import { REQUEST_TIME_LENGTH } from './requestTime.js';
import { readTrailingFields, TAIL_OK, tailProblem } from './trailingFields.js';

/** The one Requester value known to hold spaces (elastic/integrations#20417; the approach of PR #20442). */
export const OAI_REQUESTER_PREFIX = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ';

/** Fields every record has: Bucket Owner … Version Id, the 2014 layout (formats.md §3.1). */
export const MIN_FIELDS = 18;

/** A number field logged as `-`. */
export const DASH = -1;

const SPACE = 0x20;
const QUOTE = 0x22;
const DASH_CHAR = 0x2d;

/** Stable error codes of S3 access-log lines that cannot be read without guessing. */
export const S3_ACCESS_ERROR_CODES = [
  'field_count',
  'timestamp_invalid',
  'field_invalid',
  'not_a_number',
  'quote_unterminated',
  'quote_ambiguous',
] as const;

/**
 * Splits one S3 server access log line into its fields, as `[start, end)` spans into the line and
 * the five number fields, with no regex and no substring: the caller slices only what it keeps.
 * One instance per parser; every call overwrites the previous line's fields.
 *
 * ## The quoting rule
 * S3 writes Request-URI, Referer and User-Agent between `"` without escaping a `"` inside them
 * (formats.md §5.3 #4). A closing quote is therefore the **first** `"` that is followed by a space
 * (or the end of the line) **and** by the fields that must come next; if the rest of the line then
 * does not parse, the line is an error — never re-cut at a later quote, which is how a guess would
 * turn a spliced line into a plausible event:
 * - **Request-URI** closes at the first `"` followed by ` ` and fields 10–15 exactly: HTTP status
 *   (3 digits or `-`), Error Code, and four numbers-or-`-`, each followed by a space. It may hold at
 *   most the two spaces of an HTTP request line (`METHOD target HTTP/1.1`), so a quote inside the
 *   URI (cocoonlife/s3-log-parse#1: `"GET /" HTTP/1.1"`) cannot fake that sequence.
 * - **Referer** closes at the first `"` followed by ` "`: a quoted Referer is always followed by a
 *   quoted User-Agent. S3 writes absent headers of a request as `"-" "-"` and the two fields of its
 *   own operations (COPY.OBJECT_GET, BATCH.DELETE) as `- -`; a bare `-` User-Agent after a quoted
 *   Referer is not read (`quote_unterminated`), since a Referer holding `" "` followed by it would
 *   read just as well as Referer + quoted User-Agent. If another `" "` lies between the Referer's
 *   closing quote and the User-Agent's, the Referer could end at either: `quote_ambiguous`.
 * - **User-Agent** closes at the first `"` followed by a space or the end of the line, and every
 *   field after it must then be a tail field: none can hold a `"` (ids, base64, enums, host names,
 *   ARNs, regions), Signature Version is `SigV…`/`-`, Authentication Type a word or `-`, TLS `TLS…`/`-`.
 * Because the real closing quote always comes later than a quote inside a value, cutting too early
 * always leaves a `"` in the fields after the User-Agent, so a value holding `" ` (quote, space) is an
 * error (`field_invalid`), never a shifted event. `-` and `"-"` both mean absent; a backslash is an
 * ordinary character (NCBI's `\"` stays verbatim). This is formats.md §5.3 #4's rule (checked there
 * against every real sample) plus the checks that make a wrong cut an error; Athena, goaccess,
 * Logstash and SIEM regexes each break on one of the cited lines.
 */
export class LineTokenizer {
  ownerEnd = 0;
  bucketStart = 0;
  bucketEnd = 0;
  /** Index of the `[` of the request time. */
  timeAt = 0;
  ipStart = 0;
  ipEnd = 0;
  requesterStart = 0;
  requesterEnd = 0;
  requestIdStart = 0;
  requestIdEnd = 0;
  operationStart = 0;
  operationEnd = 0;
  keyStart = 0;
  keyEnd = 0;
  /** Inside the quotes; `uriStart === -1` when logged `-`. */
  uriStart = 0;
  uriEnd = 0;
  status = 0;
  errorStart = 0;
  errorEnd = 0;
  bytesSent = 0;
  objectSize = 0;
  totalTime = 0;
  turnAroundTime = 0;
  /** Inside the quotes; `refererStart === -1` when logged `-`. */
  refererStart = 0;
  refererEnd = 0;
  userAgentStart = 0;
  userAgentEnd = 0;
  /** Version Id onwards: start/end pairs, one pair per logical field (a two-token Host Id is one). */
  readonly tail: number[] = [];

  /** Reads `line` (no line break, not blank) into the fields; throws a `LetsflowError` with one of {@link S3_ACCESS_ERROR_CODES}. */
  tokenize(line: string): void {
    let at = 0;
    this.ownerEnd = tokenEnd(line, at, 1);
    at = this.ownerEnd + 1;
    this.bucketStart = at;
    this.bucketEnd = tokenEnd(line, at, 2);
    at = this.bucketEnd + 1;

    this.timeAt = at;
    if (line.charCodeAt(at) !== 0x5b || line.charCodeAt(at + REQUEST_TIME_LENGTH) !== SPACE) {
      if (line.indexOf(' ', at) === -1) truncated(3);
      fail('timestamp_invalid', `time (field 3) is not [dd/Mon/yyyy:HH:MM:SS +hhmm]: ${quoted(line.slice(at, at + REQUEST_TIME_LENGTH))}`);
    }
    at += REQUEST_TIME_LENGTH + 1;

    this.ipStart = at;
    this.ipEnd = tokenEnd(line, at, 4);
    at = this.ipEnd + 1;
    this.requesterStart = at;
    this.requesterEnd = tokenEnd(line, line.startsWith(OAI_REQUESTER_PREFIX, at) ? at + OAI_REQUESTER_PREFIX.length : at, 5);
    at = this.requesterEnd + 1;
    this.requestIdStart = at;
    this.requestIdEnd = tokenEnd(line, at, 6);
    at = this.requestIdEnd + 1;
    this.operationStart = at;
    this.operationEnd = tokenEnd(line, at, 7);
    at = this.operationEnd + 1;
    this.keyStart = at;
    this.keyEnd = tokenEnd(line, at, 8);
    at = this.keyEnd + 1;

    at = this.readRequestUri(line, at);
    this.readRefererAndUserAgent(line, at);
  }

  /** Request-URI (field 9) and fields 10–15; returns the index of the Referer. */
  private readRequestUri(line: string, at: number): number {
    const c = line.charCodeAt(at);
    if (c === DASH_CHAR && line.charCodeAt(at + 1) === SPACE) {
      this.uriStart = -1;
      this.uriEnd = -1;
      const next = this.readFixedFields(line, at + 2);
      if (next < 0) this.explainFixedFields(line, at + 2);
      return next;
    }
    if (c !== QUOTE) {
      if (Number.isNaN(c)) truncated(8);
      fail('field_invalid', `Request-URI (field 9) is neither quoted nor -: ${quoted(line.slice(at, at + 40))}`);
    }
    let close = at;
    for (;;) {
      close = line.indexOf('"', close + 1);
      if (close === -1) {
        fail('quote_unterminated', 'Request-URI (field 9): no closing quote is followed by HTTP status, Error Code and four number fields');
      }
      if (line.charCodeAt(close + 1) !== SPACE) continue;
      const next = this.readFixedFields(line, close + 2);
      if (next >= 0) {
        if (close === at + 2 && line.charCodeAt(at + 1) === DASH_CHAR) {
          this.uriStart = -1; // "-": lifecycle records
          this.uriEnd = -1;
        } else {
          this.uriStart = at + 1;
          this.uriEnd = close;
          if (spacesIn(line, at + 1, close) > 2) {
            fail('field_invalid', 'Request-URI (field 9) holds more than the two spaces of an HTTP request line: a spliced or shifted line');
          }
        }
        return next;
      }
    }
  }

  /**
   * HTTP status, Error Code, Bytes Sent, Object Size, Total Time, Turn-Around Time, each followed by
   * a space, from `at`; returns the index after them, or -1 (fields unchanged in meaning) when the
   * text there is not that sequence.
   */
  private readFixedFields(line: string, at: number): number {
    let end = line.indexOf(' ', at);
    if (end === -1) return -1;
    if (isDash(line, at, end)) this.status = DASH;
    else if (end - at === 3) {
      const status = digitsValue(line, at, end);
      if (status < 0) return -1;
      this.status = status;
    } else return -1;
    at = end + 1;
    end = line.indexOf(' ', at);
    if (end <= at) return -1;
    this.errorStart = at;
    this.errorEnd = end;
    at = end + 1;
    for (let field = 0; field < 4; field++) {
      end = line.indexOf(' ', at);
      if (end <= at) return -1;
      const value = isDash(line, at, end) ? DASH : digitsValue(line, at, end);
      if (value === -1 && !isDash(line, at, end)) return -1;
      if (field === 0) this.bytesSent = value;
      else if (field === 1) this.objectSize = value;
      else if (field === 2) this.totalTime = value;
      else this.turnAroundTime = value;
      at = end + 1;
    }
    return at;
  }

  /** Throws the error that says which of fields 10–15 after a bare `-` Request-URI is wrong. */
  private explainFixedFields(line: string, at: number): never {
    const names = ['HTTP status (field 10)', 'Error Code (field 11)', 'Bytes Sent (field 12)', 'Object Size (field 13)', 'Total Time (field 14)', 'Turn-Around Time (field 15)'];
    for (let field = 0; field < names.length; field++) {
      const end = line.indexOf(' ', at);
      if (end === -1) truncated(10 + field);
      const ok = field === 1 ? end > at : isDash(line, at, end) || (digitsValue(line, at, end) >= 0 && (field !== 0 || end - at === 3));
      if (!ok) fail(field === 0 ? 'field_invalid' : 'not_a_number', `${names[field]} is not ${field === 0 ? '3 digits or -' : 'a number or -'}: ${quoted(line.slice(at, end))}`);
      at = end + 1;
    }
    fail('field_invalid', 'fields 10–15 cannot be read');
  }

  /** Referer (16), User-Agent (17) and the tail, by the quoting rule of the class comment. */
  private readRefererAndUserAgent(line: string, at: number): void {
    const c = line.charCodeAt(at);
    if (c === DASH_CHAR && line.charCodeAt(at + 1) === SPACE) {
      this.refererStart = -1;
      this.refererEnd = -1;
      this.readUserAgent(line, at + 2);
      return;
    }
    if (c !== QUOTE) {
      if (Number.isNaN(c) || (c === DASH_CHAR && at + 1 === line.length)) truncated(16);
      fail('field_invalid', `Referer (field 16) is neither quoted nor -: ${quoted(line.slice(at, at + 40))}`);
    }
    let close = at;
    for (;;) {
      close = line.indexOf('"', close + 1);
      if (close === -1) fail('quote_unterminated', 'Referer (field 16): no closing quote is followed by a space and a quoted User-Agent');
      if (line.charCodeAt(close + 1) === SPACE && line.charCodeAt(close + 2) === QUOTE) break;
    }
    this.setReferer(line, at, close);
    this.readUserAgent(line, close + 2);
    // Another `" "` before the User-Agent's closing quote would be an equally valid place for the
    // Referer to end (the User-Agent then starting later): the line cannot be read without guessing.
    const uaClose = this.userAgentEnd;
    if (uaClose > 0) {
      const other = line.indexOf('" "', close + 1);
      if (other !== -1 && other + 2 < uaClose) {
        fail('quote_ambiguous', 'Referer and User-Agent (fields 16–17): more than one `" "` could end the Referer');
      }
    }
  }

  /** User-Agent (17) from `at`, then the tail. */
  private readUserAgent(line: string, at: number): void {
    const c = line.charCodeAt(at);
    if (c === DASH_CHAR && (at + 1 === line.length || line.charCodeAt(at + 1) === SPACE)) {
      this.userAgentStart = -1;
      this.userAgentEnd = -1;
      const code = readTrailingFields(line, at + 2, this.tail);
      if (code !== TAIL_OK) this.tailFailure(code);
      return;
    }
    if (c !== QUOTE) {
      if (Number.isNaN(c)) truncated(17);
      fail('field_invalid', `User-Agent (field 17) is neither quoted nor -: ${quoted(line.slice(at, at + 40))}`);
    }
    let close = at;
    for (;;) {
      close = line.indexOf('"', close + 1);
      if (close === -1) fail('quote_unterminated', 'User-Agent (field 17) has no closing quote followed by a space or the end of the line');
      if (close + 1 === line.length || line.charCodeAt(close + 1) === SPACE) break;
    }
    const code = readTrailingFields(line, close + 2, this.tail);
    if (code !== TAIL_OK) this.tailFailure(code);
    this.setUserAgent(line, at, close);
  }

  /** `at` is the opening quote, `close` the closing one; `"-"` is absent. */
  private setReferer(line: string, at: number, close: number): void {
    const dash = close === at + 2 && line.charCodeAt(at + 1) === DASH_CHAR;
    this.refererStart = dash ? -1 : at + 1;
    this.refererEnd = dash ? -1 : close;
  }

  private setUserAgent(line: string, at: number, close: number): void {
    const dash = close === at + 2 && line.charCodeAt(at + 1) === DASH_CHAR;
    this.userAgentStart = dash ? -1 : at + 1;
    this.userAgentEnd = dash ? -1 : close;
  }

  private tailFailure(code: number): never {
    fail(code === 1 ? 'field_count' : 'field_invalid', tailProblem(code));
  }
}

/** End of the space-terminated token from `at`; a line that ends first is truncated before `field`. */
function tokenEnd(line: string, at: number, field: number): number {
  const end = line.indexOf(' ', at);
  if (end === -1) truncated(field);
  if (end === at) fail('field_invalid', `field ${field} is empty: two spaces in a row`);
  return end;
}

function truncated(field: number): never {
  fail('field_count', `the line ends at field ${field}; a record has at least ${MIN_FIELDS} fields`);
}

function isDash(line: string, start: number, end: number): boolean {
  return end - start === 1 && line.charCodeAt(start) === DASH_CHAR;
}

function spacesIn(line: string, start: number, end: number): number {
  let count = 0;
  for (let i = line.indexOf(' ', start); i !== -1 && i < end; i = line.indexOf(' ', i + 1)) count++;
  return count;
}
