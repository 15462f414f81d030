import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeDemoObjects } from '../../src/pipelines/cloudfront/demoData.js';
import { blockerFor } from '../../src/engine/finality.js';
import { objectId, pipelineRefs } from '../../src/engine/layout.js';
import { claimObject } from '../../src/engine/leases.js';
import { runPipeline } from '../../src/engine/runPipeline.js';
import { NAMESPACES } from '../../src/pipelines/cloudfront/namespaces.js';
import { s3CacheStore } from '../../src/sinks/s3CacheStore.js';
import { s3Objects } from '../../src/sources/s3Objects.js';
import type { CacheStore } from '../../src/sinks/cacheStore.js';
import { cloudfrontContext, testFinality } from '../helpers/factories.js';
import { conditionalProxy, type LoopbackProxy } from './support/conditionalProxy.js';
import { freshBucket, keysUnder, putObjects, testS3Client } from './support/s3.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/letsflow.js');
const PREFIX = 'cloudfront-realtime/';

describe('integration: the CloudFront pipeline on S3', () => {
  let proxy: LoopbackProxy;
  let client: S3Client;
  let logs: string;
  let dir: string;
  let objectCount: number;
  let events: number;

  const letsflow = async (...args: string[]) => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDLETSFLOWTEST0000', AWS_SECRET_ACCESS_KEY: 'letsflow-test-secret', AWS_REGION: 'us-east-1' };
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args, '--endpoint', proxy.endpoint], { cwd: dir, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  /** Aggregate documents of a store, without the wall-clock `computed_at` (and, across sources, the object ids). */
  const aggregates = async (store: CacheStore, options: { withoutSources?: boolean } = {}) => {
    const out = new Map<string, unknown>();
    for (const key of await store.list(NAMESPACES.aggregate, 'json')) {
      const doc = JSON.parse(Buffer.from((await store.get({ namespace: NAMESPACES.aggregate, key, fileType: 'json' }))!).toString('utf8'));
      delete doc.computed_at;
      if (options.withoutSources && doc.period === '30min') delete doc.sources;
      out.set(key, doc);
    }
    return out;
  };
  const cacheStore = (bucket: string) => s3CacheStore({ bucket, client });

  beforeAll(async () => {
    proxy = await conditionalProxy(inject('fauxqsEndpoint'));
    client = testS3Client(proxy.endpoint);
    logs = await freshBucket(client, 'logs');
    dir = await mkdtemp(join(tmpdir(), 'letsflow-s3-'));
    const demo = await writeDemoObjects({ dir: join(dir, 'demo'), days: 0.25, requestsPerHour: 400, seed: 5 });
    objectCount = demo.objects.length;
    events = demo.events;
    await putObjects(client, logs, await Promise.all(demo.objects.map(async (o) => ({ key: o.key, body: await readFile(o.file) }))), 16);
  }, 60_000);
  afterAll(async () => {
    client.destroy();
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs from a bucket into an S3 cache with the same aggregates as the filesystem run', async () => {
    // Prepare
    const cache = await freshBucket(client, 'cache');
    // Act
    const started = performance.now();
    const s3Run = await letsflow('run', '--source', `s3://${logs}/${PREFIX}`, '--cache', `s3://${cache}/`);
    const s3Seconds = (performance.now() - started) / 1000;
    const fsStarted = performance.now();
    const fsRun = await letsflow('run', '--source', 'demo', '--cache', 'fs-cache');
    const fsSeconds = (performance.now() - fsStarted) / 1000;
    // Assess
    expect(s3Run.code, s3Run.stderr).toBe(0);
    expect(fsRun.code, fsRun.stderr).toBe(0);
    expect(s3Run.stdout).toContain(`${objectCount} of ${objectCount} objects processed, ${events.toLocaleString('en-US')} events`);
    const { fsCacheStore } = await import('../../src/sinks/fsCacheStore.js');
    // Object ids name where an object lives (s3://… or a folder), so only they may differ.
    expect(await aggregates(cacheStore(cache), { withoutSources: true })).toEqual(await aggregates(fsCacheStore({ root: join(dir, 'fs-cache') }), { withoutSources: true }));
    console.info(`letsflow run, ${events} events in ${objectCount} objects: local S3 ${s3Seconds.toFixed(2)} s (${Math.round(events / s3Seconds)} ev/s incl. start-up), filesystem ${fsSeconds.toFixed(2)} s (${Math.round(events / fsSeconds)} ev/s)`);
  }, 120_000);

  it('shares a bucket between two concurrent workers: every object once, aggregates as one worker', async () => {
    // Prepare
    const single = await freshBucket(client, 'single');
    const shared = await freshBucket(client, 'shared');
    await letsflow('run', '--source', `s3://${logs}/${PREFIX}`, '--cache', `s3://${single}/`);
    // Act
    const workers = await Promise.all([1, 2].map(() => letsflow('run', '--source', `s3://${logs}/${PREFIX}`, '--cache', `s3://${shared}/`)));
    const last = await letsflow('run', '--source', `s3://${logs}/${PREFIX}`, '--cache', `s3://${shared}/`);
    // Assess
    for (const w of workers) expect(w.code, w.stderr).toBe(0);
    const processed = workers.map((w) => Number(/run: (\d+) of/.exec(w.stdout)![1]));
    expect(processed[0]! + processed[1]!).toBe(objectCount);
    expect(last.stdout).toContain(`run: 0 of ${objectCount} objects processed`);
    expect(await aggregates(cacheStore(shared))).toEqual(await aggregates(cacheStore(single)));
  }, 120_000);

  it("finishes a dead worker's object once its lease expires", async () => {
    // Prepare: a worker claimed the first object and died
    const cache = await freshBucket(client, 'lease');
    const store = cacheStore(cache);
    const objects = await s3Objects({ bucket: logs, prefix: PREFIX, client });
    let now = Date.now();
    const id = objectId(objects[0]!);
    await claimObject(store, pipelineRefs(NAMESPACES).lease(id), id, 'dead-worker', 60_000, now);
    const ctx = cloudfrontContext(store, { finality: testFinality({ latenessMs: 15 * 60_000 }) });
    // The event times the held object's key date lets it hold: no window reaching them may settle while it is pending
    const held = blockerFor(objects[0]!.key, ctx.finality);
    const reachesHeld = (doc: { period_start: string; period_end: string }): boolean => Date.parse(doc.period_start) < held.to && Date.parse(doc.period_end) > held.from;
    const docs = async () => [...(await aggregates(store)).values()] as { status: string; period_start: string; period_end: string }[];
    // Act
    const whileHeld = await runPipeline(objects, ctx, { lease: { owner: 'b', ttlMs: 60_000, now: () => now } });
    const docsWhileHeld = await docs();
    now += 61_000;
    const afterExpiry = await runPipeline(objects, ctx, { lease: { owner: 'b', ttlMs: 60_000, now: () => now } });
    const docsAfterExpiry = await docs();
    // Assess
    expect(whileHeld.processed).toBe(objects.length - 1);
    expect(Number.isFinite(held.from) && Number.isFinite(held.to)).toBe(true); // a Firehose key is dated
    expect(docsWhileHeld.filter(reachesHeld).length).toBeGreaterThan(0);
    expect(docsWhileHeld.filter((d) => reachesHeld(d) && d.status === 'final')).toEqual([]);
    expect(afterExpiry.processed).toBe(1);
    expect(afterExpiry.aggregate.final).toBeGreaterThan(0);
    expect(docsAfterExpiry.filter((d) => reachesHeld(d) && d.status === 'final').length).toBeGreaterThan(0);
  }, 60_000);

  it('archives only committed objects, and archiving again is harmless', async () => {
    // Prepare: a copy of the logs, half of them processed
    const live = await freshBucket(client, 'live');
    const keys = await keysUnder(client, logs, PREFIX);
    await putObjects(client, live, await Promise.all(keys.map(async (key) => ({ key, body: await (await client.send(new (await import('@aws-sdk/client-s3')).GetObjectCommand({ Bucket: logs, Key: key }))).Body!.transformToByteArray() }))));
    const cache = await freshBucket(client, 'archive-cache');
    const half = keys.slice(0, Math.floor(keys.length / 2));
    const ctx = cloudfrontContext(cacheStore(cache));
    await runPipeline((await s3Objects({ bucket: live, prefix: PREFIX, client })).filter((o) => half.includes(o.key)), ctx);
    // Act
    const first = await letsflow('archive', '--source', `s3://${live}/${PREFIX}`, '--cache', `s3://${cache}/`, '--archive', 'archive/');
    const again = await letsflow('archive', '--source', `s3://${live}/${PREFIX}`, '--cache', `s3://${cache}/`, '--archive', 'archive/');
    // Assess
    expect(first.stdout, first.stderr).toContain(`archive: ${half.length} committed objects archived`);
    expect(again.stdout).toContain('archive: 0 committed objects archived');
    expect(await keysUnder(client, live, PREFIX)).toEqual(keys.slice(half.length));
    expect(await keysUnder(client, live, 'archive/')).toEqual(half.map((k) => `archive/${k}`));
  }, 60_000);
});
