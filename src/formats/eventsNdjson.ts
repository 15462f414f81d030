import type { z } from 'zod';
import { errorRecorder } from './errorRecorder.js';
import type { LogFormat } from './logFormat.js';

/**
 * letsflow's own raw-event format: one JSON event per line, as the ingest step stores them,
 * each validated by the pipeline's event schema. Lets the consolidate step re-read what
 * ingest wrote with the same byte path as any log.
 *
 * @example
 * ```ts
 * import { CloudFrontEventSchema, emptyTally, eventsNdjson } from 'letsflow';
 * const parseLine = eventsNdjson(CloudFrontEventSchema).createParser({ object: 'raw', tally: emptyTally() });
 * parseLine('{"timestamp":1771252200000,"sc_status":200}', 1);
 * ```
 * @param schema the event schema every line must satisfy
 * @returns the format
 */
export function eventsNdjson<E>(schema: z.ZodType<E>): LogFormat<E> {
  return {
    name: 'letsflow-events',
    createParser(context) {
      const reject = errorRecorder(context);
      const { tally } = context;
      return (line, lineNumber) => {
        if (line.length === 0) {
          tally.blank++;
          return undefined;
        }
        let reason: string;
        try {
          const parsed = schema.safeParse(JSON.parse(line));
          if (parsed.success) {
            tally.events++;
            return parsed.data;
          }
          reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        } catch (error) {
          reason = (error as Error).message;
        }
        return reject(line, lineNumber, 'event_invalid', reason);
      };
    },
  };
}
