/**
 * letsflow stage by stage, in memory (no store), through the public API only, so each stage's
 * cost is the difference to the one before:
 * `readlines` → `parse` (the SUMMARY_FIELDS selection `--no-raw` parses) → `consolidate` (what
 * ingest does per object) or `windows` (windowTumbling + rollup, the streaming operators).
 */
import { lastValueFrom, tap, toArray, type Observable } from 'rxjs';
import {
  cloudfrontRealtime, cloudfrontStandard, consolidate, DEFAULT_LATENESS_MS, emptyTally, localObjects, parse, readLines, rollup,
  mergeSummaries, SUMMARY_FIELDS, trafficSummary, windowTumbling, type CloudFrontEvent, type LogFormat, type SourceObject, type TrafficSummary,
} from '../../src/index.js';
import { caseArgs, digestOf, loadFixture, runReps } from '../common.js';

const args = caseArgs();
const { fixture: name, variant } = args;
const fixture = await loadFixture(name);
const objects = await localObjects(fixture.dir);
const format: LogFormat<CloudFrontEvent> = fixture.format === 'realtime' ? cloudfrontRealtime({ fields: 'sgraph-27' }) : cloudfrontStandard({});

/** Runs a stage to completion without keeping what it emits. */
const drain = (source: Observable<unknown>): Promise<unknown> => lastValueFrom(source, { defaultValue: undefined });

/** The last rep's per-window summaries (consolidate only), for the correctness check. */
let windows = new Map<number, TrafficSummary>();

async function stage(object: SourceObject): Promise<number> {
  const tally = emptyTally();
  const lines = readLines(object);
  const events = lines.pipe(parse(format, { object: object.key, tally, select: SUMMARY_FIELDS }));
  switch (variant) {
    case 'readlines': {
      let count = 0;
      await drain(lines.pipe(tap((batch) => (count += batch.lines.length))));
      return count;
    }
    case 'parse':
      await drain(events);
      break;
    case 'consolidate':
      for (const partial of await lastValueFrom(events.pipe(consolidate(trafficSummary), toArray()))) {
        const earlier = windows.get(partial.start);
        windows.set(partial.start, earlier ? mergeSummaries(earlier, partial.summary) : partial.summary);
      }
      break;
    case 'windows':
      await drain(events.pipe(windowTumbling({ kind: trafficSummary, lateness: DEFAULT_LATENESS_MS }), rollup(trafficSummary)));
      break;
    default:
      throw new Error(`letsflow: unknown stage ${variant}`);
  }
  return tally.events;
}

await runReps(`letsflow/${variant}`, args, {
  rep: async () => {
    let events = 0;
    windows = new Map();
    for (const object of objects) events += await stage(object);
    return events;
  },
  finish: async () => (variant === 'consolidate' ? { digest: digestOf(windows) } : {}),
});
