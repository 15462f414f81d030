// Runs the geo pipeline over a folder of CloudFront real-time logs and prints its daily windows:
//   npx tsx examples/geoPipeline/run.ts .letsflow/demo-logs
import { fsCacheStore, localObjects, runPipeline, stepContextFor, storedWindowsIn } from 'letsflow';
import { geoPipeline } from './definition.js';

const ctx = stepContextFor(geoPipeline, fsCacheStore({ root: '.letsflow/geo-cache' }), { keepRaw: false });
const outcome = await runPipeline(await localObjects(process.argv[2] ?? '.letsflow/demo-logs'), ctx);
console.log(`${outcome.events} events; ${outcome.aggregate.windows} windows (${outcome.aggregate.final} final)`);
for (const doc of await storedWindowsIn(ctx.store, geoPipeline, 'daily', -Infinity, Infinity)) {
  const day = geoPipeline.summary.fromJson(doc.summary);
  console.log(doc.time_key, doc.status, geoPipeline.views.total(day));
}
