/**
 * Turns the cases' raw repetitions into the table, the target verdicts and the correctness
 * checks. Ratios only compare cases of the same run on the same fixture.
 */
import { MB, type CaseOutput, type Fixture, type FixtureName } from './common.js';
import type { PlannedCase } from './plan.js';

export interface Measured {
  readonly planned: PlannedCase;
  readonly fixture: Fixture;
  readonly output: CaseOutput;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface Row {
  readonly name: string;
  readonly fixture: FixtureName;
  readonly reps: number;
  readonly ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly eventsPerSec: number;
  readonly mbPerSec: number;
  /** CPU seconds per wall second: how many cores the case kept busy. */
  readonly cores: number;
  readonly rssMiB: number;
  /** Peak RSS minus the RSS before the first rep: what the work itself added. */
  readonly rssGrowthMiB: number;
  /** Throughput relative to gunzip alone on the same fixture (1.0 = as fast as decompression). */
  readonly vsGunzip?: number;
  /** Throughput relative to DuckDB with 1 thread on the same fixture. */
  readonly vsDuckdb?: number;
  /** Extra time relative to the hand-written loop on the same fixture. */
  readonly tax?: number;
  readonly otherCores?: number;
  /** How the CLI runs ended (`cli-*` cases): every distinct outcome, in rep order. */
  readonly outcome?: string;
  /** Files the CLI run left in its cache folder (`cli-years`), median over the reps. */
  readonly files?: number;
}

export function rows(measured: readonly Measured[]): Row[] {
  const find = (fixture: FixtureName, name: string) => measured.find((m) => m.fixture.name === fixture && m.planned.name === name);
  const medianMs = (m: Measured | undefined) => (m ? median(m.output.reps.map((r) => r.ms)) : undefined);
  return measured.map((m) => {
    const ms = medianMs(m)!;
    const events = m.output.reps[0]!.events;
    const gunzip = medianMs(find(m.fixture.name, 'gunzip/only'));
    const duckdb = medianMs(find(m.fixture.name, 'duckdb/1'));
    const hand = medianMs(find(m.fixture.name, 'handloop/consolidate'));
    const taxed = /^(letsflow|e2e)\//.test(m.planned.name) && m.planned.name !== 'letsflow/readlines';
    const outcomes = [...new Set(m.output.reps.flatMap((r) => (r.outcome === undefined ? [] : [r.outcome])))];
    const files = m.output.reps.flatMap((r) => (r.files === undefined ? [] : [r.files]));
    return {
      name: m.planned.name,
      fixture: m.fixture.name,
      reps: m.output.reps.length,
      ms,
      minMs: Math.min(...m.output.reps.map((r) => r.ms)),
      maxMs: Math.max(...m.output.reps.map((r) => r.ms)),
      eventsPerSec: events / (ms / 1000),
      // A run that read nothing (a no-op, a killed CLI run) has no throughput.
      mbPerSec: events === 0 ? 0 : m.fixture.bytes / MB / (ms / 1000),
      cores: median(m.output.reps.map((r) => r.cpuMs / r.ms)),
      rssMiB: m.output.maxRssKiB / 1024,
      rssGrowthMiB: (m.output.maxRssKiB - m.output.startRssKiB) / 1024,
      ...(gunzip !== undefined && { vsGunzip: gunzip / ms }),
      ...(duckdb !== undefined && { vsDuckdb: duckdb / ms }),
      ...(hand !== undefined && taxed && { tax: ms / hand - 1 }),
      ...(m.output.reps.every((r) => r.otherCores !== undefined) && { otherCores: median(m.output.reps.map((r) => r.otherCores!)) }),
      ...(outcomes.length > 0 && { outcome: outcomes.join(' / ') }),
      ...(files.length > 0 && { files: median(files) }),
    };
  });
}

const k = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1000)}k`);
const x = (n: number | undefined): string => (n === undefined ? '—' : `${n.toFixed(2)}×`);
const pct = (n: number | undefined): string => (n === undefined ? '—' : `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)}%`);
const time = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

export const TABLE_HEADER = ['case', 'object', 'reps', 'median', 'spread (min–max)', 'events/s', 'MB/s', 'cores', '× gunzip', '× DuckDB 1t', 'tax vs hand', 'peak RSS (rep 1)', 'RSS over start', 'other load'];

export function tableCells(row: Row): string[] {
  const spread = row.reps > 1 ? `${time(row.minMs)}–${time(row.maxMs)} (±${(((row.maxMs - row.minMs) / 2 / row.ms) * 100).toFixed(0)}%)` : '—';
  return [row.name, row.fixture, String(row.reps), time(row.ms), spread, k(row.eventsPerSec), row.mbPerSec.toFixed(0), row.cores.toFixed(2),
    x(row.vsGunzip), x(row.vsDuckdb), pct(row.tax), `${row.rssMiB.toFixed(0)} MiB`, `+${row.rssGrowthMiB.toFixed(0)} MiB`,
    row.otherCores === undefined ? '—' : `${row.otherCores.toFixed(2)} cores`];
}

/** A Markdown table (also what the terminal shows: it reads fine as plain text). */
export function markdownTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export interface Verdict {
  readonly target: string;
  readonly measured: string;
  readonly status: 'pass' | 'short' | 'stretch' | 'n/a';
}

/** The targets. Printed, never asserted: a short target does not fail the run. */
export function verdicts(all: readonly Row[]): Verdict[] {
  const row = (fixture: FixtureName, name: string) => all.find((r) => r.fixture === fixture && r.name === name);
  const out: Verdict[] = [];
  const check = (target: string, value: number | undefined, show: (v: number) => string, pass: (v: number) => boolean, stretch?: (v: number) => boolean) => {
    if (value === undefined) return out.push({ target, measured: 'not measured in this run', status: 'n/a' });
    return out.push({ target, measured: show(value), status: stretch?.(value) ? 'stretch' : pass(value) ? 'pass' : 'short' });
  };
  for (const variant of ['e2e/noraw', 'e2e/raw']) {
    for (const fixture of ['rt100', 'rt1g'] as const) {
      const r = row(fixture, variant);
      check(`${variant} ${fixture}: ≥ 600k events/s on one core`, r?.eventsPerSec, (v) => `${k(v)}/s (${r!.cores.toFixed(2)} cores busy)`, (v) => v >= 600_000);
      check(`${variant} ${fixture}: ≥ 1.0× DuckDB 1 thread (stretch 1.25×)`, r?.vsDuckdb, x, (v) => v >= 1, (v) => v >= 1.25);
    }
  }
  for (const fixture of ['rt100', 'rt1g'] as const) {
    check(`framework tax ${fixture} (letsflow/consolidate vs handloop): ≤ 10%`, row(fixture, 'letsflow/consolidate')?.tax, pct, (v) => v <= 0.1);
  }
  for (const variant of ['e2e/noraw', 'e2e/raw']) {
    const big = row('rt1g', variant);
    const small = row('rt100', variant);
    check(`${variant}: peak RSS ≤ 128 MiB on the 1 GB object`, big?.rssMiB, (v) => `${v.toFixed(0)} MiB`, (v) => v <= 128);
    check(`${variant}: RSS growth 100 MB → 1 GB object ≤ 20 MiB`, big && small ? big.rssMiB - small.rssMiB : undefined, (v) => `${v.toFixed(1)} MiB`, (v) => v <= 20);
  }
  const one = row('many', 'workers/1');
  const two = row('many', 'workers/2');
  check('2 worker processes over many objects: ≥ 1.8× one', one && two ? one.ms / two.ms : undefined, x, (v) => v >= 1.8);
  engineVerdicts(row, check);
  s3AccessVerdicts(row, check);
  return out;
}

/** `verdicts`' check: one target, its measured value, how to show it and when it passes. */
type TargetCheck = (target: string, value: number | undefined, show: (v: number) => string, pass: (v: number) => boolean) => unknown;

/** The engine issue's targets, from the black-box CLI cases (bench/cases/cli-*.ts). */
function engineVerdicts(row: (fixture: FixtureName, name: string) => Row | undefined, check: TargetCheck): void {
  const small = row('demo3d', 'cli-noop/run');
  const big = row('demo12d', 'cli-noop/run');
  const startup = row('demo3d', 'cli-noop/startup');
  // The start-up is the same for any history, so the ratio net of it says more about the engine.
  const net = (r: Row) => time(r.ms - startup!.ms);
  const netRatio = small && big && startup ? ` net of ${time(startup.ms)} start-up (letsflow --help): ${net(small)} → ${net(big)}, ${x((big.ms - startup.ms) / (small.ms - startup.ms))}` : '';
  check('a run with nothing new, 12 days of history vs 3 days: ≤ 1.2×', small && big ? big.ms / small.ms : undefined,
    (v) => `${x(v)} (3 d ${time(small!.ms)}, 12 d ${time(big!.ms)};${netRatio})`, (v) => v <= 1.2);

  const years = row('years29', 'cli-years/run');
  const done = years?.outcome === 'completed';
  const ended = done ? '' : ` (${years?.outcome})`;
  check('29 events spanning eleven years: < 2,000 files written', years?.files,
    (v) => `${done ? '' : '≥ '}${v.toLocaleString('en-US')} files in ${time(years!.ms)}${ended}`, (v) => done && v < 2000);
  check('29 events spanning eleven years: < 10 s', years?.ms, (v) => `${done ? '' : '≥ '}${time(v)}${ended}`, (v) => done && v < 10_000);

  const paths = row('paths300k', 'cli-paths/noraw');
  check('one object of 300k distinct paths (--no-raw) completes; peak RSS', paths?.rssMiB,
    (v) => `${paths!.outcome} in ${time(paths!.ms)}, peak RSS ${v.toFixed(0)} MiB`, () => paths!.outcome === 'completed');
}

/** Issue 13's closing note: the whole CLI process beside DuckDB (1 thread, regex) on one 500k-line access-log object. */
function s3AccessVerdicts(row: (fixture: FixtureName, name: string) => Row | undefined, check: TargetCheck): void {
  const cli = row('s3access500k', 's3access/cli');
  const duck = row('s3access500k', 's3access/duckdb');
  const done = cli?.outcome === 'completed';
  check('S3 access log, 500k lines: whole CLI process (--no-raw) ≥ 1.0× DuckDB 1 thread (regex, query only)',
    cli && duck ? (done ? duck.ms / cli.ms : 0) : undefined,
    (v) => done
      ? `${x(v)} (letsflow ${k(cli!.eventsPerSec)} lines/s in ${time(cli!.ms)}, DuckDB ${k(duck!.eventsPerSec)} lines/s in ${time(duck!.ms)})`
      : `letsflow did not complete (${cli!.outcome}); DuckDB ${k(duck!.eventsPerSec)} lines/s in ${time(duck!.ms)}`,
    (v) => done && v >= 1);
}

export interface Check {
  readonly fixture: FixtureName;
  readonly against: string;
  readonly compared: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Every digest on a fixture against the straightforward path's (`e2e/raw`, every field parsed;
 * else `e2e/noraw`): requests and bytes per window always, the whole summary's hash where both
 * sides have one.
 */
export function correctness(measured: readonly Measured[]): Check[] {
  const checks: Check[] = [];
  const fixtures = [...new Set(measured.map((m) => m.fixture.name))];
  for (const fixture of fixtures) {
    const withDigest = measured.filter((m) => m.fixture.name === fixture && m.output.digest !== undefined);
    const reference = withDigest.find((m) => m.planned.name === 'e2e/raw') ?? withDigest.find((m) => m.planned.name === 'e2e/noraw');
    if (!reference) continue;
    const ref = reference.output.digest!;
    for (const other of withDigest.filter((m) => m !== reference)) {
      const digest = other.output.digest!;
      const windows = [...new Set([...Object.keys(ref), ...Object.keys(digest)])].sort();
      const wrong = windows.filter((w) => ref[w]?.requests !== digest[w]?.requests || ref[w]?.bytes !== digest[w]?.bytes);
      const hashed = windows.every((w) => ref[w]?.summary !== undefined && digest[w]?.summary !== undefined);
      const wrongHash = hashed ? windows.filter((w) => ref[w]!.summary !== digest[w]!.summary) : [];
      const requests = windows.reduce((n, w) => n + (ref[w]?.requests ?? 0), 0);
      const what = hashed ? 'requests, bytes and whole summaries' : 'requests and bytes';
      checks.push({
        fixture,
        against: reference.planned.name,
        compared: other.planned.name,
        ok: wrong.length === 0 && wrongHash.length === 0,
        detail:
          wrong.length + wrongHash.length === 0
            ? `${windows.length} windows, ${requests} requests: ${what} equal`
            : `differ in ${[...new Set([...wrong, ...wrongHash])].slice(0, 3).join(', ')}… (${wrong.length} count, ${wrongHash.length} summary mismatches of ${windows.length})`,
      });
    }
  }
  return checks;
}
