import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stepContextFor } from '../../../src/engine/definition.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { cloudfrontPipeline } from '../../../src/pipelines/cloudfront/definition.js';
import { resetVisitorSalt, VISITOR_SALT_ENV } from '../../../src/pipelines/cloudfront/visitorSalt.js';
import { main } from '../../../src/runtime/cli/main.js';
import { loadAggregates, renderReport, reportBound, reportJson, reportSections } from '../../../src/runtime/cli/report.js';
import { buildApi } from '../../../src/runtime/serve/api.js';
import { StepScheduler } from '../../../src/runtime/serve/stepScheduler.js';
import { fsCacheStore } from '../../../src/sinks/fsCacheStore.js';
import type { CacheStore } from '../../../src/sinks/cacheStore.js';
import { localObjects } from '../../../src/sources/localObjects.js';
import { TEST_NOW, testFinality } from '../../helpers/factories.js';

const FIELDS = ['timestamp', 'c-ip', 'sc-status', 'sc-bytes', 'cs-uri-stem', 'cs-user-agent', 'cs-referer', 'c-country', 'time-to-first-byte', 'time-taken'];
const DAY1 = Date.parse('2026-02-14T00:00:00Z');
const DAY2 = Date.parse('2026-02-15T00:00:00Z');
const CHROME = 'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/29.0.1547.62 Safari/537.36';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

interface Row {
  readonly at: number;
  readonly ip: string;
  readonly status: number;
  readonly path: string;
  readonly agent: string;
  readonly referer: string;
  readonly country: string;
}

/** Day one: 60 requests, 12 of them 404 on /missing and 6 on /old; day two: 30 requests, 5 of them 404 on /gone. */
const ROWS: Row[] = [
  ...Array.from({ length: 60 }, (_, i): Row => ({
    at: DAY1 + i * 60_000, ip: `192.0.2.${i % 10}`, status: i % 5 === 0 ? 404 : i % 10 === 1 ? 404 : 200,
    path: i % 5 === 0 ? '/missing' : i % 10 === 1 ? '/old' : '/', agent: i % 3 === 0 ? BOT : CHROME, referer: i % 2 === 0 ? 'https://www.google.com/search?q=x' : '-', country: i % 4 === 0 ? 'DE' : 'US',
  })),
  ...Array.from({ length: 30 }, (_, i): Row => ({
    at: DAY2 + i * 60_000, ip: `198.51.100.${i % 3}`, status: i % 6 === 0 ? 404 : 200, path: i % 6 === 0 ? '/gone' : '/', agent: CHROME, referer: 'https://t.co/abc', country: 'JP',
  })),
];

const count = (rows: readonly Row[], keep: (r: Row) => boolean): number => rows.filter(keep).length;

describe('runtime: traffic report and breakdown API', () => {
  let dir: string;
  let cache: string;
  let store: CacheStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    process.env[VISITOR_SALT_ENV] = 'ffeeddccbbaa99887766554433221100';
    resetVisitorSalt();
    dir = await mkdtemp(join(tmpdir(), 'letsflow-traffic-report-'));
    cache = join(dir, 'cache');
    await mkdir(join(dir, 'logs'));
    const line = (r: Row): string => [(r.at / 1000).toFixed(3), r.ip, r.status, 100, r.path, encodeURIComponent(r.agent), r.referer, r.country, '0.010', '0.020'].join('\t');
    await writeFile(join(dir, 'logs', 'rt.gz'), gzipSync(`${ROWS.map(line).join('\n')}\n`));
    store = fsCacheStore({ root: cache });
    await runPipeline(await localObjects(join(dir, 'logs')), stepContextFor(cloudfrontPipeline, store, { clock: () => TEST_NOW, keepRaw: false, finality: testFinality(), formatOptions: { keepClientIp: false, fields: FIELDS } }));
    app = buildApi({
      store,
      pipeline: cloudfrontPipeline,
      scheduler: new StepScheduler([], () => undefined),
      status: async () => ({ listed: 0, pending: 0, done: 0, quarantined: 0, events: 0, parseErrors: 0, lateEvents: 0, lagSeconds: 0 }),
      metrics: { registry: { metrics: async () => '', contentType: 'text/plain' } },
      token: undefined,
    });
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a breakdown over a range, merged from its windows, equal to a direct count', async () => {
    // Act
    const all = (await app.inject({ url: '/api/sa/traffic/breakdown?dimension=404s&period=daily' })).json();
    const day1 = (await app.inject({ url: '/api/sa/cloudfront/breakdown?dimension=paths_404&period=hourly&from=2026-02-14-00&to=2026-02-14-23' })).json();
    // Assess
    expect(all.windows).toBe(2);
    expect(all.requests).toBe(ROWS.length);
    expect(all.items).toEqual([
      { key: '/missing', count: count(ROWS, (r) => r.path === '/missing'), bytes: 100 * count(ROWS, (r) => r.path === '/missing') },
      { key: '/old', count: 6, bytes: 600 },
      { key: '/gone', count: 5, bytes: 500 },
    ]);
    expect(all.other).toEqual({ count: 0, bytes: 0 });
    expect(all.error).toBe(0);
    expect(day1.windows).toBe(1);
    expect(day1.items.map((i: { key: string }) => i.key)).toEqual(['/missing', '/old']);
    expect(day1.unique_visitors).toBe(10 * 2);
  });

  it('answers referrers, countries, bots and browsers with limit, other adding up', async () => {
    const referrers = (await app.inject({ url: '/api/sa/traffic/breakdown?dimension=referrers&period=daily' })).json();
    expect(referrers.items).toEqual([{ key: 't.co', count: 30, bytes: 3000 }, { key: 'www.google.com', count: 30, bytes: 3000 }]);
    const countries = (await app.inject({ url: '/api/sa/traffic/breakdown?dimension=countries&period=daily&limit=1' })).json();
    expect(countries.items).toEqual([{ key: 'US', count: count(ROWS, (r) => r.country === 'US'), bytes: 100 * count(ROWS, (r) => r.country === 'US') }]);
    expect(countries.items[0].count + countries.other.count).toBe(ROWS.length);
    const bots = (await app.inject({ url: '/api/sa/traffic/breakdown?dimension=agent_classes&period=daily' })).json();
    expect(bots.items).toEqual([{ key: 'human', count: 70, bytes: 7000 }, { key: 'bot', count: 20, bytes: 2000 }]);
    const browsers = (await app.inject({ url: '/api/sa/traffic/breakdown?dimension=browsers&period=monthly' })).json();
    expect(browsers.items.map((i: { key: string }) => i.key)).toEqual(['Chrome 29', 'Googlebot 2']);
  });

  it('refuses an unknown dimension or a bad range with 400', async () => {
    expect((await app.inject({ url: '/api/sa/traffic/breakdown?dimension=planets&period=daily' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/sa/traffic/breakdown?period=daily' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/sa/traffic/breakdown?dimension=browsers&period=daily&from=2026-02-15&to=2026-02-14' })).statusCode).toBe(400);
  });

  it('reports the sections asked for, over --from/--to, with visitors, p99 and TTFB', async () => {
    // Prepare
    const docs = await loadAggregates(store, cloudfrontPipeline, 'daily', { from: reportBound('from', '2026-02-15', 'daily') });
    // Act
    const text = renderReport(cloudfrontPipeline, docs, { period: 'daily', top: 5, sections: reportSections(['404s', 'countries']) });
    // Assess
    expect(docs.map((d) => d.time_key)).toEqual(['2026-02-15']);
    expect(text).toContain('p99 ms');
    expect(text).toContain('ttfb p50');
    expect(text).toMatch(/Unique visitors ~3 /);
    expect(text).toMatch(/Top 5 not-found paths \(404\)\n {2}\/gone +5 +100\.0%/);
    expect(text).toMatch(/Top 5 countries\n {2}JP +30 +100\.0%/);
    expect(text).not.toContain('/missing');
  });

  it('gives the whole window documents and their merged figures as JSON', async () => {
    const docs = await loadAggregates(store, cloudfrontPipeline, 'daily');
    const json = JSON.parse(reportJson(cloudfrontPipeline, docs, { period: 'daily' }));
    expect(json.windows).toHaveLength(2);
    expect(json.windows[0].summary.breakdowns.paths_404).toBeDefined();
    expect(json.total.total_requests).toBe(ROWS.length);
    expect(json.total.breakdowns.paths_404.top).toEqual({ '/missing': 12, '/old': 6, '/gone': 5 });
  });

  it('reads --from/--to as time keys or ISO times, and names the sections it knows when one is wrong', () => {
    expect(reportBound('from', '2026-02-14', 'daily')).toBe(DAY1);
    expect(reportBound('from', '2026-02-14T13:45', 'hourly')).toBe(DAY1 + 13 * 3_600_000);
    expect(reportBound('to', '2026-02-14T13:45:00+01:00', 'hourly')).toBe(DAY1 + 12 * 3_600_000);
    expect(() => reportBound('from', 'yesterdayish', 'daily')).toThrow(/--from must be/);
    expect(() => reportSections(['browsers', 'planets'])).toThrow(/'planets' is not a section: use 404s/);
  });

  it('runs `letsflow report --json --from --to --section` from the command line', async () => {
    // Prepare
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      // Act
      const json = await main(['report', '--cache', cache, '--period', 'daily', '--from', '2026-02-14', '--to', '2026-02-14', '--json']);
      const text = await main(['report', '--cache', cache, '--section', 'referrers,bots', '--top', '3']);
      const bad = await main(['report', '--cache', cache, '--section', 'nope']);
      // Assess
      expect([json, text, bad]).toEqual([0, 0, 2]);
    } finally {
      spy.mockRestore();
    }
    const parsed = JSON.parse(written[0]!);
    expect(parsed.windows.map((w: { time_key: string }) => w.time_key)).toEqual(['2026-02-14']);
    expect(written[1]).toContain('Top 3 referring sites');
    expect(written[1]).toContain('Top 3 bots and humans');
  });
});
