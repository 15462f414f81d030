// The README's library example, type-checked with the rest of the code.
import { from, mergeMap } from 'rxjs';
import { cloudfrontRealtime, emptyTally, localObjects, parse, readLines, rollup, windowTumbling } from 'letsflow';

const format = cloudfrontRealtime({ fields: 'sgraph-27' });
const objects = await localObjects(process.argv[2] ?? './logs', { prefix: 'cloudfront-realtime/' });
from(objects).pipe(
  mergeMap((o) => readLines(o).pipe(parse(format, { object: o.key, tally: emptyTally() })), 1),
  windowTumbling({ lateness: 15 * 60_000 }),
  rollup(),
).subscribe((w) => console.log(w.period, new Date(w.start).toISOString(), w.status, w.summary.requests));
