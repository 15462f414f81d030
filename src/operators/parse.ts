import type { OperatorFunction } from 'rxjs';
import type { LogFormat, ParserContext } from '../formats/logFormat.js';
import type { LineBatch } from '../sources/readLines.js';
import { operate } from './internal/operate.js';

/**
 * Turns line batches of one object into event batches with a log format's parser.
 *
 * Bad lines never stop the stream: each becomes an error record in `context.tally` (which
 * the caller owns and reads after completion) and the batch goes on without it. Completes
 * and errors with its source; one parser per subscription, so header state never leaks
 * between objects. Empty batches are not emitted.
 *
 * @example
 * ```ts
 * import { cloudfrontRealtime, emptyTally, localObjects, parse, readLines } from 'letsflow';
 * const [object] = await localObjects('./logs');
 * const tally = emptyTally();
 * readLines(object!).pipe(parse(cloudfrontRealtime({ fields: 'sgraph-27' }), { object: object!.key, tally }))
 *   .subscribe({ complete: () => console.log(tally.events, 'events', tally.errors, 'bad lines') });
 * ```
 * @param format the log format
 * @param context the object's name, the tally to count into, and the fields to parse
 * @returns an operator from line batches to event batches
 * @see consolidate
 */
export function parse<E>(format: LogFormat<E>, context: ParserContext): OperatorFunction<LineBatch, E[]> {
  return operate((subscriber) => {
    const parseLine = format.createParser(context);
    return {
      next({ firstLine, lines }) {
        const events: E[] = [];
        for (let i = 0; i < lines.length; i++) {
          const event = parseLine(lines[i]!, firstLine + i);
          if (event !== undefined) events.push(event);
        }
        if (events.length > 0) subscriber.next(events);
      },
    };
  });
}
