import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateDistinct } from '../../src/core/distinctSketch.js';
import { stepContextFor } from '../../src/engine/definition.js';
import { AggregateDocSchema } from '../../src/engine/documents.js';
import { runPipeline } from '../../src/engine/runPipeline.js';
import { cloudfrontPipeline } from '../../src/pipelines/cloudfront/definition.js';
import { summaryFromJson } from '../../src/pipelines/cloudfront/trafficSummary.js';
import { resetVisitorSalt, VISITOR_SALT_ENV, VISITOR_SALT_FILE_ENV } from '../../src/pipelines/cloudfront/visitorSalt.js';
import { fsCacheStore } from '../../src/sinks/fsCacheStore.js';
import { localObjects } from '../../src/sources/localObjects.js';
import { TEST_NOW, testFinality } from '../helpers/factories.js';

/** Viewer addresses the logs hold, IPv4 and IPv6, in `c-ip` and `x-forwarded-for`. */
const VIEWER_IPS = ['198.51.100.23', '203.0.113.77', '192.0.2.146', '2001:db8:85a3::8a2e:370:7334'];
const PROXY_IP = '100.64.12.34';
const FIELDS = ['timestamp', 'c-ip', 'sc-status', 'sc-bytes', 'cs-uri-stem', 'cs-user-agent', 'cs-referer', 'x-forwarded-for', 'x-edge-location', 'c-country'];
const AGENTS = ['Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/29.0.1547.62 Safari/537.36', 'curl/8.4.0'];
const START = Date.parse('2026-02-14T00:00:00Z');

/** The packed bytes of an address (4 or 16), for searching binary-derived forms. */
function packed(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** Every form of an address a stored document could hold it in: as text, URL-encoded, hex and base64 of text and of its bytes. */
function formsOf(ip: string): string[] {
  const text = Buffer.from(ip);
  const bytes = packed(ip);
  return [
    ip, encodeURIComponent(ip), ip.replaceAll(':', '%3A'),
    text.toString('hex'), text.toString('base64'), text.toString('base64url'),
    bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'),
  ];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A file's text, gunzipped when it is gzip. */
async function textOf(file: string): Promise<string> {
  const body = await readFile(file);
  return (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('latin1');
}

describe('e2e: no stored document holds a viewer IP or a reversible form of one', () => {
  let dir: string;
  let logs: string;
  let saltFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-privacy-'));
    logs = join(dir, 'logs');
    saltFile = join(dir, 'config', 'visitor-salt');
    await mkdir(logs, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const ip = VIEWER_IPS[i % VIEWER_IPS.length]!;
      const agent = AGENTS[i % 3 === 0 ? 1 : 0]!;
      const status = i % 7 === 0 ? 404 : 200;
      lines.push([((START + i * 9_000) / 1000).toFixed(3), ip, status, 1000 + i, `/page/${i % 5}`, encodeURIComponent(agent), 'https://www.google.com/', `${ip},${PROXY_IP}`, 'LHR61-P1', 'GB'].join('\t'));
    }
    await writeFile(join(logs, 'realtime-2026-02-14.gz'), gzipSync(`${lines.join('\n')}\n`));
    delete process.env[VISITOR_SALT_ENV];
    process.env[VISITOR_SALT_FILE_ENV] = saltFile;
    resetVisitorSalt();
  });
  afterAll(async () => {
    delete process.env[VISITOR_SALT_FILE_ENV];
    resetVisitorSalt();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['with raw events kept', true],
    ['with --no-raw', false],
  ])('%s', async (_name, keepRaw) => {
    // Prepare
    const cache = join(dir, `cache-${keepRaw}`);
    const ctx = stepContextFor(cloudfrontPipeline, fsCacheStore({ root: cache }), {
      clock: () => TEST_NOW, keepRaw, finality: testFinality(), formatOptions: { keepClientIp: false, fields: FIELDS },
    });
    // Act
    const outcome = await runPipeline(await localObjects(logs), ctx);
    // Assess: the run counted visitors (4 IPs × 2 agents), from IPs it read
    expect(outcome.failed).toEqual([]);
    expect(outcome.quarantined).toEqual([]);
    expect(outcome.parseErrors).toBe(0);
    const files = await filesUnder(cache);
    const daily = files.find((f) => f.includes('/daily/') && f.endsWith('.json'))!;
    const summary = summaryFromJson(AggregateDocSchema.parse(JSON.parse(await readFile(daily, 'utf8'))).summary);
    expect(summary.requests).toBe(400);
    expect(estimateDistinct(summary.visitors)).toBe(VIEWER_IPS.length * AGENTS.length);
    expect(summary.breakdowns.countries.keys.get('GB')?.count).toBe(400);
    if (keepRaw) expect(files.some((f) => f.includes('sa-cloudfront-raw'))).toBe(true);
    // …and no file written, raw or aggregate, ledger or error, holds any form of any address
    for (const file of files) {
      const text = await textOf(file);
      for (const ip of [...VIEWER_IPS, PROXY_IP]) for (const form of formsOf(ip)) expect(text.includes(form), `${file} holds ${form} (${ip})`).toBe(false);
    }
    // The salt lives outside the cache, created once.
    expect(existsSync(saltFile)).toBe(true);
    expect(files.some((f) => f.includes('visitor-salt'))).toBe(false);
  });
});
