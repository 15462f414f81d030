// The S3 server access log demo generator (src/pipelines/s3access/demo/), checked by plain token
// inspection of its lines, never by the parser it is test data for: determinism by seed, the
// field counts and quirks of formats.md §3 and §5.3, and S3's key naming (§3.3).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/runtime/cli/main.js';
import { accessLogKey, ACCESS_LOG_KEY_SUFFIX } from '../../../src/pipelines/s3access/demo/accessLogKey.js';
import { accessLogSourcesFor } from '../../../src/pipelines/s3access/demo/accessLogSourcesFor.js';
import { accessTime } from '../../../src/pipelines/s3access/demo/accessTime.js';
import { generateAccessLines, type AccessLogEntry } from '../../../src/pipelines/s3access/demo/generateAccessLines.js';
import { logKeyField, requestPath } from '../../../src/pipelines/s3access/demo/s3KeyEncoding.js';
import { writeAccessLogObjects, type DemoAccessObjectsResult } from '../../../src/pipelines/s3access/demo/writeAccessLogObjects.js';
import { mulberry32 } from '../../../src/pipelines/cloudfront/demo/random.js';

const START = Date.UTC(2026, 3, 20);
const OAI = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ';
const KEY = /^(transfers-bucket|cache-bucket)\/(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9A-F]{16}$/;

/**
 * The logical fields of one line, by hand: space-separated tokens, except that `[…]` (the time)
 * and `"…"` (URI, referer, user agent) are one field each, and the CloudFront OAI requester
 * keeps its spaces. The demo writes no quote inside a quoted field, so the first closing quote
 * ends it. A trailing space is not a field.
 */
function fields(line: string): string[] {
  const out: string[] = [];
  let at = 0;
  const body = line.endsWith(' ') ? line.slice(0, -1) : line;
  while (at < body.length) {
    let end: number;
    if (body[at] === '[') end = body.indexOf(']', at) + 1;
    else if (body[at] === '"') end = body.indexOf('"', at + 1) + 1;
    else if (out.length === 4 && body.startsWith(OAI, at)) end = body.indexOf(' ', at + OAI.length);
    else end = body.indexOf(' ', at);
    if (end <= 0) end = body.length;
    out.push(body.slice(at, end));
    at = end + 1;
  }
  return out;
}

const lines = (n: number, source: 'transfers' | 'cache', seed = 5): AccessLogEntry[] =>
  [...generateAccessLines({ source, seed, startMs: START, requestsPerHour: 20_000, maxLines: n })];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')).sort();
}

async function digestTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await filesUnder(dir)) out[key] = createHash('sha256').update(await readFile(path.join(dir, key))).digest('hex');
  return out;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'letsflow-s3demo-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('s3access demo: determinism', () => {
  it('writes byte-identical objects under identical keys for the same seed', async () => {
    // Prepare
    const options = { seed: 9, days: 0.25, requestsPerHour: 1_500 };

    // Act
    const a = await writeAccessLogObjects({ ...options, dir: path.join(tmp, 'a') });
    const b = await writeAccessLogObjects({ ...options, dir: path.join(tmp, 'b') });

    // Assess
    expect(a.objects.length).toBeGreaterThan(20);
    const da = await digestTree(path.join(tmp, 'a'));
    expect(Object.keys(da)).toEqual(a.objects.map((o) => o.key).sort());
    expect(await digestTree(path.join(tmp, 'b'))).toEqual(da);
    expect(b.lines).toBe(a.lines);
  });

  it('gives another seed other traffic, and the two buckets different lines', async () => {
    const one = await writeAccessLogObjects({ seed: 9, days: 0.05, dir: path.join(tmp, 'c'), sources: ['transfers'] });
    const other = await writeAccessLogObjects({ seed: 10, days: 0.05, dir: path.join(tmp, 'd'), sources: ['transfers'] });
    expect(other.objects.map((o) => o.key)).not.toEqual(one.objects.map((o) => o.key));
    const transfers = lines(200, 'transfers').map((e) => e.line);
    const cache = lines(200, 'cache').map((e) => e.line);
    expect(transfers).toEqual(lines(200, 'transfers').map((e) => e.line));
    expect(transfers.filter((l) => cache.includes(l))).toEqual([]);
  });
});

describe('s3access demo: objects and keys', () => {
  let result: DemoAccessObjectsResult;
  const dir = (): string => path.join(tmp, 'keys');
  beforeAll(async () => {
    result = await writeAccessLogObjects({ seed: 3, days: 1, requestsPerHour: 400, dir: dir() });
  });

  it('names objects <prefix>YYYY-mm-DD-HH-MM-SS-<16 upper hex> under both prefixes, by delivery time', () => {
    const prefixes = new Set<string>();
    for (const o of result.objects) {
      const m = KEY.exec(o.key);
      expect(m, o.key).not.toBeNull();
      prefixes.add(m![1]!);
      const [, , Y, M, D, h, mi, s] = m!.map(Number) as number[];
      const keyMs = Date.UTC(Y!, M! - 1, D!, h!, mi!, s!);
      expect(keyMs).toBe(o.deliveredMs);
      // Delivered after the newest record it holds (S3 names the object when it delivers it).
      expect(keyMs).toBeGreaterThan(o.maxTimeMs);
      expect(ACCESS_LOG_KEY_SUFFIX.test(o.key)).toBe(true);
    }
    expect([...prefixes].sort()).toEqual(['cache-bucket', 'transfers-bucket']);
    expect(new Set(result.objects.map((o) => o.key)).size).toBe(result.objects.length);
  });

  it('writes plain text (no gzip magic, no .gz), every line ending in a newline, lines as counted', async () => {
    let total = 0;
    for (const o of result.objects) {
      const bytes = await readFile(o.file);
      expect([bytes[0], bytes[1]]).not.toEqual([0x1f, 0x8b]);
      expect(o.key.endsWith('.gz')).toBe(false);
      expect(bytes.at(-1)).toBe(0x0a);
      const text = bytes.toString('utf8');
      expect(text.split('\n').length - 1).toBe(o.lines);
      expect(bytes.length).toBe(o.bytes);
      total += o.lines;
    }
    expect(total).toBe(result.lines);
  });

  it('keeps each bucket in its own prefix (field 2 names the bucket the key prefix stands for)', async () => {
    for (const o of result.objects.slice(0, 40)) {
      const text = await readFile(o.file, 'utf8');
      const bucket = o.key.startsWith('transfers-bucket/') ? 'letsflow-demo-transfers' : 'letsflow-demo-cache';
      for (const line of text.split('\n').slice(0, -1)) expect(fields(line)[1]).toBe(bucket);
    }
  });

  it('counts delivery repeats per object: byte-identical to another line of the same object', async () => {
    let repeats = 0;
    for (const o of result.objects) {
      const seen = new Set<string>();
      let here = 0;
      for (const line of (await readFile(o.file, 'utf8')).split('\n').slice(0, -1)) {
        if (seen.has(line)) here++;
        seen.add(line);
      }
      // A straggler original can sit in a later object than its repeat: at most that many fewer.
      expect(here).toBeLessThanOrEqual(o.duplicates);
      repeats += here;
    }
    expect(result.duplicates).toBeGreaterThan(0);
    expect(repeats).toBeGreaterThanOrEqual(result.duplicates * 0.8);
  });
});

describe('s3access demo: record format (token inspection)', () => {
  const streams = [lines(20_000, 'transfers'), lines(8_000, 'cache')];
  const sample = streams.flat();
  const parsed = sample.map((e) => ({ ...e, f: fields(e.line) }));
  const byOp = (op: string) => parsed.filter((p) => p.f[6] === op);
  /** Operations logged under each request id. */
  const opsById = new Map<string, string[]>();
  for (const p of parsed) opsById.set(p.f[5]!, [...(opsById.get(p.f[5]!) ?? []), p.f[6]!]);
  /** maxLines can cut a request's records short at the very end of a stream. */
  const lastLines = new Set(streams.map((s) => s.at(-1)!.line));

  it('writes 24 to 27 logical fields, every count present', () => {
    const counts = new Map<number, number>();
    for (const p of parsed) counts.set(p.f.length, (counts.get(p.f.length) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([24, 25, 26, 27]);
    expect(counts.get(27)!).toBeGreaterThan(parsed.length / 2);
  });

  it('fills the fixed fields in their formats', () => {
    for (const { f, timeMs } of parsed) {
      expect(f[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(f[2]).toBe(accessTime(timeMs));
      expect(f[2]).toMatch(/^\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\]$/);
      expect(f[3]).toMatch(/^(-|\d+\.\d+\.\d+\.\d+|[0-9a-f:]+)$/);
      expect(f[5]).toMatch(/^[0-9A-F]{16}$/);
      expect(f[6]).toMatch(/^(REST|S3|BATCH)\.[A-Z_]+\.[A-Z_]+$/);
      expect(f[8]).toMatch(/^(-|"-"|"(GET|PUT|HEAD|POST|DELETE) \/\S* HTTP\/1\.1")$/);
      expect(f[9]).toMatch(/^(\d{3}|-)$/);
      for (const n of [11, 12, 13, 14]) expect(f[n]).toMatch(/^(\d+|-)$/);
      expect(f[18]).toMatch(/^[A-Za-z0-9+/]{75}=$/);
      expect(f[19]).toMatch(/^(SigV4|-)$/);
      expect(f[21]).toMatch(/^(AuthHeader|QueryString|-)$/);
      expect(f[23]).toMatch(/^(TLSv1\.[23]|-)$/);
    }
  });

  it('has GET, PUT and HEAD of objects, and 403/404 with their error codes', () => {
    for (const op of ['REST.GET.OBJECT', 'REST.PUT.OBJECT', 'REST.HEAD.OBJECT', 'REST.GET.BUCKET', 'REST.DELETE.OBJECT', 'REST.PUT.PART']) {
      expect(byOp(op).length, op).toBeGreaterThan(0);
    }
    const errors = new Set(parsed.filter((p) => p.f[9] === '403' || p.f[9] === '404').map((p) => `${p.f[9]} ${p.f[10]}`));
    expect(errors).toEqual(new Set(['403 AccessDenied', '404 NoSuchKey', '404 NoSuchLifecycleConfiguration']));
    // Success has no error code; every error status has one.
    for (const p of parsed) expect(p.f[10] === '-').toBe(p.f[9] === '-' || Number(p.f[9]) < 400);
  });

  it('writes copies as a GET side and a PUT side sharing one request id', () => {
    const gets = byOp('REST.COPY.OBJECT_GET');
    expect(gets.length).toBeGreaterThan(10);
    const puts = new Map(byOp('REST.COPY.OBJECT').map((p) => [p.f[5]!, p]));
    for (const get of gets.filter((g) => !lastLines.has(g.line))) {
      const put = puts.get(get.f[5]!);
      expect(put, get.line).toBeDefined();
      expect(put!.f[2]).toBe(get.f[2]);
      expect([get.f[8], get.f[15], get.f[16]]).toEqual(['-', '-', '-']); // bare `-`: URI, referer, user agent
      expect(put!.f[8]).toMatch(/^"PUT /);
    }
  });

  it('writes lifecycle expiry by AmazonS3 with a quoted "-" URI, and batch deletes with a bare - URI', () => {
    const expired = byOp('S3.EXPIRE.OBJECT');
    expect(expired.length).toBeGreaterThan(10);
    for (const e of expired) expect([e.f[3], e.f[4], e.f[8], e.f[9], e.f[16]]).toEqual(['-', 'AmazonS3', '"-"', '-', '"-"']);
    const batch = byOp('BATCH.DELETE.OBJECT');
    expect(batch.length).toBeGreaterThan(10);
    for (const b of batch) {
      expect([b.f[8], b.f[9]]).toEqual(['-', '204']);
      expect(opsById.get(b.f[5]!)).toContain('REST.POST.MULTI_OBJECT_DELETE');
    }
  });

  it('writes - for bytes sent when nothing was sent, and numbers otherwise', () => {
    expect(byOp('REST.PUT.OBJECT').filter((p) => p.f[9] === '200').every((p) => p.f[11] === '-')).toBe(true);
    expect(byOp('REST.HEAD.OBJECT').every((p) => p.f[11] === '-')).toBe(true);
    expect(byOp('REST.GET.OBJECT').some((p) => /^\d+$/.test(p.f[11]!))).toBe(true);
  });

  it('quotes user agents with spaces, and has a requester with spaces (the CloudFront OAI)', () => {
    const agents = parsed.map((p) => p.f[16]!).filter((ua) => ua.startsWith('"') && ua.includes(' '));
    expect(agents.length).toBeGreaterThan(parsed.length / 2);
    expect(agents.some((ua) => ua.includes('(KHTML, like Gecko)'))).toBe(true);
    const oai = parsed.filter((p) => p.f[4]!.startsWith(OAI));
    expect(oai.length).toBeGreaterThan(0);
    expect(oai[0]!.f[4]).toMatch(/ Identity E[0-9A-Z]+$/);
    // Without the OAI special case the line would shift by three tokens: the inspection is not vacuous.
    expect(oai[0]!.line.split(' ').length).toBeGreaterThan(oai[0]!.f.length + 3);
    for (const r of ['AmazonS3', '-']) expect(parsed.some((p) => p.f[4] === r), r).toBe(true);
    expect(parsed.some((p) => /^arn:aws:iam::\d{12}:user\/\S+@\S+$/.test(p.f[4]!))).toBe(true);
    expect(parsed.some((p) => /^arn:aws:sts::\d{12}:assumed-role\//.test(p.f[4]!))).toBe(true);
  });

  it('ends some lines, not all, with a trailing space', () => {
    const trailing = sample.filter((e) => e.line.endsWith(' ')).length;
    expect(trailing).toBeGreaterThan(sample.length * 0.01);
    expect(trailing).toBeLessThan(sample.length * 0.1);
    expect(sample.some((e) => e.line.endsWith('  '))).toBe(false);
  });

  it('repeats a few records byte for byte, marked duplicate, a few lines after the original', () => {
    const dups = sample.filter((e) => e.duplicate);
    expect(dups.length).toBeGreaterThan(10);
    expect(dups.length).toBeLessThan(sample.length * 0.01);
    for (const stream of streams) {
      const first = new Map<string, number>();
      stream.forEach((e, i) => {
        if (!first.has(e.line)) first.set(e.line, i);
        if (!e.duplicate) return;
        const original = first.get(e.line)!;
        expect(original).toBeLessThan(i);
        expect(i - original).toBeLessThanOrEqual(21 + 10); // the gap, plus lines of one draw
      });
      const distinct = new Set(stream.map((e) => e.line)).size;
      expect(distinct).toBe(stream.filter((e) => !e.duplicate).length);
    }
  });

  it('writes keys form-encoded in field 8 and percent-encoded in the URI', () => {
    const spaced = parsed.filter((p) => p.f[7]!.includes('+'));
    expect(spaced.length).toBeGreaterThan(0);
    // The same key both ways: field 8 decoded with `+` as a space equals the URI's path decoded.
    const withUri = parsed.filter((p) => /^REST\.(GET|PUT|HEAD|DELETE)\.OBJECT$/.test(p.f[6]!) && p.f[8]!.startsWith('"/') === false && p.f[8] !== '"-"');
    expect(withUri.length).toBeGreaterThan(1000);
    for (const p of withUri) {
      const uriPath = p.f[8]!.split(' ')[1]!.split('?')[0]!;
      const key = p.f[22]!.startsWith('s3.') ? uriPath.split('/').slice(2).join('/') : uriPath.slice(1);
      expect(decodeURIComponent(key)).toBe(decodeURIComponent(p.f[7]!.replaceAll('+', ' ')));
    }
    expect(logKeyField('uploads/a b/100%+1*.png')).toBe('uploads/a+b/100%25%2B1*.png');
    expect(requestPath('uploads/a b/100%.png')).toBe('uploads/a%20b/100%25.png');
    expect(decodeURIComponent(logKeyField('x/Präsentation Q2 (final).pptx').replaceAll('+', ' '))).toBe('x/Präsentation Q2 (final).pptx');
  });
});

describe('s3access demo: keys and formats', () => {
  it('uses the prefix verbatim and the delivery second', () => {
    expect(accessLogKey('logs/', Date.UTC(2013, 10, 1, 21, 32, 16), mulberry32(1))).toMatch(/^logs\/2013-11-01-21-32-16-[0-9A-F]{16}$/);
    expect(accessLogKey('logs', Date.UTC(2013, 10, 1), mulberry32(1))).toMatch(/^logs2013-11-01-00-00-00-/);
  });

  it.each([
    ['s3-access', ['transfers', 'cache']],
    ['s3-access-transfers', ['transfers']],
    ['s3-access-cache', ['cache']],
    ['cloudfront-realtime', undefined],
    [undefined, undefined],
  ])('maps --format %s to the buckets it writes', (format, sources) => {
    expect(accessLogSourcesFor(format)).toEqual(sources);
  });
});

describe('s3access demo: letsflow demo --format s3-access', () => {
  it('writes the objects under --out and says how many', async () => {
    // Prepare
    const out = path.join(tmp, 'cli');
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });

    // Act
    let code: number;
    try {
      code = await main(['demo', '--format', 's3-access', '--out', out, '--days', '0.1', '--rate', '300', '--seed', '4']);
    } finally {
      spy.mockRestore();
    }

    // Assess
    expect(code).toBe(0);
    const keys = await filesUnder(out);
    expect(keys.length).toBeGreaterThan(4);
    for (const key of keys) expect(key).toMatch(KEY);
    expect(written.join('')).toMatch(new RegExp(`^demo: wrote ${keys.length} plain-text S3 access-log objects, [\\d,]+ records`));
    const direct = await writeAccessLogObjects({ dir: path.join(tmp, 'cli-direct'), seed: 4, days: 0.1, requestsPerHour: 300 });
    expect(await digestTree(out)).toEqual(await digestTree(path.join(tmp, 'cli-direct')));
    expect(direct.objects.map((o) => o.key).sort()).toEqual(keys);
  });
});
