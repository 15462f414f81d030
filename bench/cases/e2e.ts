/**
 * End to end, what `letsflow run` does: `runPipeline` over the fixture's objects into a fresh
 * filesystem cache store (ingest + consolidate every object, then aggregate every period), writes
 * included. Variants: `noraw` (keepRaw false, like `--no-raw`: parses only SUMMARY_FIELDS) and
 * `raw` (keepRaw true, the default: every field parsed and stored as gzip NDJSON).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  cloudfrontRealtime, cloudfrontStandard, fsCacheStore, localObjects, NAMESPACES, runPipeline, summaryFromJson,
  cloudfrontPipeline, stepContextFor, type CacheStore, type CloudFrontEvent, type StepContext, type TrafficSummary,
} from '../../src/index.js';
import { caseArgs, digestOf, loadFixture, runReps, type WindowDigest } from '../common.js';

const args = caseArgs();
const { fixture: name, variant } = args;
if (variant !== 'raw' && variant !== 'noraw') throw new Error(`e2e: unknown variant ${variant}`);
const fixture = await loadFixture(name);
const objects = await localObjects(fixture.dir);
const format = fixture.format === 'realtime' ? cloudfrontRealtime({ fields: 'sgraph-27' }) : cloudfrontStandard({});

let root = '';
let ctx: StepContext<CloudFrontEvent, TrafficSummary> | undefined;
let digest: WindowDigest = {};

/** The stored 30-minute aggregates with data, read back from the store the run wrote. */
async function storedWindows(store: CacheStore): Promise<Map<number, TrafficSummary>> {
  const windows = new Map<number, TrafficSummary>();
  for (const key of await store.list(NAMESPACES.aggregate, 'json', '30min/')) {
    const body = await store.get({ namespace: NAMESPACES.aggregate, key, fileType: 'json' });
    const doc = JSON.parse(Buffer.from(body!).toString('utf8')) as { period_start: string; summary: unknown };
    const summary = summaryFromJson(doc.summary);
    if (summary.requests > 0) windows.set(Date.parse(doc.period_start), summary);
  }
  return windows;
}

await runReps(`e2e/${variant}`, args, {
  before: async () => {
    root = await mkdtemp(path.join(tmpdir(), 'letsflow-bench-'));
    ctx = stepContextFor(cloudfrontPipeline, fsCacheStore({ root }), { format, keepRaw: variant === 'raw' });
  },
  rep: async () => {
    const outcome = await runPipeline(objects, ctx!);
    // Every event of the fixture, from clean objects: a fast run that dropped work would not count.
    if (outcome.events !== fixture.events || outcome.quarantined.length > 0 || outcome.parseErrors > 0) {
      throw new Error(`e2e: expected ${fixture.events} events from clean objects, got ${JSON.stringify({ ...outcome, quarantined: outcome.quarantined.length })}`);
    }
    return outcome.events;
  },
  after: async () => {
    digest = digestOf(await storedWindows(ctx!.store));
    await rm(root, { recursive: true, force: true });
  },
  finish: async () => ({ digest }),
});
