import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoObjects } from '../../src/pipelines/cloudfront/demoData.js';
import { loadConfig } from '../../src/runtime/config.js';
import { startServe, type RunningServer } from '../../src/runtime/serve/serve.js';
import { startS3EventBridge, type S3EventBridge } from './support/s3EventBridge.js';

const TOKEN = 'event-driven-test';

describe('integration: letsflow serve, event-driven from SQS', () => {
  let bridge: S3EventBridge;
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLETSFLOWTEST0000';
    process.env.AWS_SECRET_ACCESS_KEY = 'letsflow-test-secret';
    bridge = await startS3EventBridge();
    dir = await mkdtemp(join(tmpdir(), 'letsflow-events-'));
  });
  afterAll(async () => {
    await server?.stop();
    await bridge.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests objects as their notifications arrive and serves their aggregates', async () => {
    // Prepare
    for (const bucket of ['ev-logs', 'ev-cache']) await bridge.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { queueUrl } = await bridge.createQueue(`serve-${Date.now()}`, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    await bridge.notify({ bucket: 'ev-logs', queueUrl, prefix: 'cloudfront-realtime/' });
    await bridge.notify({ bucket: 'ev-cache', queueUrl });
    const config = await loadConfig(
      {
        source: 's3://ev-logs/cloudfront-realtime/',
        cache: 's3://ev-cache/',
        endpoint: bridge.endpoint,
        sqsEndpoint: bridge.endpoint,
        sqsQueueUrl: queueUrl,
        port: 0,
        ingestEverySeconds: 0,
        aggregateEverySeconds: 0,
      },
      {},
    );
    server = await startServe(config, TOKEN);
    const demo = await writeDemoObjects({ dir: join(dir, 'demo'), days: 0.05, requestsPerHour: 600, seed: 9 });
    // Act
    for (const object of demo.objects) await bridge.s3.send(new PutObjectCommand({ Bucket: 'ev-logs', Key: object.key, Body: await readFile(object.file) }));
    await bridge.settled();
    const deadline = Date.now() + 20_000;
    let status: { pipeline: { done: number; pending: number } } = { pipeline: { done: 0, pending: -1 } };
    while (Date.now() < deadline && status.pipeline.done < demo.objects.length) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await (await fetch(`${server.url}/api/sa/cloudfront/status`)).json()) as typeof status;
    }
    await fetch(`${server.url}/api/sa/cloudfront/aggregate`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    const series = (await (await fetch(`${server.url}/api/sa/traffic/timeseries?period=hourly`)).json()) as { total_requests: number }[];
    // Assess: every object once, none of the cache bucket's own writes, totals exact
    expect(status.pipeline).toMatchObject({ done: demo.objects.length, pending: 0 });
    expect(series.reduce((n, w) => n + w.total_requests, 0)).toBe(demo.events);
    const events = server.events!.stats();
    expect(events.routes.skipped.cache_bucket).toBeGreaterThan(0);
    expect(events.objects.committed).toBe(demo.objects.length);
  }, 60_000);
});
