/**
 * The inputs of the `cli-*` cases (the engine issue's targets), written without importing src/:
 * those cases drive the CLI as a black box, so a refactor that moves modules around must not
 * break their data either. `demo` fixtures come from the CLI's own `letsflow demo`; the others
 * are hand-made lines in CloudFront's formats (reference/formats.md §1 and §2), because the
 * demo generator makes neither eleven years in one object nor 300k distinct paths.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { FixtureObject } from './common.js';

export type EngineFixtureSpec =
  /** `letsflow demo` output: Firehose-sized real-time objects every ~5 minutes. */
  | { readonly generator: 'demo'; readonly format: 'realtime'; readonly days: number; readonly requestsPerHour: number; readonly seed: number }
  /** One standard log object whose events are spread evenly from `fromYear` to the end of `toYear`. */
  | { readonly generator: 'years'; readonly format: 'standard'; readonly events: number; readonly fromYear: number; readonly toYear: number }
  /** One real-time (sgraph-27) object: `events` requests in one day, each to a path of its own. */
  | { readonly generator: 'paths'; readonly format: 'realtime'; readonly events: number };

/** `node --import tsx src/runtime/cli/bin.ts`, the CLI as the bench runs it. */
export const CLI_ARGS = ['--import', 'tsx', 'src/runtime/cli/bin.ts'] as const;

const DAY_MS = 86_400_000;
/** The day the `paths` traffic falls on (the demo's default start, for no particular reason). */
const PATHS_DAY_MS = Date.UTC(2026, 3, 20);
/** Lines handed to gzip at a time: ~200 KiB of real-time lines, like the demo writer's 256 KiB chunks. */
const CHUNK_LINES = 500;

/** Writes the fixture's objects under `dir` (the folder that acts as the bucket). */
export async function writeEngineFixture(spec: EngineFixtureSpec, dir: string, repoDir: string): Promise<FixtureObject[]> {
  switch (spec.generator) {
    case 'demo':
      return writeDemo(spec, dir, repoDir);
    case 'years':
      return [await writeObject(dir, `cloudfront-standard/E2BENCHYEARS.${spec.toYear}-12-31-23.years.gz`, yearsLines(spec), 2)];
    case 'paths':
      return [await writeObject(dir, pathsKey(), pathsLines(spec.events), 0)];
  }
}

/** Runs `letsflow demo`, then measures what it wrote (the CLI prints totals only). */
async function writeDemo(spec: Extract<EngineFixtureSpec, { generator: 'demo' }>, dir: string, repoDir: string): Promise<FixtureObject[]> {
  const args = [...CLI_ARGS, 'demo', '--days', String(spec.days), '--rate', String(spec.requestsPerHour), '--seed', String(spec.seed), '--out', dir];
  const result = spawnSync(process.execPath, args, { cwd: repoDir, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`letsflow demo failed (${result.error?.message ?? `exit ${result.status}`})`);
  const objects: FixtureObject[] = [];
  for (const key of await filesUnder(dir)) {
    const file = path.join(dir, key);
    const { lines, bytes } = await measureGzip(file);
    objects.push({ key, file, events: lines, lines, bytes, compressedBytes: (await stat(file)).size });
  }
  return objects;
}

/** Every regular file below `dir`, as sorted `/`-separated keys relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

async function measureGzip(file: string): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(file).pipe(createGunzip())) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    for (let at = buf.indexOf(0x0a); at !== -1; at = buf.indexOf(0x0a, at + 1)) lines++;
  }
  return { lines, bytes };
}

/** Streams `lines` (each without its newline) into one gzip object, level 6 like the demo's. */
async function writeObject(dir: string, key: string, lines: Iterable<string>, headerLines: number): Promise<FixtureObject> {
  const file = path.join(dir, ...key.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  let count = 0;
  let bytes = 0;
  function* chunks(): Generator<Buffer> {
    let batch: string[] = [];
    const flush = (): Buffer => {
      const buf = Buffer.from(`${batch.join('\n')}\n`, 'utf8');
      bytes += buf.length;
      batch = [];
      return buf;
    };
    for (const line of lines) {
      count++;
      batch.push(line);
      if (batch.length === CHUNK_LINES) yield flush();
    }
    if (batch.length > 0) yield flush();
  }
  await pipeline(Readable.from(chunks()), createGzip({ level: 6 }), createWriteStream(file));
  return { key, file, events: count - headerLines, lines: count, bytes, compressedBytes: (await stat(file)).size };
}

/** 54 base-64url characters and `==`, like CloudFront's ids, from an xorshift of the line number. */
function requestId(i: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let x = Math.imul(i + 1, 0x9e3779b1) | 1;
  let id = '';
  for (let c = 0; c < 54; c++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    id += alphabet[x & 63];
  }
  return `${id}==`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * The 33 legacy fields (formats.md §2.1) of one plausible request at `ms`. Ordinary values: the
 * case is about where the events fall in time, not about parsing edge cases.
 */
function standardLine(ms: number, i: number): string {
  const t = new Date(ms);
  const date = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  const time = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  const bytes = 1_000 + ((i * 7_919) % 20_000);
  return [
    date, time, 'IAD89-C1', bytes, `192.0.2.${1 + (i % 250)}`, 'GET', 'd111111abcdef8.cloudfront.net', `/articles/${2014 + (i % 12)}/post-${i}.html`,
    200, '-', 'Mozilla/5.0%20(X11;%20Linux%20x86_64)', '-', '-', 'Hit', requestId(i), 'www.example.com', 'https', 420,
    '0.012', '-', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'Hit', 'HTTP/2.0', '-', '-', 40_000 + i, '0.010', 'Hit',
    'text/html', bytes - 300, '-', '-',
  ].join('\t');
}

function* yearsLines(spec: Extract<EngineFixtureSpec, { generator: 'years' }>): Generator<string> {
  yield '#Version: 1.0';
  yield '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end';
  const from = Date.UTC(spec.fromYear, 0, 1, 9, 17, 3);
  const to = Date.UTC(spec.toYear, 11, 31, 18, 42, 51);
  // Evenly spread, so every year, most months and no two 30-minute windows share an event.
  for (let i = 0; i < spec.events; i++) yield standardLine(Math.round(from + ((to - from) * i) / (spec.events - 1)), i);
}

/** Words for the paths: lengths vary, so paths run from ~60 to ~100 characters. */
const WORDS = ['assets', 'catalog', 'products', 'downloads', 'releases', 'docs', 'reference', 'images', 'thumbnails', 'archive', 'media'];

/** A path of its own for line `i`: a few words, the number in base 36 and a slug. */
function distinctPath(i: number): string {
  const a = WORDS[i % WORDS.length]!;
  const b = WORDS[(i * 7) % WORDS.length]!;
  const slug = WORDS.slice(0, 1 + ((i * 13) % 4)).join('-');
  return `/content/en-us/${a}/${b}/${i.toString(36).padStart(6, '0')}/${slug}/v${i % 97}/index-${i}.html`;
}

/**
 * The sgraph-27 field list (the CLI's default, src/formats/fieldLists.ts) of one request to a
 * path of its own. Copied rather than imported, so a moved module cannot break the fixture.
 */
function realtimeLine(ms: number, i: number): string {
  const bytes = 2_000 + ((i * 7_919) % 30_000);
  return [
    (ms / 1000).toFixed(3), 200, bytes, 'GET', distinctPath(i), '-', 'https', 'HTTP/2.0', 'text/html;%20charset=utf-8', bytes - 400,
    'curl/8.5.0', '-', 'IAD89-C1', 'Hit', 'Hit', requestId(i), '0.018', '0.014', '-', '-', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256',
    '*/*', 'gzip', 'www.example.com', '-', '-',
  ].join('\t');
}

function* pathsLines(events: number): Generator<string> {
  // In time order across the day, as a Firehose object of one busy day would hold them.
  for (let i = 0; i < events; i++) yield realtimeLine(PATHS_DAY_MS + Math.floor((i * (DAY_MS - 1_000)) / events), i);
}

/** A Firehose-style key, delivered a minute after the day's last event. */
function pathsKey(): string {
  const t = new Date(PATHS_DAY_MS + DAY_MS + 60_000);
  const stamp = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}-${pad(t.getUTCHours())}-${pad(t.getUTCMinutes())}-${pad(t.getUTCSeconds())}`;
  return `cloudfront-realtime/${stamp.slice(0, 13).replaceAll('-', '/')}/letsflow-bench-1-${stamp}-00000000-0000-4000-8000-000000000300.gz`;
}
