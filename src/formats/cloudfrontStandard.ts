import { z } from 'zod';
import { ConfigError, LetsflowError } from '../core/errors.js';
import type { CloudFrontEvent } from './cloudfront/event.js';
import { errorRecorder } from './errorRecorder.js';
import { cloudfrontFields, type FieldPlan } from './cloudfrontFields.js';
import type { LogFormat, ObjectParser, ParserContext } from './logFormat.js';

export const CloudFrontStandardOptionsSchema = z
  .object({
    keepClientIp: z
      .boolean()
      .default(false)
      .describe('Keep c-ip and x-forwarded-for (personal data). Off by default: they are dropped while parsing.'),
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
 * Reads CloudFront standard (access) log lines into typed events, following the `#Fields` headers.
 *
 * `#Fields:` sets the column names (split on any whitespace) for the lines after it, also mid-object
 * where files were joined; other `#` lines count as headers too. Before any header the legacy
 * 33-field order applies. The event time is `date` + `time` in UTC (or v2's `timestamp(ms)`). A
 * short line (older logs) leaves its missing trailing fields absent, as long as it reaches the time
 * fields; extra columns past the header go into `extra` as `column-N`. Bad values give
 * `not_a_number` or `timestamp_invalid` error records, capped at `maxErrorRecords`; every line lands
 * in exactly one tally bucket. Bad options throw a `ConfigError` when the format is built.
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
 * @returns the log format
 * @see cloudfrontRealtime
 */
export function cloudfrontStandard(options: CloudFrontStandardOptions = {}): LogFormat<CloudFrontEvent> {
  const parsed = CloudFrontStandardOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(`cloudfrontStandard options are invalid: ${z.prettifyError(parsed.error)}`);
  const { keepClientIp } = parsed.data;

  return {
    name: 'cloudfront-standard',
    createParser(context: ParserContext): ObjectParser<CloudFrontEvent> {
      const { tally, select } = context;
      const reject = errorRecorder(context);
      let plan: FieldPlan = cloudfrontFields('standard', LEGACY_FIELDS, { keepClientIp, select });
      let label = LEGACY_LABEL;

      function readHeader(line: string, lineNumber: number): void {
        if (!line.startsWith('#Fields:')) return;
        const names = line.slice('#Fields:'.length).trim().split(/\s+/).filter((name) => name.length > 0);
        // Joined files repeat the same header block; only a different list needs a new plan.
        if (names.join(' ') !== plan.names.join(' ')) plan = cloudfrontFields('standard', names, { keepClientIp, select });
        label = `#Fields header of line ${lineNumber}`;
      }

      return (input: string, lineNumber: number): CloudFrontEvent | undefined => {
        const line = input.charCodeAt(input.length - 1) === 0x0d ? input.slice(0, -1) : input;
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
        if (columns.length < plan.minColumns) {
          const reason =
            `expected ${plan.names.length} columns (${label}), found ${columns.length}; ` +
            `at least ${plan.minColumns} are needed to reach the time fields`;
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
