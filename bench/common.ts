/**
 * Shared by the runner and the cases: the gzip fixtures (generated once, outside every timed
 * region, cached under bench/.data by a content key) and the child-process protocol a case uses
 * to report its repetitions.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { summaryToJson, type TrafficSummary } from '../src/index.js';
import type { DemoRequest } from '../src/pipelines/cloudfront/demoData.js';
import type { EngineFixtureSpec } from './engineFixtures.js';
import { s3AccessGeneratorSource, type S3AccessFixtureSpec } from './s3accessFixture.js';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = path.dirname(BENCH_DIR);
export const DATA_DIR = path.join(BENCH_DIR, '.data');
const GENERATOR_SOURCE = path.join(REPO_DIR, 'src/pipelines/cloudfront/demoData.ts');
/** The `cli-*` cases' fixtures come from here (`letsflow demo` or hand-made lines), not from src/. */
const ENGINE_GENERATOR_SOURCE = path.join(BENCH_DIR, 'engineFixtures.ts');
/** Bump when the way fixtures are cut from the generator changes. */
const FIXTURE_LAYOUT_VERSION = 1;

/** Decimal megabyte: MB/s in the table is 10^6 bytes of uncompressed log per second. */
export const MB = 1_000_000;

export interface FixtureSpec {
  readonly format: 'realtime' | 'standard';
  readonly objects: number;
  /** Target uncompressed size of each object; the real size is in the manifest. */
  readonly mbPerObject: number;
  readonly seed: number;
  /**
   * 200 requests/s on average (the generator adds a diurnal curve and hourly jitter): a 1 GB
   * object then spans ~3 h of traffic, so it crosses several 30-minute windows and hours.
   */
  readonly requestsPerHour: number;
}

/** Uncompressed bytes per line the generator writes, measured; used only to size objects. */
const BYTES_PER_LINE = { realtime: 474, standard: 484 } as const;

export const FIXTURES = {
  rt10: { format: 'realtime', objects: 1, mbPerObject: 10, seed: 10, requestsPerHour: 720_000 },
  rt100: { format: 'realtime', objects: 1, mbPerObject: 100, seed: 100, requestsPerHour: 720_000 },
  rt1g: { format: 'realtime', objects: 1, mbPerObject: 1000, seed: 1000, requestsPerHour: 720_000 },
  std100: { format: 'standard', objects: 1, mbPerObject: 100, seed: 200, requestsPerHour: 720_000 },
  /** Many Firehose-sized objects, consecutive slices of one traffic stream, for worker scaling. */
  many: { format: 'realtime', objects: 40, mbPerObject: 5, seed: 40, requestsPerHour: 720_000 },
  // The engine issue's inputs (bench/engineFixtures.ts). A low rate keeps the demo quick: a run
  // with nothing new costs what the number of objects and windows costs, not their size.
  demo3d: { generator: 'demo', format: 'realtime', days: 3, requestsPerHour: 300, seed: 7 },
  demo12d: { generator: 'demo', format: 'realtime', days: 12, requestsPerHour: 300, seed: 7 },
  /** 29 requests from 2014 to 2025 in one standard log object. */
  years29: { generator: 'years', format: 'standard', events: 29, fromYear: 2014, toYear: 2025 },
  /** 300k requests in one day, each to a path of its own (58–96 characters). */
  paths300k: { generator: 'paths', format: 'realtime', events: 300_000 },
  /** Issue 13: one plain-text S3 access-log object of 500k lines (~4.5 h of the transfers bucket). */
  s3access500k: { generator: 's3access', format: 's3-access', lines: 500_000, requestsPerHour: 110_000, seed: 13 },
} as const satisfies Record<string, FixtureSpec | EngineFixtureSpec | S3AccessFixtureSpec>;
export type FixtureName = keyof typeof FIXTURES;

export interface FixtureObject {
  /** Path relative to the fixture folder (the object's key). */
  readonly key: string;
  readonly file: string;
  readonly events: number;
  readonly lines: number;
  readonly bytes: number;
  readonly compressedBytes: number;
}

export interface Fixture {
  readonly name: FixtureName;
  readonly contentKey: string;
  readonly format: 'realtime' | 'standard' | 's3-access';
  /** The folder that acts as the bucket: `localObjects(dir)` lists exactly this fixture's objects. */
  readonly dir: string;
  readonly objects: FixtureObject[];
  readonly events: number;
  readonly lines: number;
  readonly bytes: number;
  readonly compressedBytes: number;
  readonly generatedMs: number;
  /** True when this call generated it (not in the manifest). */
  readonly fresh?: boolean;
}

const START_MS = Date.UTC(2026, 3, 20);

async function contentKey(name: FixtureName): Promise<string> {
  // The generator is part of the key: the same options with a changed generator are new data.
  const spec: FixtureSpec | EngineFixtureSpec | S3AccessFixtureSpec = FIXTURES[name];
  const generator =
    'generator' in spec && spec.generator === 's3access'
      ? Buffer.concat([await s3AccessGeneratorSource(REPO_DIR), await readFile(path.join(BENCH_DIR, 's3accessFixture.ts'))])
      : await readFile('generator' in spec ? ENGINE_GENERATOR_SOURCE : GENERATOR_SOURCE);
  return createHash('sha256')
    .update(JSON.stringify({ name, spec: FIXTURES[name], layout: FIXTURE_LAYOUT_VERSION, zlib: process.versions.zlib }))
    .update(generator)
    .digest('hex')
    .slice(0, 12);
}

const manifestPath = (name: FixtureName, key: string): string => path.join(DATA_DIR, `${name}-${key}.json`);

/** Reads a manifest; paths are re-derived from this checkout, so a moved clone keeps its cache. */
async function readManifest(name: FixtureName, key: string): Promise<Fixture> {
  const fixture = JSON.parse(await readFile(manifestPath(name, key), 'utf8')) as Fixture;
  const dir = path.join(DATA_DIR, `${name}-${key}`);
  return { ...fixture, dir, objects: fixture.objects.map((o) => ({ ...o, file: path.join(dir, o.key) })) };
}

/** The fixture if it was generated for the current options and generator; never generates. */
export async function loadFixture(name: FixtureName): Promise<Fixture> {
  const key = await contentKey(name);
  if (!existsSync(manifestPath(name, key))) throw new Error(`fixture ${name} is missing; run the bench runner (npm run bench -- ${name}), which generates it`);
  return readManifest(name, key);
}

function* take<T>(source: Iterator<T>, count: number): Generator<T, void, undefined> {
  for (let i = 0; i < count; i++) {
    const next = source.next();
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Generates the fixture unless a manifest for its content key exists. The manifest is written
 * last, so an interrupted generation is simply redone; stale versions of the fixture are removed.
 */
export async function ensureFixture(name: FixtureName, log: (message: string) => void): Promise<Fixture> {
  const key = await contentKey(name);
  const manifest = manifestPath(name, key);
  if (existsSync(manifest)) return { ...(await readManifest(name, key)), fresh: false };

  await mkdir(DATA_DIR, { recursive: true });
  for (const entry of await readdir(DATA_DIR)) {
    if (entry.startsWith(`${name}-`)) await rm(path.join(DATA_DIR, entry), { recursive: true, force: true });
  }
  const dir = path.join(DATA_DIR, `${name}-${key}`);
  const spec: FixtureSpec | EngineFixtureSpec | S3AccessFixtureSpec = FIXTURES[name];
  const started = performance.now();
  const objects: FixtureObject[] =
    'generator' in spec && spec.generator === 's3access'
      ? await (await import('./s3accessFixture.js')).writeS3AccessFixture(spec, dir)
      : 'generator' in spec ? await (await import('./engineFixtures.js')).writeEngineFixture(spec, dir, REPO_DIR) : await writeDemoFixture(name, spec, dir, log);
  const fixture: Fixture = {
    name,
    contentKey: key,
    format: spec.format,
    dir,
    objects,
    events: sum(objects, 'events'),
    lines: sum(objects, 'lines'),
    bytes: sum(objects, 'bytes'),
    compressedBytes: sum(objects, 'compressedBytes'),
    generatedMs: performance.now() - started,
  };
  await writeFile(manifest, `${JSON.stringify(fixture, null, 2)}\n`);
  return { ...fixture, fresh: true };
}

/** The objects of a FixtureSpec fixture: slices of one demo traffic stream. */
async function writeDemoFixture(name: FixtureName, spec: FixtureSpec, dir: string, log: (message: string) => void): Promise<FixtureObject[]> {
  // Imported here, not at the top: the cases load this module too, and their RSS should not
  // include the generator.
  const { generateRequests, writeLogObject } = await import('../src/pipelines/cloudfront/demoData.js');
  const perObject = Math.round((spec.mbPerObject * MB) / BYTES_PER_LINE[spec.format]);
  // One continuous stream (in arrival order, skewed paths, clients and latencies, a diurnal
  // curve), cut into consecutive objects like Firehose cuts its buffers.
  const stream: Iterator<DemoRequest> = generateRequests({
    seed: spec.seed,
    startMs: START_MS,
    endMs: START_MS + 365 * 86_400_000,
    requestsPerHour: spec.requestsPerHour,
    maxRequests: perObject * spec.objects,
  });
  const objects: FixtureObject[] = [];
  for (let i = 0; i < spec.objects; i++) {
    const objectKey = `${spec.format === 'realtime' ? 'cloudfront-realtime' : 'cloudfront-standard'}/${name}-${String(i).padStart(3, '0')}.gz`;
    const file = path.join(dir, objectKey);
    const fields = spec.format === 'realtime' ? 'sgraph-27' : undefined;
    const written = await writeLogObject(file, take(stream, perObject), fields, spec.format);
    objects.push({ key: objectKey, file, ...written });
    if (spec.objects === 1 || (i + 1) % 10 === 0) log(`  ${name}: ${i + 1}/${spec.objects} objects, ${(sum(objects, 'bytes') / MB).toFixed(0)} MB`);
  }
  return objects;
}

function sum<K extends 'bytes' | 'events' | 'lines' | 'compressedBytes'>(objects: readonly FixtureObject[], field: K): number {
  return objects.reduce((total, o) => total + o[field], 0);
}

// ---------------------------------------------------------------------------------------------
// The case protocol: the runner starts one child process per case (so peak RSS is the case's
// own), passes a CaseArgs JSON as argv[2], and reads one `RESULT_MARKER` JSON line from stdout.
// Progress goes to stderr, which the runner passes through.

export const RESULT_MARKER = '@@bench-result ';

export interface CaseArgs {
  readonly fixture: FixtureName;
  /** Timed reps in this process (the runner asks for one per process and interleaves them). */
  readonly reps: number;
  readonly variant: string;
  /** Run once untimed first, so the timed rep runs on JIT-compiled code. */
  readonly warmup?: boolean;
}

export interface Rep {
  readonly ms: number;
  /** user + system CPU of the whole process (zlib's thread pool included) during the rep. */
  readonly cpuMs: number;
  /** Events (or lines, for the stages that do not parse) the rep went through. */
  readonly events: number;
  /** Cores other processes kept busy during the rep: machine busy time minus the rep's CPU time. */
  readonly otherCores?: number;
  /** How a CLI run ended (the `cli-*` cases): `completed`, `killed after 60 s`, `exit 1: RangeError: …`. */
  readonly outcome?: string;
  /** Files the run left in its cache folder (`cli-years`). */
  readonly files?: number;
}

/** What a rep may report besides its events (the `cli-*` cases). */
export type RepDetail = Pick<Rep, 'events' | 'outcome' | 'files'>;

/** Requests and bytes per 30-minute window (ISO start), and optionally a hash of the full summary. */
export type WindowDigest = Record<string, { requests: number; bytes: number; summary?: string }>;

export interface CaseOutput {
  readonly reps: Rep[];
  /**
   * Peak resident set at the end of the first rep, KiB (`process.resourceUsage().maxRSS`): what
   * one run costs, comparable between cases whatever their number of reps (later reps only
   * add GC slack).
   */
  readonly maxRssKiB: number;
  /** Resident set before the first rep (node, the tsx loader, the modules, the fixture list), KiB. */
  readonly startRssKiB: number;
  readonly digest?: WindowDigest;
  readonly note?: string;
  /** Reps that stalled (never settled) and were run again; a bug in what the case measures. */
  readonly stalls?: number;
}

export function caseArgs(): CaseArgs {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('usage: node --import tsx bench/cases/<case>.ts \'{"fixture":"rt100","reps":3,"variant":"…"}\'');
  return JSON.parse(raw) as CaseArgs;
}

export interface RepHooks {
  /** Untimed preparation of a rep (a fresh store folder, say). */
  readonly before?: () => Promise<void>;
  /** The timed work; returns the events it went through (with how it ended, for a CLI run). */
  readonly rep: () => Promise<number | RepDetail>;
  /** Untimed, right after each rep: what it left behind (the files in a cache folder), for the rep's record. */
  readonly inspect?: () => Promise<Omit<RepDetail, 'events'>>;
  /** Untimed, after each rep: checks, the digest, clean-up. */
  readonly after?: () => Promise<void>;
  /** Untimed, after the last rep: the digest for the correctness check, a note. */
  readonly finish?: () => Promise<Pick<CaseOutput, 'digest' | 'note'>>;
  /** Peak RSS of processes the case started itself, KiB (the workers case). */
  readonly childRssKiB?: () => number;
  /** RSS before the work of processes the case started itself, KiB (the workers case). */
  readonly childStartRssKiB?: () => number;
  /** CPU time of processes the case started itself, ms, summed so far (the workers case). */
  readonly childCpuMs?: () => number;
}

const STALLED = Symbol('stalled');
const MAX_STALLS = 3;

/**
 * The rep's result, or STALLED when the event loop runs empty before it settles: a promise that
 * will never settle (Node would otherwise exit with code 13 and lose every rep measured so far).
 */
async function unlessStalled<T>(work: Promise<T>): Promise<T | typeof STALLED> {
  let onEmpty: () => void = () => undefined;
  const stalled = new Promise<typeof STALLED>((resolve) => {
    onEmpty = () => resolve(STALLED);
    process.once('beforeExit', onEmpty);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    process.off('beforeExit', onEmpty);
  }
}

/**
 * Runs the warm-up (if asked) and the reps, timing each (wall and CPU), then prints the one
 * result line. Peak RSS is read after the first run, so it is the cost of one run whatever the
 * number of reps.
 */
export async function runReps(label: string, args: CaseArgs, hooks: RepHooks): Promise<void> {
  const results: Rep[] = [];
  const startRssKiB = process.memoryUsage.rss() / 1024;
  let firstRun: { ownRssKiB: number; childRssKiB: number } | undefined;
  let stalls = 0;
  for (let i = args.warmup ? -1 : 0; i < args.reps; i++) {
    const name = i < 0 ? `${label} warm-up` : args.reps === 1 ? `${label} timed` : `${label} rep ${i + 1}/${args.reps}`;
    await hooks.before?.();
    const cpu = process.cpuUsage();
    const childCpu = hooks.childCpuMs?.() ?? 0;
    const busy = machineBusyMs();
    const started = performance.now();
    const done = await unlessStalled(hooks.rep());
    const ms = performance.now() - started;
    if (done === STALLED) {
      // Discard the rep and run it again; the case fails only if it keeps stalling.
      if (++stalls > MAX_STALLS) throw new Error(`${label}: ${stalls} reps stalled (a promise never settled and the event loop ran empty)`);
      process.stderr.write(`    ${name}: STALLED (the event loop ran empty before the rep settled); running it again\n`);
      await hooks.after?.();
      i--;
      continue;
    }
    const busyMs = busy === undefined ? undefined : machineBusyMs()! - busy;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000 + (hooks.childCpuMs?.() ?? 0) - childCpu;
    const { events, ...detail }: RepDetail = typeof done === 'number' ? { events: done } : done;
    firstRun ??= { ownRssKiB: process.resourceUsage().maxRSS, childRssKiB: hooks.childRssKiB?.() ?? 0 };
    const left = (await hooks.inspect?.()) ?? {};
    await hooks.after?.();
    const ended = [detail.outcome, left.files === undefined ? undefined : `${left.files} files left`].filter(Boolean).join(', ');
    process.stderr.write(`    ${name}: ${ms.toFixed(0)} ms, ${Math.round(events / ms)}k events/s${ended ? `, ${ended}` : ''}\n`);
    if (i < 0) continue;
    // /proc/stat counts in 10 ms ticks: clamp the rounding noise of short reps at zero.
    results.push({ ms, cpuMs, events, ...detail, ...left, ...(busyMs !== undefined && { otherCores: Math.max(0, (busyMs - cpuMs) / ms) }) });
  }
  const extra = (await hooks.finish?.()) ?? {};
  const { ownRssKiB, childRssKiB } = firstRun!;
  // The peak and its baseline come from the same process: a child's when a child peaked higher.
  const [maxRssKiB, baseRssKiB] = childRssKiB > ownRssKiB ? [childRssKiB, hooks.childStartRssKiB?.() ?? startRssKiB] : [ownRssKiB, startRssKiB];
  const output: CaseOutput = { reps: results, maxRssKiB, startRssKiB: baseRssKiB, ...extra, ...(stalls > 0 && { stalls }) };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(output)}\n`);
}

/** A digest's key for a window start in epoch ms. */
export const windowKey = (startMs: number): string => new Date(startMs).toISOString();

export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 16);

/** The digest of per-window summaries: exact counts and a hash of the whole stored form. */
export function digestOf(windows: ReadonlyMap<number, TrafficSummary>): WindowDigest {
  const digest: WindowDigest = {};
  for (const start of [...windows.keys()].sort((a, b) => a - b)) {
    const summary = windows.get(start)!;
    digest[windowKey(start)] = { requests: summary.requests, bytes: summary.bytes, summary: sha1(JSON.stringify(summaryToJson(summary))) };
  }
  return digest;
}

/**
 * CPU time the whole machine has spent busy (all cores, all processes, steal included), ms,
 * from /proc/stat; `undefined` where there is none. Minus a rep's own CPU time, it tells how
 * much other work competed with the rep.
 */
export function machineBusyMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// DuckDB is the benchmark's alone, and its lock entries name platform packages some registries
// lack (which broke `npm ci`), so it is no project dependency: the bench installs the pinned
// version into bench/.data/duckdb, where `npm ci` wiping node_modules cannot remove it mid-run.

export const DUCKDB_VERSION = '1.5.6-r.1';
const DUCKDB_DIR = path.join(DATA_DIR, 'duckdb');
const DUCKDB_PACKAGE = path.join(DUCKDB_DIR, 'node_modules/@duckdb/node-api/package.json');

/** Installs `@duckdb/node-api` into bench/.data/duckdb unless that version is there; throws if npm fails. */
export function ensureDuckDb(log: (message: string) => void): void {
  if (existsSync(DUCKDB_PACKAGE) && (JSON.parse(readFileSync(DUCKDB_PACKAGE, 'utf8')) as { version: string }).version === DUCKDB_VERSION) return;
  log(`  installing @duckdb/node-api@${DUCKDB_VERSION} into bench/.data/duckdb (first run only)`);
  mkdirSync(DUCKDB_DIR, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', DUCKDB_DIR, '--no-audit', '--no-fund', '--save-exact', `@duckdb/node-api@${DUCKDB_VERSION}`];
  const result = spawnSync(npm, args, { cwd: DUCKDB_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/** The parts of `@duckdb/node-api` the DuckDB case uses (typed here: the package is not installed for tsc). */
export interface DuckDbApi {
  readonly DuckDBInstance: {
    create(path: string, options: Record<string, string>): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): unknown[] }>; closeSync(): void }>;
      closeSync(): void;
    }>;
  };
}

export function loadDuckDb(): DuckDbApi {
  if (!existsSync(DUCKDB_PACKAGE)) throw new Error('@duckdb/node-api is not installed in bench/.data/duckdb; run the bench runner, which installs it');
  return createRequire(DUCKDB_PACKAGE)('@duckdb/node-api') as DuckDbApi;
}
