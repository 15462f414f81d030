import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { cloudfrontPipeline } from '../../../src/pipelines/cloudfront/definition.js';
import { buildApi, type ApiOptions } from '../../../src/runtime/serve/api.js';
import { StepScheduler } from '../../../src/runtime/serve/stepScheduler.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';

const TOKEN = 'unit-token-456';
const SOURCE = '/srv/letsflow/logs';
const CACHE = '/srv/letsflow/cache';
const WINDOWS_SOURCE = 'C:\\data\\logs';

const apiWith = (store: MemoryCacheStore, extra: Partial<ApiOptions> = {}): FastifyInstance =>
  buildApi({
    store,
    pipeline: cloudfrontPipeline,
    scheduler: new StepScheduler([{ name: 'ingest', everyMs: 0, run: async () => ({ ingested: 0 }) }], () => undefined),
    status: async () => ({ listed: 0, pending: 0, done: 0, quarantined: 0, events: 0, parseErrors: 0, lateEvents: 0, lagSeconds: 0 }),
    metrics: { registry: { metrics: async () => 'letsflow_up 1\n', contentType: 'text/plain' } },
    token: TOKEN,
    ...extra,
  });

describe('runtime: api access to raw data and local paths', () => {
  let store: MemoryCacheStore;
  let app: FastifyInstance;

  beforeEach(async () => {
    store = memoryCacheStore();
    // A ledger entry as a folder source writes it: the container is the absolute source folder.
    const ledger = { object: { source: 'file', container: SOURCE, key: 'a/b.gz' }, note: `copied from ${SOURCE}/a/b.gz to ${CACHE}/x`, win: `${WINDOWS_SOURCE}\\a.gz`, sibling: `${SOURCE}-old/c.gz` };
    await store.put({ namespace: 'sa-ledger', key: 'objects/abc', fileType: 'json' }, JSON.stringify(ledger, null, 2));
    await store.put({ namespace: 'sa-cloudfront-events', key: 'events/abc', fileType: 'binary' }, 'raw event bytes');
    app = apiWith(store, { redact: [{ path: SOURCE, as: '<source>' }, { path: CACHE, as: '<cache>' }, { path: WINDOWS_SOURCE, as: '<source>' }] } as Partial<ApiOptions>);
  });
  afterEach(async () => {
    await app.close();
  });

  describe.each([
    ['/api/sa/cache/entry?namespace=sa-ledger&key=objects%2Fabc'],
    ['/api/sa/cache/entry?namespace=sa-cloudfront-events&key=events%2Fabc&type=binary'],
    ['/api/sa/cache/entries?namespace=sa-ledger&prefix=objects/'],
  ])('read route %s', (url) => {
    it('refuses a request without the token with 401', async () => {
      // Act
      const none = await app.inject({ url });
      const wrong = await app.inject({ url, headers: { authorization: 'Bearer nope' } });
      // Assess
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(wrong.statusCode).toBe(401);
    });

    it('answers with the token', async () => {
      expect((await app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    });
  });

  it('refuses raw reads when no token is configured at all', async () => {
    const open = apiWith(store, { token: undefined });
    expect((await open.inject({ url: '/api/sa/cache/entry?namespace=sa-ledger&key=objects%2Fabc' })).statusCode).toBe(401);
    await open.close();
  });

  it.each([
    ['/health'],
    ['/metrics'],
    ['/api/sa/cloudfront/status'],
    ['/api/sa/cache/namespaces'],
    ['/api/sa/traffic/timeseries?period=daily&from=2026-01-01&to=2026-01-02'],
    ['/api/sa/traffic/top-paths?period=daily&from=2026-01-01&to=2026-01-02'],
    ['/api/sa/traffic/aggregate/daily/2026-01-01'],
  ])('keeps %s open', async (url) => {
    expect((await app.inject({ url })).statusCode).toBe(200);
  });

  it.each([['bearer'], ['BEARER'], ['Bearer'], ['bEaReR']])('accepts the %s scheme in any case', async (scheme) => {
    const headers = { authorization: `${scheme} ${TOKEN}` };
    expect((await app.inject({ method: 'POST', url: '/api/sa/cloudfront/ingest', headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/sa/cache/entries?namespace=sa-ledger', headers })).statusCode).toBe(200);
  });

  it.each([['Basic dXNlcjpwYXNz'], [`Bearer${TOKEN}`], [`Bearer ${TOKEN}x`], [`Bearer ${TOKEN.slice(1)}`], [TOKEN]])('still refuses %s', async (authorization) => {
    expect((await app.inject({ method: 'POST', url: '/api/sa/cloudfront/ingest', headers: { authorization } })).statusCode).toBe(401);
  });

  it('replaces the local roots in a JSON entry with placeholders', async () => {
    // Act
    const response = await app.inject({ url: '/api/sa/cache/entry?namespace=sa-ledger&key=objects%2Fabc', headers: { authorization: `Bearer ${TOKEN}` } });
    // Assess
    // The sibling folder is named on purpose, so it is taken out before looking for the root.
    const text = response.body.replaceAll(`${SOURCE}-old`, '');
    expect(text).not.toContain(SOURCE);
    expect(text).not.toContain(CACHE);
    expect(text).not.toContain('C:\\\\data');
    const doc = response.json() as { object: { container: string }; note: string; win: string; sibling: string };
    expect(doc.object.container).toBe('<source>');
    expect(doc.note).toBe('copied from <source>/a/b.gz to <cache>/x');
    expect(doc.win).toBe('<source>\\a.gz');
    // A folder that only begins like a root is another folder, and left alone.
    expect(doc.sibling).toBe(`${SOURCE}-old/c.gz`);
  });

  it('serves a binary entry byte for byte', async () => {
    const response = await app.inject({ url: '/api/sa/cache/entry?namespace=sa-cloudfront-events&key=events%2Fabc&type=binary', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.body).toBe('raw event bytes');
  });

  it('redacts local roots in error answers too', async () => {
    const failing = apiWith(store, {
      scheduler: new StepScheduler([{ name: 'ingest', everyMs: 0, run: async () => Promise.reject(new Error(`cannot read ${SOURCE}/a/b.gz`)) }], () => undefined),
      redact: [{ path: SOURCE, as: '<source>' }],
    } as Partial<ApiOptions>);
    const response = await failing.inject({ method: 'POST', url: '/api/sa/cloudfront/ingest', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain(SOURCE);
    expect((response.json() as { error: string }).error).toBe('cannot read <source>/a/b.gz');
    await failing.close();
  });

  it('answers a POST to a step that is not configured with 409 and how to configure it', async () => {
    // Act
    const response = await app.inject({ method: 'POST', url: '/api/sa/cloudfront/archive', headers: { authorization: `Bearer ${TOKEN}` } });
    // Assess
    expect(response.statusCode).toBe(409);
    const { error } = response.json() as { error: string };
    expect(error).toContain('--archive');
    expect(error).toContain('LETSFLOW_ARCHIVE');
  });
});
