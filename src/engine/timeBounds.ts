import type { TimedEvent } from '../core/summaryKind.js';
import { errorRecorder } from '../formats/errorRecorder.js';
import type { LogFormat } from '../formats/logFormat.js';
import type { FinalityPolicy } from './definition.js';

/**
 * A format whose events must be dated no later than now plus the allowed clock skew (and, with
 * a horizon, no earlier than now minus it). An event outside is a parse error —
 * `timestamp_in_future` or `timestamp_too_old` — counted and kept like any bad line, so one
 * stray date never moves the watermark nor makes a window of another century.
 *
 * @param format the pipeline's format
 * @param policy the skew and horizon
 * @param now the wall clock at ingest, epoch ms
 * @returns the bounded format
 */
export function withTimeBounds<E extends TimedEvent>(format: LogFormat<E>, policy: FinalityPolicy, now: number): LogFormat<E> {
  const notAfter = now + policy.skewMs;
  const notBefore = policy.horizonMs === undefined ? -Infinity : now - policy.horizonMs;
  const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
  return {
    name: format.name,
    createParser(context) {
      const parseLine = format.createParser(context);
      const reject = errorRecorder(context);
      return (line, lineNumber) => {
        const event = parseLine(line, lineNumber);
        if (event === undefined || (event.timestamp <= notAfter && event.timestamp >= notBefore)) return event;
        context.tally.events--;
        return event.timestamp > notAfter
          ? reject(line, lineNumber, 'timestamp_in_future', `timestamp ${iso(event.timestamp)} is later than now plus the allowed clock skew (${iso(notAfter)})`)
          : reject(line, lineNumber, 'timestamp_too_old', `timestamp ${iso(event.timestamp)} is older than the horizon (${iso(notBefore)})`);
      };
    },
  };
}
