import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoObjects } from '../../src/pipelines/cloudfront/demoData.js';
import { loadConfig } from '../../src/runtime/config.js';
import { startServe, type RunningServer } from '../../src/runtime/serve/serve.js';

const TOKEN = 'raw-access-token-789';

describe('e2e: letsflow serve keeps raw data behind the token and local paths out of answers', () => {
  let dir: string;
  let server: RunningServer;
  const call = (path: string, token: string | null = null, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-serve-raw-'));
    await writeDemoObjects({ dir: join(dir, 'logs'), days: 0.1, requestsPerHour: 100, seed: 5 });
    const config = await loadConfig({ source: join(dir, 'logs'), cache: join(dir, 'cache'), port: 0, ingestEverySeconds: 0, aggregateEverySeconds: 0 }, {});
    server = await startServe(config, TOKEN);
    for (const step of ['ingest', 'consolidate', 'aggregate']) expect((await call(`/api/sa/cloudfront/${step}`, TOKEN, 'POST')).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses ledger listings and entries without the token', async () => {
    expect((await call('/api/sa/cache/entries?namespace=sa-ledger&prefix=objects/')).status).toBe(401);
    const listing = (await (await call('/api/sa/cache/entries?namespace=sa-ledger&prefix=objects/', TOKEN)).json()) as { keys: string[] };
    expect(listing.keys.length).toBeGreaterThan(0);
    expect((await call(`/api/sa/cache/entry?namespace=sa-ledger&key=${encodeURIComponent(listing.keys[0]!)}`)).status).toBe(401);
  });

  it('serves a ledger entry with the source folder replaced by a placeholder', async () => {
    // Act
    const listing = (await (await call('/api/sa/cache/entries?namespace=sa-ledger&prefix=objects/', TOKEN)).json()) as { keys: string[] };
    const response = await call(`/api/sa/cache/entry?namespace=sa-ledger&key=${encodeURIComponent(listing.keys[0]!)}`, TOKEN);
    // Assess
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(dir);
    expect((JSON.parse(text) as { object: { container: string } }).object.container).toBe('<source>');
  });

  it('answers no route with an absolute local path', async () => {
    const listing = (await (await call('/api/sa/cache/entries?namespace=sa-ledger&prefix=', TOKEN)).json()) as { keys: string[] };
    const urls = [
      '/health', '/metrics', '/api/sa/cloudfront/status', '/api/sa/cache/namespaces',
      '/api/sa/traffic/timeseries?period=hourly', '/api/sa/traffic/top-paths?period=hourly', '/api/sa/cloudfront/archive',
      ...listing.keys.map((key) => `/api/sa/cache/entry?namespace=sa-ledger&key=${encodeURIComponent(key)}`),
    ];
    for (const url of urls) {
      const response = await call(url, TOKEN, url.endsWith('/archive') ? 'POST' : 'GET');
      expect(await response.text(), url).not.toContain(dir);
    }
  });
});
