import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_LIST_PRESETS, SGRAPH_27_FIELDS } from '../../../src/formats/fieldLists.js';
import {
  cloudfrontEscape,
  type DemoObjectsResult,
  type DemoRequest,
  formatRealtimeLine,
  formatStandardLines,
  generateRequests,
  STANDARD_FIELDS,
  writeDemoObjects,
  writeLogObject,
} from '../../../src/pipelines/cloudfront/demoData.js';

const START = Date.UTC(2026, 3, 20); // 2026-04-20T00:00Z
const HOUR = 3_600_000;

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'letsflow-demo-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function requests(n: number, seed = 3, startMs = START, endMs = START + 24 * HOUR): DemoRequest[] {
  return [...generateRequests({ seed, startMs, endMs, requestsPerHour: 50_000, maxRequests: n })];
}

async function gunzipLines(file: string): Promise<{ text: string; lines: string[] }> {
  const text = gunzipSync(await readFile(file)).toString('utf8');
  const lines = text.split('\n');
  lines.pop(); // the text ends with '\n'
  return { text, lines };
}

/** Key time of a Firehose key: `...-YYYY-MM-DD-HH-MM-SS-<uuid>.gz`. */
function firehoseKeyTime(key: string): number {
  const m = /-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.gz$/.exec(key);
  if (m === null) throw new Error(`not a Firehose key: ${key}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

describe('generateRequests', () => {
  it('is deterministic by seed', () => {
    // Prepare / Act
    const a = requests(500, 11);
    const b = requests(500, 11);
    const c = requests(500, 12);

    // Assess
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('keeps timestamps within the range, behind arrival, and slightly out of order', () => {
    // Prepare
    const startMs = START + 5 * HOUR + 123;
    const endMs = startMs + 2 * HOUR;

    // Act
    const rs = [...generateRequests({ seed: 5, startMs, endMs, requestsPerHour: 20_000 })];

    // Assess
    expect(rs.length).toBeGreaterThan(10_000);
    const bad = rs.filter(
      (r, i) =>
        !Number.isInteger(r.timestampMs) ||
        r.timestampMs < startMs ||
        r.timestampMs >= endMs ||
        r.timestampMs > r.arrivalMs ||
        (i > 0 && r.arrivalMs < rs[i - 1]!.arrivalMs),
    );
    expect(bad).toEqual([]);
    const outOfOrder = rs.filter((r, i) => i > 0 && r.timestampMs < rs[i - 1]!.timestampMs).length;
    expect(outOfOrder).toBeGreaterThan(rs.length * 0.05);
  });

  it('has more traffic in the afternoon (UTC) than at night', () => {
    // Prepare / Act
    const perHour = new Array<number>(24).fill(0);
    for (const r of generateRequests({ seed: 8, startMs: START, endMs: START + 24 * HOUR, requestsPerHour: 4000 })) {
      perHour[new Date(r.timestampMs).getUTCHours()]!++;
    }

    // Assess
    const afternoon = perHour[14]! + perHour[15]! + perHour[16]!;
    const night = perHour[2]! + perHour[3]! + perHour[4]!;
    expect(afternoon).toBeGreaterThan(night * 2);
    const total = perHour.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(24 * 4000 * 0.85);
    expect(total).toBeLessThan(24 * 4000 * 1.15);
  });

  it('has realistic skew and variety', () => {
    // Prepare / Act
    const rs = requests(20_000);
    const byPath = new Map<string, number>();
    for (const r of rs) byPath.set(r.path, (byPath.get(r.path) ?? 0) + 1);
    const statuses = new Set(rs.map((r) => r.status));
    const resultTypes = new Set(rs.map((r) => r.resultType));
    const edges = new Set(rs.map((r) => r.edge));
    const agents = new Set(rs.map((r) => r.userAgent));
    const ranked = [...byPath.values()].sort((a, b) => b - a);

    // Assess
    expect(byPath.size).toBeGreaterThan(150);
    expect(ranked[0]! / rs.length).toBeGreaterThan(0.08);
    expect(ranked.slice(0, 10).reduce((a, b) => a + b, 0) / rs.length).toBeGreaterThan(0.35);
    for (const s of [200, 304, 206, 301, 404, 403, 500, 503, 0]) expect(statuses).toContain(s);
    expect(rs.filter((r) => r.status === 200).length / rs.length).toBeGreaterThan(0.6);
    for (const t of ['Hit', 'Miss', 'RefreshHit', 'Error', 'FunctionGeneratedResponse', 'Redirect']) expect(resultTypes).toContain(t);
    expect(edges.size).toBeGreaterThanOrEqual(6);
    expect(edges.size).toBeLessThanOrEqual(10);
    expect(agents.size).toBeGreaterThan(20);
    const hits = rs.filter((r) => r.resultType === 'Hit');
    const misses = rs.filter((r) => r.responseResultType === 'Miss');
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(misses.map((r) => r.ttfb))).toBeGreaterThan(median(hits.map((r) => r.ttfb)));
    expect(Math.max(...rs.map((r) => r.timeTaken))).toBeGreaterThan(1); // long tail
    for (const r of rs) expect(r.timeTaken).toBeGreaterThanOrEqual(r.ttfb);
  });
});

describe('cloudfrontEscape', () => {
  it('encodes like CloudFront: space as %20, % once, + literal, UTF-8 bytes', () => {
    // Prepare
    const cases: [string, string][] = [
      ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Mozilla/5.0%20(compatible;%20Googlebot/2.1;%20+http://www.google.com/bot.html)'],
      ['url=http%3A%2F%2Fx', 'url=http%253A%252F%252Fx'],
      ['a\tb\nc"d#e<f>g{h}i|j\\k^l~m[n]o`p\'q', 'a%09b%0Ac%22d%23e%3Cf%3Eg%7Bh%7Di%7Cj%5Ck%5El%7Em%5Bn%5Do%60p%27q'],
      ['text/html,*/*;q=0.8', 'text/html,*/*;q=0.8'],
      ['Bücher 😀', 'B%C3%BCcher%20%F0%9F%98%80'],
      ['', '-'],
    ];

    // Act / Assess
    for (const [input, expected] of cases) expect(cloudfrontEscape(input)).toBe(expected);
  });
});

describe('formatRealtimeLine', () => {
  it('writes exactly fields.length non-empty ASCII columns for every preset', () => {
    // Prepare
    const rs = requests(5000);

    for (const [name, fields] of Object.entries(FIELD_LIST_PRESETS)) {
      // Act
      const lines = rs.map((r) => formatRealtimeLine(r, fields));

      // Assess
      const bad = lines.filter((line) => {
        const columns = line.split('\t');
        return columns.length !== fields.length || columns.some((c) => c === '' || /[\s"\x7f-\uffff]/.test(c));
      });
      expect(bad, name).toEqual([]);
    }
  });

  it('writes plausible values in CloudFront formats', () => {
    // Prepare
    const fields = SGRAPH_27_FIELDS;
    const col = (name: string): number => fields.indexOf(name as (typeof fields)[number]);
    const rs = requests(3000);

    // Act
    const rows = rs.map((r) => ({ r, c: formatRealtimeLine(r, fields).split('\t') }));

    // Assess
    for (const { r, c } of rows) {
      expect(c[col('timestamp')]).toMatch(/^\d{10}\.\d{3}$/);
      expect(Math.round(Number(c[col('timestamp')]) * 1000)).toBe(r.timestampMs);
      expect(c[col('time-taken')]).toMatch(/^\d+\.\d{3}$/);
      expect(c[col('time-to-first-byte')]).toMatch(/^\d+\.\d{3}$/);
      expect(c[col('sc-status')]).toMatch(/^\d{3}$/);
      expect(c[col('x-edge-request-id')]).toMatch(/^[A-Za-z0-9_-]{54}==$/);
      expect(c[col('x-edge-location')]).toMatch(/^[A-Z]{3}\d{1,2}-[CP]\d$/);
      const stem = c[col('cs-uri-stem')]!;
      const query = c[col('cs-uri-query')]!;
      if (r.query === '') {
        expect(query).toBe('-');
        expect(stem).not.toContain('?');
      } else {
        expect(stem).toBe(`${cloudfrontEscape(r.path)}?${query}`);
      }
    }
    const zero = rows.find(({ r }) => r.status === 0);
    expect(zero?.c[col('sc-status')]).toBe('000');
    const noOrigin = rows.find(({ r }) => r.originFbl === null);
    expect(noOrigin?.c[col('origin-fbl')]).toBe('-');
  });

  it("keeps '+' in user agents literal and writes spaces as %20", () => {
    // Prepare
    const rs = requests(20_000);
    const bot = rs.find((r) => r.userAgent === 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
    expect(bot).toBeDefined();

    // Act
    const ua = formatRealtimeLine(bot!, ['cs-user-agent']);

    // Assess
    expect(ua).toBe('Mozilla/5.0%20(compatible;%20Googlebot/2.1;%20+http://www.google.com/bot.html)');
  });

  it('writes the client-sent escapes encoded once more, like CloudFront', () => {
    // Prepare
    const rs = requests(20_000);
    const pixel = rs.find((r) => r.path === '/i' && r.query.includes('%2F'));
    expect(pixel).toBeDefined();

    // Act
    const stem = formatRealtimeLine(pixel!, ['cs-uri-stem']);

    // Assess
    expect(stem).toMatch(/^\/i\?stm=\d+&e=pv&url=https%253A%252F%252F/);
  });

  it("writes '-' for unknown fields", () => {
    // Prepare
    const [r] = requests(1);

    // Act
    const line = formatRealtimeLine(r!, ['timestamp', 'viewer-request-log-data', 'sc-status']);

    // Assess
    expect(line.split('\t')[1]).toBe('-');
  });
});

describe('formatStandardLines', () => {
  it('writes the #Version/#Fields header and 33 columns with UTC date and time', () => {
    // Prepare
    const rs = requests(2000);

    // Act
    const lines = formatStandardLines(rs);

    // Assess
    expect(lines[0]).toBe('#Version: 1.0');
    expect(lines[1]).toBe(`#Fields: ${STANDARD_FIELDS.join(' ')}`);
    expect(STANDARD_FIELDS).toHaveLength(33);
    expect(lines).toHaveLength(rs.length + 2);
    lines.slice(2).forEach((line, i) => {
      const c = line.split('\t');
      const r = rs[i]!;
      expect(c).toHaveLength(33);
      const iso = new Date(r.timestampMs).toISOString();
      expect(c[0]).toBe(iso.slice(0, 10));
      expect(c[1]).toBe(iso.slice(11, 19));
      expect(c[6]).toBe(r.distributionHost); // cs(Host): the distribution
      expect(c[15]).toBe(r.host); // x-host-header: what the viewer sent
      expect(c[7]).toBe(cloudfrontEscape(r.path));
      expect(c[7]).not.toContain('?');
      expect(c[11]).toBe(cloudfrontEscape(r.query));
    });
  });
});

describe('writeDemoObjects (realtime)', () => {
  let result: DemoObjectsResult;
  const options = { seed: 42, startMs: START + 13 * HOUR + 10 * 60_000, days: 2.5 / 24, requestsPerHour: 6000 } as const;

  beforeAll(async () => {
    result = await writeDemoObjects({ ...options, dir: path.join(tmp, 'rt-a') });
  });

  it('is byte-for-byte deterministic by seed', async () => {
    // Prepare / Act
    const again = await writeDemoObjects({ ...options, dir: path.join(tmp, 'rt-b') });
    const other = await writeDemoObjects({ ...options, seed: 43, dir: path.join(tmp, 'rt-c') });

    // Assess
    expect(again.objects.map((o) => o.key)).toEqual(result.objects.map((o) => o.key));
    for (let i = 0; i < result.files.length; i++) {
      expect((await readFile(again.files[i]!)).equals(await readFile(result.files[i]!))).toBe(true);
    }
    expect(other.objects.map((o) => o.key)).not.toEqual(result.objects.map((o) => o.key));
    expect((await readFile(other.files[0]!)).equals(await readFile(result.files[0]!))).toBe(false);
  });

  it('names objects like Firehose, one per ~5-minute buffer', () => {
    // Assess
    expect(result.objects.length).toBeGreaterThanOrEqual(28);
    expect(result.objects.length).toBeLessThanOrEqual(34);
    for (const o of result.objects) {
      expect(o.key).toMatch(/^cloudfront-realtime\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/letsflow-demo-cf-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/);
      expect(o.file).toBe(path.join(tmp, 'rt-a', ...o.key.split('/')));
      expect(o.maxTimestampMs - o.minTimestampMs).toBeLessThan(6 * 60_000);
    }
  });

  it('gunzips each object to exactly the promised lines, each ending in \\n', async () => {
    let total = 0;
    for (const o of result.objects) {
      // Act
      const { text, lines } = await gunzipLines(o.file);

      // Assess
      expect(text.endsWith('\n')).toBe(true);
      expect(lines).toHaveLength(o.lines);
      for (const line of lines) expect(line.split('\t')).toHaveLength(SGRAPH_27_FIELDS.length);
      total += lines.length;
    }
    expect(total).toBe(result.lines);
    expect(result.events).toBe(result.lines);
  });

  it('dates keys by arrival: seconds to ~2 minutes after the newest event of the object', async () => {
    let straddling = 0;
    for (const o of result.objects) {
      // Prepare
      const keyTime = firehoseKeyTime(o.key);
      const { lines } = await gunzipLines(o.file);
      const times = lines.map((l) => Math.round(Number(l.slice(0, l.indexOf('\t'))) * 1000));
      const newest = Math.max(...times);
      const oldest = Math.min(...times);

      // Assess
      expect(keyTime).toBe(o.keyTimeMs);
      expect(newest).toBe(o.maxTimestampMs);
      expect(keyTime).toBeGreaterThanOrEqual(newest + 3000);
      expect(keyTime).toBeLessThanOrEqual(newest + 121_000);
      const hh = new Date(keyTime).toISOString().slice(0, 13).replace(/[-T]/g, '/');
      expect(o.key.startsWith(`cloudfront-realtime/${hh}/`)).toBe(true);
      const windowStart = Math.floor(keyTime / 1_800_000) * 1_800_000;
      if (oldest < windowStart) straddling++;
    }
    expect(straddling).toBeGreaterThan(0);
  });

  it('takes a preset name or a field list', async () => {
    // Act
    const canonical = await writeDemoObjects({ ...options, days: 0.5 / 24, fields: 'aws-canonical', dir: path.join(tmp, 'rt-d') });
    const custom = await writeDemoObjects({ ...options, days: 0.5 / 24, fields: ['timestamp', 'sc-status'], dir: path.join(tmp, 'rt-e') });

    // Assess
    const [a] = (await gunzipLines(canonical.files[0]!)).lines;
    const [b] = (await gunzipLines(custom.files[0]!)).lines;
    expect(a!.split('\t')).toHaveLength(FIELD_LIST_PRESETS['aws-canonical']!.length);
    expect(b).toMatch(/^\d{10}\.\d{3}\t\d{3}$/);
    await expect(writeDemoObjects({ ...options, fields: 'no-such-preset', dir: path.join(tmp, 'rt-f') })).rejects.toThrow(/unknown field list preset/);
  });
});

describe('writeDemoObjects (standard)', () => {
  it('writes standard-log files named for the event hour, with headers and 33 columns', async () => {
    // Prepare / Act
    const result = await writeDemoObjects({ seed: 9, startMs: START + 10 * HOUR, days: 3 / 24, requestsPerHour: 3000, format: 'standard', dir: path.join(tmp, 'std') });

    // Assess
    expect(result.objects.length).toBeGreaterThanOrEqual(9);
    let events = 0;
    for (const o of result.objects) {
      const m = /^cloudfront-standard\/E2DEM01ETSF10W\.(\d{4})-(\d{2})-(\d{2})-(\d{2})\.[0-9a-z]{8}\.gz$/.exec(o.key);
      expect(m, o.key).not.toBeNull();
      const hour = Date.UTC(+m![1]!, +m![2]! - 1, +m![3]!, +m![4]!);
      const { lines } = await gunzipLines(o.file);
      expect(lines).toHaveLength(o.lines);
      expect(lines[0]).toBe('#Version: 1.0');
      expect(lines[1]).toBe(`#Fields: ${STANDARD_FIELDS.join(' ')}`);
      for (const line of lines.slice(2)) {
        const c = line.split('\t');
        expect(c).toHaveLength(33);
        const t = Date.parse(`${c[0]}T${c[1]}Z`);
        expect(t).toBeGreaterThanOrEqual(hour);
        expect(t).toBeLessThan(hour + HOUR);
      }
      events += lines.length - 2;
    }
    expect(events).toBe(result.events);
    expect(result.lines).toBe(result.events + 2 * result.objects.length);
  });
});

describe('writeLogObject', () => {
  it('streams many chunks into one gzip object without losing or splitting lines', async () => {
    // Prepare
    const file = path.join(tmp, 'big', 'object.gz');
    const rs = requests(20_000);

    // Act
    const written = await writeLogObject(file, rs, 'sgraph-live-26', 'realtime', { gzipLevel: 1, chunkBytes: 8192 });

    // Assess
    const { text, lines } = await gunzipLines(file);
    expect(written.lines).toBe(20_000);
    expect(written.events).toBe(20_000);
    expect(written.bytes).toBe(Buffer.byteLength(text));
    expect(lines).toEqual(rs.map((r) => formatRealtimeLine(r, FIELD_LIST_PRESETS['sgraph-live-26']!)));
  });

  it('writes the standard header first', async () => {
    // Prepare
    const file = path.join(tmp, 'big', 'standard.gz');
    const rs = requests(100);

    // Act
    const written = await writeLogObject(file, rs, undefined, 'standard');

    // Assess
    const { lines } = await gunzipLines(file);
    expect(written.lines).toBe(102);
    expect(lines).toEqual(formatStandardLines(rs));
  });
});
