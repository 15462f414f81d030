/**
 * What `npm run bench` measures, on which fixture, how many times. Every timed rep runs in a
 * fresh process, and the runner interleaves the reps of all cases (round 1 of every case, then
 * round 2, …) so a burst of other load on the machine spreads over all cases instead of skewing
 * one. Repetitions are few on the 1 GB object so the whole run (fixture generation included)
 * stays under 10 minutes on 2 vCPUs.
 */
import path from 'node:path';
import { BENCH_DIR, FIXTURES, type FixtureName } from './common.js';

export interface PlannedCase {
  /** `<unit>/<case>`, as printed. */
  readonly name: string;
  readonly script: string;
  readonly variant: string;
  readonly fixture: FixtureName;
  /** Timed reps, each in a fresh process. */
  readonly reps: number;
  /** An untimed run first in each process, so the timed one runs on warm (JIT-compiled) code. */
  readonly warmup: boolean;
}

const script = (file: string): string => path.join(BENCH_DIR, 'cases', `${file}.ts`);

const cases = (fixture: FixtureName, reps: number, names: readonly string[]): PlannedCase[] =>
  names.map((name) => {
    const [unit, variant] = name.split('/') as [string, string];
    // e2e/raw writes every event as gzip NDJSON: one rep on the 1 GB object is enough.
    const n = fixture === 'rt1g' && name === 'e2e/raw' ? 1 : reps;
    // A warm-up would double the 1 GB cases, whose JIT warm-up is a negligible share anyway;
    // workers are fresh processes in every rep whatever the case does.
    const warmup = fixture !== 'rt1g' && unit !== 'workers';
    return { name, script: script(unit), variant, fixture, reps: n, warmup };
  });

/**
 * The engine issue's cases drive the CLI as a black box (bench/cases/cli-*.ts): every rep is a
 * fresh CLI process anyway, so a warm-up in the case's own process would warm nothing.
 */
const cliCases = (fixture: FixtureName, reps: number, names: readonly string[]): PlannedCase[] =>
  names.map((name) => {
    const [unit, variant] = name.split('/') as [string, string];
    return { name, script: script(unit), variant, fixture, reps, warmup: false };
  });

/** Run in this order: the limits first, then letsflow, then the baselines, then the CLI cases. */
export const PLAN: readonly PlannedCase[] = [
  ...cases('rt100', 5, [
    'gunzip/only', 'gunzip/split2', 'gunzip/indexof',
    'letsflow/readlines', 'letsflow/parse', 'letsflow/consolidate', 'letsflow/windows',
    'handloop/consolidate', 'e2e/noraw', 'e2e/raw', 'duckdb/1', 'duckdb/all',
  ]),
  ...cases('rt10', 5, ['gunzip/only', 'handloop/consolidate', 'e2e/noraw', 'duckdb/1']),
  ...cases('rt1g', 2, ['gunzip/only', 'letsflow/consolidate', 'handloop/consolidate', 'e2e/noraw', 'e2e/raw', 'duckdb/1']),
  ...cases('std100', 3, ['gunzip/only', 'letsflow/parse', 'e2e/noraw', 'duckdb/1']),
  ...cases('many', 3, ['gunzip/only', 'workers/1', 'workers/2']),
  // `npm run bench -- cli-` runs these alone. The two cases killed at a time limit run once.
  ...cliCases('demo3d', 5, ['cli-noop/run', 'cli-noop/startup']),
  ...cliCases('demo12d', 5, ['cli-noop/run']),
  ...cliCases('years29', 1, ['cli-years/run']),
  ...cliCases('paths300k', 1, ['cli-paths/noraw']),
  // Issue 13: `npm run bench -- s3access` runs these alone (the CLI beside DuckDB on one object).
  ...cliCases('s3access500k', 3, ['s3access/cli', 's3access/duckdb']),
];

/**
 * `npm run bench -- <filter>`: a fixture's name selects its cases (`rt10` is not `rt100`);
 * anything else selects the cases whose `<unit>/<case>@<fixture>` contains it.
 */
export function select(filter: string | undefined): PlannedCase[] {
  if (!filter) return [...PLAN];
  if (filter in FIXTURES) return PLAN.filter((c) => c.fixture === filter);
  return PLAN.filter((c) => `${c.name}@${c.fixture}`.includes(filter));
}
