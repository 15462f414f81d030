// The README's library example, type-checked with the rest of the code.
import { from, mergeMap } from 'rxjs';
import { cloudfrontPipeline, cloudfrontRealtime, emptyTally, fsCacheStore, localObjects, parse, readLines, rollup, timeKey, trafficSummary, windowTumbling, writeWindows } from 'letsflow';

const format = cloudfrontRealtime({ fields: 'sgraph-27' });
const sink = { store: fsCacheStore({ root: '.letsflow/example-cache' }), pipeline: cloudfrontPipeline };
const objects = await localObjects(process.argv[2] ?? './logs', { prefix: 'cloudfront-realtime/' });
from(objects).pipe(
  mergeMap((o) => readLines(o).pipe(parse(format, { object: o.key, tally: emptyTally() })), 1),
  windowTumbling({ kind: trafficSummary, lateness: 15 * 60_000 }),
  rollup(trafficSummary),
  writeWindows(sink),
).subscribe((w) => console.log(w.period, timeKey(w.period, w.start), w.status, w.summary.requests));
