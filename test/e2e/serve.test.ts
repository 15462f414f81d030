import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoObjects } from '../../src/pipelines/cloudfront/demoData.js';
import { loadConfig } from '../../src/runtime/config.js';
import { startServe, type RunningServer } from '../../src/runtime/serve/serve.js';

const TOKEN = 'test-token-123';

describe('e2e: letsflow serve over real HTTP', () => {
  let dir: string;
  let server: RunningServer;
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  // Cache entries hold raw data, so reading them takes the token too.
  const read = (path: string) => call(path, { headers: { authorization: `Bearer ${TOKEN}` } });
  // Response bodies are asserted field by field, so they are read loosely typed.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = async (response: Promise<Response>): Promise<any> => (await response).json();
  const post = (path: string, token: string | null = TOKEN, body?: string) => {
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return call(path, { method: 'POST', headers, ...(body !== undefined && { body }) });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-serve-'));
    await writeDemoObjects({ dir: join(dir, 'logs'), days: 0.25, requestsPerHour: 400, seed: 3 });
    const config = await loadConfig({ source: join(dir, 'logs'), cache: join(dir, 'cache'), port: 0, ingestEverySeconds: 0, aggregateEverySeconds: 0 }, {});
    server = await startServe(config, TOKEN);
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    expect((server.app.server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('answers unauthenticated or wrongly authenticated mutating requests with 401', async () => {
    expect((await post('/api/sa/cloudfront/ingest', null)).status).toBe(401);
    expect((await post('/api/sa/cloudfront/ingest', 'wrong')).status).toBe(401);
    expect(server.scheduler.status().ingest!.runs).toBe(0);
  });

  it('refuses oversized and malformed requests with 4xx', async () => {
    expect((await post('/api/sa/cloudfront/ingest', TOKEN, JSON.stringify({ pad: 'x'.repeat(100_000) }))).status).toBe(413);
    expect((await post('/api/sa/cloudfront/ingest', TOKEN, '{not json')).status).toBe(400);
    expect((await call('/api/sa/traffic/timeseries?period=weekly')).status).toBe(400);
    expect((await call('/api/sa/traffic/timeseries?period=daily&from=yesterday')).status).toBe(400);
    expect((await read('/api/sa/cache/entry?namespace=sa-ledger&key=..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await call('/api/nope')).status).toBe(404);
  });

  it('runs the steps on request and serves their results', async () => {
    // Act
    const ingest = await json(post('/api/sa/cloudfront/ingest'));
    await post('/api/sa/cloudfront/consolidate');
    const aggregate = await json(post('/api/sa/cloudfront/aggregate'));
    // Assess
    expect(ingest.result.ingested).toBeGreaterThan(0);
    expect(aggregate.result.windows).toBeGreaterThan(0);
    const series = (await json(call('/api/sa/traffic/timeseries?period=hourly'))) as { time_key: string; total_requests: number }[];
    expect(series.length).toBeGreaterThanOrEqual(6);
    const hour = await json(call(`/api/sa/traffic/aggregate/hourly/${series[0]!.time_key}`));
    expect(hour.total_requests).toBe(series[0]!.total_requests);
    const top = await json(call('/api/sa/traffic/top-paths?period=hourly&limit=3'));
    expect(top.paths).toHaveLength(3);
    const status = await json(call('/api/sa/cloudfront/status'));
    expect(status.pipeline).toMatchObject({ pending: 0, quarantined: 0 });
    expect(status.pipeline.events).toBe(series.reduce((n, w) => n + w.total_requests, 0));
  });

  it('exposes Prometheus metrics and cache browsing', async () => {
    const metrics = await (await call('/metrics')).text();
    expect(metrics).toMatch(/letsflow_objects_pending 0/);
    expect(metrics).toMatch(/letsflow_late_events 0/);
    expect(metrics).toMatch(/letsflow_step_runs_total\{step="ingest",outcome="ok"\} 1/);
    const namespaces = (await json(call('/api/sa/cache/namespaces'))) as { namespace: string; entries: number }[];
    expect(namespaces.find((n) => n.namespace === 'sa-cloudfront-aggregate')!.entries).toBeGreaterThan(0);
    const listing = await json(read('/api/sa/cache/entries?namespace=sa-cloudfront-aggregate&prefix=daily/'));
    expect(listing.keys.length).toBeGreaterThan(0);
    const entry = await read(`/api/sa/cache/entry?namespace=sa-cloudfront-aggregate&key=${encodeURIComponent(listing.keys[0])}`);
    expect(((await entry.json()) as { period: string }).period).toBe('daily');
  });
});
