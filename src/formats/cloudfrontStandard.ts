import { z } from 'zod';
import { ConfigError, LetsflowError } from '../core/errors.js';
import type { CloudFrontEvent } from './cloudfront/event.js';
import { cloudfrontPrivacyOptions } from './cloudfront/privacyOptions.js';
import { errorRecorder } from './errorRecorder.js';
import { cloudfrontFields, type FieldPlan } from './cloudfrontFields.js';
import type { LogFormat, ObjectParser, ParserContext } from './logFormat.js';

export const CloudFrontStandardOptionsSchema = z
  .object({
    ...cloudfrontPrivacyOptions,
  })
  .strict()
  .describe('CloudFront standard (access) logs: W3C, TAB-separated, columns named by #Fields headers.');

export type CloudFrontStandardOptions = z.input<typeof CloudFrontStandardOptionsSchema>;

/** The 33 legacy fields (formats.md §2.1), for lines read before any #Fields header, e.g. single lines from a queue. */
const LEGACY_FIELDS = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status',
  'cs(Referer)', 'cs(User-Agent)', 'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type', 'x-edge-request-id',
  'x-host-header', 'cs-protocol', 'cs-bytes', 'time-taken', 'x-forwarded-for', 'ssl-protocol', 'ssl-cipher',
  'x-edge-response-result-type', 'cs-protocol-version', 'fle-status', 'fle-encrypted-fields', 'c-port',
  'time-to-first-byte', 'x-edge-detailed-result-type', 'sc-content-type', 'sc-content-len', 'sc-range-start',
  'sc-range-end',
] as const;

const LEGACY_LABEL = 'legacy 33-field default, no #Fields header seen';

/**
 * Fewest columns a line of the standard log has: the oldest layout seen, of 2014, had 18 fields
 * (date … cs-bytes, formats.md §2.1), and fields have only ever been added at the end, so every
 * older line still reaches column 18. A shorter line is a truncated one, not an older one. A
 * `#Fields` header naming fewer fields (a v2 subset) needs all of its columns instead.
 */
export const OLDEST_LAYOUT_COLUMNS = 18;

/** Byte-order mark: objects joined together keep each one's BOM at the start of its first line. */
const BOM = 0xfeff;

/**
 * Reads CloudFront standard (access) log lines into typed events, following the `#Fields` headers.
 *
 * `#Fields:` sets the column names (split on any whitespace) for the lines after it, also mid-object
 * where files were joined; other `#` lines count as headers too. Before any header the legacy
 * 33-field order applies. A U+FEFF at the start of any line (objects joined together) is dropped.
 * The event time is `date` + `time` in UTC (or v2's `timestamp(ms)`). A short line (older logs)
 * leaves its missing trailing fields absent, as long as it has the {@link OLDEST_LAYOUT_COLUMNS} of
 * the oldest layout (or every column of a shorter header) and reaches the time fields; a shorter one
 * is a `column_count` error. Extra columns past the header go into `extra` as `column-N`. Bad values
 * give `not_a_number` or `timestamp_invalid` error records, capped at `maxErrorRecords`; every line
 * lands in exactly one tally bucket. Viewer IPs and cookies are dropped and query strings nulled
 * unless the options keep them. Bad options throw a `ConfigError` when the format is built.
 *
 * @example
 * ```ts
 * import { cloudfrontStandard, emptyTally } from 'letsflow';
 *
 * const parse = cloudfrontStandard().createParser({ object: 'E2EXAMPLE.2019-12-04-21.abc.gz', tally: emptyTally() });
 * parse('#Version: 1.0', 1);
 * parse('#Fields: date time sc-status', 2);
 * parse('2019-12-04\t21:02:31\t200', 3); // { timestamp: 1575493351000, sc_status: 200 }
 * ```
 * @param options.keepClientIp keep `c-ip` and `x-forwarded-for` (default false)
 * @param options.keepCookies keep the cookie (default false)
 * @param options.queryStrings `'off'` (default: `cs_uri_query` is null), `'names'` (parameter names only) or `'whole'`
 * @returns the log format
 * @see cloudfrontRealtime
 */
export function cloudfrontStandard(options: CloudFrontStandardOptions = {}): LogFormat<CloudFrontEvent> {
  const parsed = CloudFrontStandardOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(`cloudfrontStandard options are invalid: ${z.prettifyError(parsed.error)}`);
  const { keepClientIp, keepCookies, queryStrings } = parsed.data;

  return {
    name: 'cloudfront-standard',
    createParser(context: ParserContext): ObjectParser<CloudFrontEvent> {
      const { tally, select } = context;
      const reject = errorRecorder(context);
      let plan: FieldPlan = cloudfrontFields('standard', LEGACY_FIELDS, { keepClientIp, keepCookies, queryStrings, select });
      let minColumns = minColumnsOf(plan);
      let label = LEGACY_LABEL;

      function readHeader(line: string, lineNumber: number): void {
        if (!line.startsWith('#Fields:')) return;
        const names = line.slice('#Fields:'.length).trim().split(/\s+/).filter((name) => name.length > 0);
        // Joined files repeat the same header block; only a different list needs a new plan.
        if (names.join(' ') !== plan.names.join(' ')) {
          plan = cloudfrontFields('standard', names, { keepClientIp, keepCookies, queryStrings, select });
          minColumns = minColumnsOf(plan);
        }
        label = `#Fields header of line ${lineNumber}`;
      }

      return (input: string, lineNumber: number): CloudFrontEvent | undefined => {
        const unmarked = input.charCodeAt(0) === BOM ? input.slice(1) : input;
        const line = unmarked.charCodeAt(unmarked.length - 1) === 0x0d ? unmarked.slice(0, -1) : unmarked;
        if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim().length === 0)) {
          tally.blank++;
          return undefined;
        }
        if (line.charCodeAt(0) === 0x23) {
          tally.headers++;
          readHeader(line, lineNumber);
          return undefined;
        }
        const columns = plan.split(line);
        if (columns.length < minColumns) {
          const reason =
            `expected ${plan.names.length} columns (${label}), found ${columns.length}; ` +
            `at least ${minColumns} are needed (the oldest layout has ${OLDEST_LAYOUT_COLUMNS}, and the time fields must be reached)`;
          return reject(line, lineNumber, 'column_count', reason);
        }
        try {
          const event = plan.toEvent(columns);
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

/** Fewest columns a line under `plan` may have: the oldest layout's, capped by the header's, and the time fields'. */
function minColumnsOf(plan: FieldPlan): number {
  return Math.max(plan.minColumns, Math.min(plan.names.length, OLDEST_LAYOUT_COLUMNS));
}
