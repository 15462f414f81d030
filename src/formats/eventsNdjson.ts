import { CloudFrontEventSchema, MAX_ERROR_LINE_CHARS } from '../core/event.js';
import { DEFAULT_MAX_ERROR_RECORDS, type LogFormat } from './logFormat.js';

/**
 * letsflow's own raw-event format: one JSON event per line, as the ingest step stores them.
 * Lets the consolidate step re-read what ingest wrote with the same byte path as any log.
 *
 * @example
 * ```ts
 * import { emptyTally, eventsNdjson } from 'letsflow';
 * const parseLine = eventsNdjson.createParser({ object: 'raw', tally: emptyTally() });
 * parseLine('{"timestamp":1771252200000,"sc_status":200}', 1);
 * ```
 */
export const eventsNdjson: LogFormat = {
  name: 'letsflow-events',
  createParser({ object, tally, maxErrorRecords = DEFAULT_MAX_ERROR_RECORDS }) {
    return (line, lineNumber) => {
      if (line.length === 0) {
        tally.blank++;
        return undefined;
      }
      let reason: string;
      try {
        const parsed = CloudFrontEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) {
          tally.events++;
          return parsed.data;
        }
        reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      } catch (error) {
        reason = (error as Error).message;
      }
      tally.errors++;
      if (tally.errorRecords.length < maxErrorRecords) {
        tally.errorRecords.push({ object, line: lineNumber, code: 'event_invalid', reason, text: line.slice(0, MAX_ERROR_LINE_CHARS) });
      }
      return undefined;
    };
  },
};
