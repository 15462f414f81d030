import { z } from 'zod';
import { ConfigError, LetsflowError } from '../core/errors.js';
import type { CloudFrontEvent } from './cloudfront/event.js';
import { cloudfrontPrivacyOptions } from './cloudfront/privacyOptions.js';
import { errorRecorder } from './errorRecorder.js';
import { cloudfrontFields } from './cloudfrontFields.js';
import { DEFAULT_FIELD_LIST, FIELD_LIST_PRESETS } from './fieldLists.js';
import type { LogFormat, ObjectParser, ParserContext } from './logFormat.js';

export const CloudFrontRealtimeOptionsSchema = z
  .object({
    fields: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .default(DEFAULT_FIELD_LIST)
      .describe(
        'The real-time log configuration\'s field list, in column order: a preset name ' +
          `(${Object.keys(FIELD_LIST_PRESETS).join(', ')}) or the field names. The data names no columns, so this must match what wrote it.`,
      ),
    ...cloudfrontPrivacyOptions,
  })
  .strict()
  .describe('CloudFront real-time logs (Kinesis → Firehose → S3): one TAB-separated line per request, no header.');

export type CloudFrontRealtimeOptions = z.input<typeof CloudFrontRealtimeOptionsSchema>;

/**
 * Reads CloudFront real-time log lines with a configured field list into typed events.
 *
 * Lines are TAB-separated with no header, so the column count is the only guard against a changed
 * configuration: a line with any other count becomes a `column_count` error record, never a
 * shifted event. A bad value gives `not_a_number` or `timestamp_invalid`. Every line lands in
 * exactly one of `tally.events`, `headers` (a stray `#` comment line), `blank` or `errors`; error
 * records stop at `maxErrorRecords` while `tally.errors` keeps counting. With `context.select`,
 * only the selected columns are sliced and converted, but every TAB is still counted. Viewer IPs
 * and cookies are dropped and query strings nulled unless the options keep them. The user agent is
 * decoded once (the standard log's legacy double decoding does not apply here). Bad options throw a
 * `ConfigError` when the format is built.
 *
 * @example
 * ```ts
 * import { cloudfrontRealtime, emptyTally } from 'letsflow';
 *
 * const format = cloudfrontRealtime({ fields: ['timestamp', 'sc-status', 'cs-uri-stem'] });
 * const tally = emptyTally();
 * const parse = format.createParser({ object: 's3://logs/rt.gz', tally });
 * parse('1600299221.087\t200\t/index.html', 1); // { timestamp: 1600299221087, sc_status: 200, … }
 * ```
 * @param options.fields a preset name from `FIELD_LIST_PRESETS` or the field names (default `DEFAULT_FIELD_LIST`)
 * @param options.keepClientIp keep `c-ip` and `x-forwarded-for` (default false)
 * @param options.keepCookies keep the cookie (default false)
 * @param options.queryStrings `'off'` (default: `cs_uri_query` is null), `'names'` (parameter names only) or `'whole'`
 * @returns the log format
 * @see cloudfrontStandard
 */
export function cloudfrontRealtime(options: CloudFrontRealtimeOptions = {}): LogFormat<CloudFrontEvent> {
  const parsed = CloudFrontRealtimeOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(`cloudfrontRealtime options are invalid: ${z.prettifyError(parsed.error)}`);
  const { keepClientIp, keepCookies, queryStrings } = parsed.data;
  const { names, label } = resolveFieldList(parsed.data.fields);

  return {
    name: 'cloudfront-realtime',
    createParser(context: ParserContext): ObjectParser<CloudFrontEvent> {
      const plan = cloudfrontFields('realtime', names, { keepClientIp, keepCookies, queryStrings, select: context.select });
      const { tally } = context;
      const reject = errorRecorder(context);
      const expected = names.length;

      return (input: string, lineNumber: number): CloudFrontEvent | undefined => {
        const line = input.charCodeAt(input.length - 1) === 0x0d ? input.slice(0, -1) : input;
        if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim().length === 0)) {
          tally.blank++;
          return undefined;
        }
        // A real-time record starts with its epoch timestamp; a '#' line is a comment some tools add.
        if (line.charCodeAt(0) === 0x23) {
          tally.headers++;
          return undefined;
        }
        const columns = plan.split(line);
        if (columns.length !== expected) {
          return reject(line, lineNumber, 'column_count', `expected ${expected} columns (${label}), found ${columns.length}`);
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

function resolveFieldList(fields: string | readonly string[]): { names: readonly string[]; label: string } {
  if (typeof fields === 'string') {
    const preset = FIELD_LIST_PRESETS[fields];
    if (preset === undefined) {
      const known = Object.keys(FIELD_LIST_PRESETS).join(', ');
      throw new ConfigError(`cloudfrontRealtime option fields: unknown field list preset '${fields}'; expected one of ${known}, or an array of field names`);
    }
    return { names: preset, label: `field list ${fields}` };
  }
  if (!fields.includes('timestamp')) {
    throw new ConfigError("cloudfrontRealtime option fields: the field list has no 'timestamp'; every real-time record starts with it");
  }
  const repeated = fields.filter((name, i) => fields.indexOf(name) !== i);
  if (repeated.length > 0) {
    throw new ConfigError(`cloudfrontRealtime option fields: the field list names ${[...new Set(repeated)].map((n) => `'${n}'`).join(', ')} more than once`);
  }
  return { names: [...fields], label: `configured field list of ${fields.length}` };
}
