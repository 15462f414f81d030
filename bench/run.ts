/**
 * `npm run bench [-- <filter>]`: generates the fixtures (cached), runs every case — or those the
 * filter selects (see plan.ts) — one timed rep per fresh child process, reps of all cases
 * interleaved, then prints the table, the targets and the correctness checks, and (full runs
 * only) writes bench/RESULTS.md. Exits non-zero when a case fails or aggregates disagree; a
 * target that falls short never fails the run.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_DIR, DUCKDB_VERSION, ensureDuckDb, ensureFixture, machineBusyMs, MB, REPO_DIR, RESULT_MARKER, type CaseArgs, type CaseOutput, type Fixture, type FixtureName } from './common.js';
import { select, type PlannedCase } from './plan.js';
import { correctness, markdownTable, rows, TABLE_HEADER, tableCells, verdicts, type Measured } from './report.js';

const started = performance.now();
// Other work on the machine skews every figure; the load average before and after says how much.
const loadBefore = os.loadavg();
const filter = process.argv[2];
const planned = select(filter);
if (planned.length === 0) {
  console.error(`no case matches '${filter}'`);
  process.exit(2);
}
const log = (message: string): void => console.log(message);

log(`letsflow bench: ${planned.length} cases on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
log('fixtures (generated once, cached in bench/.data):');
const fixtures = new Map<FixtureName, Fixture>();
for (const name of new Set(planned.map((c) => c.fixture))) {
  const fixture = await ensureFixture(name, log);
  fixtures.set(name, fixture);
  const how = fixture.fresh ? `generated in ${(fixture.generatedMs / 1000).toFixed(1)} s` : 'cached';
  log(`  ${name}: ${fixture.objects.length} object(s), ${(fixture.bytes / MB).toFixed(0)} MB (${(fixture.compressedBytes / MB).toFixed(0)} MB gz), ${fixture.events} events, ${how}`);
}
if (planned.some((c) => c.name.startsWith('duckdb/') || c.name === 's3access/duckdb')) ensureDuckDb(log);
const fixturesMs = performance.now() - started;

/** Runs one timed rep of a case in a fresh process and returns its result line. */
function runCase(c: PlannedCase): Promise<CaseOutput> {
  const args: CaseArgs = { fixture: c.fixture, reps: 1, variant: c.variant, warmup: c.warmup };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', c.script, JSON.stringify(args)], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let output: CaseOutput | undefined;
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      pending += text;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(RESULT_MARKER)) output = JSON.parse(line.slice(RESULT_MARKER.length)) as CaseOutput;
        else log(line);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && output ? resolve(output) : reject(new Error(`exited with code ${code}${output ? '' : ', no result'}`))));
  });
}

/** One case's processes as one result: all reps, the highest single-run RSS peak, the last digest. */
function merge(outputs: readonly CaseOutput[]): CaseOutput {
  const peak = outputs.reduce((a, b) => (b.maxRssKiB > a.maxRssKiB ? b : a));
  const last = outputs[outputs.length - 1]!;
  const stalls = outputs.reduce((n, o) => n + (o.stalls ?? 0), 0);
  return {
    reps: outputs.flatMap((o) => o.reps),
    maxRssKiB: peak.maxRssKiB,
    startRssKiB: peak.startRssKiB,
    ...(last.digest && { digest: last.digest }),
    ...(last.note && { note: last.note }),
    ...(stalls > 0 && { stalls }),
  };
}

/**
 * This box is shared: when other processes keep a core busy, wait a little for them before the
 * next rep, within a budget that keeps the whole run under 10 minutes. What load remains shows
 * in the table's `other load` column.
 */
let waitBudgetMs = 120_000;
async function settle(): Promise<void> {
  let said = false;
  while (waitBudgetMs > 0) {
    const busy = machineBusyMs();
    if (busy === undefined) return;
    await sleep(500);
    const load = (machineBusyMs()! - busy) / 500;
    if (load < 0.25) return;
    if (!said) log(`    other processes keep ${load.toFixed(2)} cores busy; waiting up to ${Math.round(waitBudgetMs / 1000)} s more for them`);
    said = true;
    await sleep(2000);
    waitBudgetMs -= 2500;
  }
}

const outputs = new Map<PlannedCase, CaseOutput[]>(planned.map((c) => [c, []]));
const failed = new Map<PlannedCase, string>();
const runs = planned.reduce((n, c) => n + c.reps, 0);
let run = 0;
for (let round = 0; round < Math.max(...planned.map((c) => c.reps)); round++) {
  for (const c of planned.filter((p) => p.reps > round && !failed.has(p))) {
    log(`[${++run}/${runs}] ${c.name} on ${c.fixture}, rep ${round + 1}/${c.reps}${c.warmup ? ' (after a warm-up)' : ''}`);
    try {
      await settle();
      outputs.get(c)!.push(await runCase(c));
    } catch (error) {
      failed.set(c, `${c.name} ${c.fixture}: ${(error as Error).message}`);
      log(`    FAILED: ${(error as Error).message}`);
    }
  }
}
const measured: Measured[] = planned
  .filter((c) => !failed.has(c))
  .map((c) => ({ planned: c, fixture: fixtures.get(c.fixture)!, output: merge(outputs.get(c)!) }));

const table = markdownTable(TABLE_HEADER, rows(measured).map(tableCells));
const targets = verdicts(rows(measured));
const checks = correctness(measured);
const totalMs = performance.now() - started;
const verdictLines = targets.map((v) => `- **${v.status}** — ${v.target}: ${v.measured}`);
const checkLines = checks.map((c) => `- **${c.ok ? 'OK' : 'MISMATCH'}** — ${c.fixture}: ${c.compared} vs ${c.against}: ${c.detail}`);
const notes = measured.filter((m) => m.output.note).map((m) => `- ${m.planned.name} ${m.fixture.name}: ${m.output.note}`);
const stalled = measured
  .filter((m) => m.output.stalls)
  .map((m) => `- ${m.planned.name} ${m.fixture.name}: ${m.output.stalls} rep(s) stalled — the pipeline's promise never settled and the event loop ran empty — and were run again`);

log(`\n${table}\n\nTargets (printed, never asserted):\n${verdictLines.join('\n')}\n\nCorrectness:\n${checkLines.join('\n') || '- nothing to compare in this selection'}`);
if (stalled.length) log(`\nStalled reps (a hang in the code measured; the figures exclude them):\n${stalled.join('\n')}`);
if (failed.size) log(`\nFailed cases:\n${[...failed.values()].map((f) => `- ${f}`).join('\n')}`);
log(`\ntotal ${(totalMs / 1000).toFixed(0)} s (fixtures ${(fixturesMs / 1000).toFixed(0)} s, waiting for other load ${((120_000 - waitBudgetMs) / 1000).toFixed(0)} s)`);

const fixtureTable = markdownTable(
  ['object', 'objects', 'uncompressed', 'gzip', 'events', 'bytes/event'],
  [...fixtures.values()].map((f) => [f.name, String(f.objects.length), `${(f.bytes / MB).toFixed(1)} MB`, `${(f.compressedBytes / MB).toFixed(1)} MB`, String(f.events), (f.bytes / f.events).toFixed(0)]),
);
const markdown = `# letsflow benchmark results

Generated by \`npm run bench\` (bench/run.ts); do not edit by hand.

- Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}
- Node ${process.version} (V8 ${process.versions.v8}, zlib ${process.versions.zlib})
- Date: ${new Date().toISOString()}
- Wall time of the whole run: ${(totalMs / 1000).toFixed(0)} s, of which fixtures ${(fixturesMs / 1000).toFixed(0)} s and waiting for other load to settle ${((120_000 - waitBudgetMs) / 1000).toFixed(0)} s
- Load average (1, 5, 15 min) before the run: ${loadBefore.map((l) => l.toFixed(2)).join(', ')}; after: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (the run itself keeps 1–2 cores busy)

## Objects

Deterministic gzip (level 6) CloudFront logs from the demo generator (skewed paths and clients,
diurnal rate, long-tailed latencies, out-of-order timestamps): real-time logs with the sgraph-27
field list and a standard log with the 33 legacy fields. \`many\` is consecutive ~5 MB slices of
one traffic stream.

${fixtureTable}

## Results

Median of the repetitions; every rep runs in a fresh process (after one untimed warm-up run,
except on the 1 GB object and for the workers), and the reps of all cases are interleaved. MB/s is uncompressed log per second;
\`cores\` is CPU time over wall time (zlib runs on libuv's thread pool, so one JS thread can keep
more than one core busy); \`× gunzip\` is throughput relative to gunzip alone on the same object,
\`× DuckDB 1t\` relative to DuckDB with one thread; \`tax vs hand\` is extra time relative to the
hand-written loop. Peak RSS is the process's \`maxRSS\` after its first run (the warm-up where
there is one), i.e. the cost of one run, highest over the case's processes (node, the tsx loader
and the modules take ~100 MiB before any work); \`RSS over start\` is that peak minus the RSS
just before the run, i.e. what the work added. \`other load\` is how many cores other processes kept busy during
the reps (median; machine busy time from /proc/stat minus the case's own CPU time): where it is
well above zero, that row's figures are pessimistic.

${table}

## Targets

${verdictLines.join('\n')}

## Correctness

${checkLines.join('\n') || '- nothing to compare in this selection'}
${stalled.length ? `\n## Stalled reps\n\nA hang in the code measured; the figures exclude these reps.\n\n${stalled.join('\n')}\n` : ''}${failed.size ? `\n## Failed cases\n\n${[...failed.values()].map((f) => `- ${f}`).join('\n')}\n` : ''}
## Notes

- **Stages** (\`letsflow/*\`, in memory, no store): \`readlines\` = gunzip + split2 into line batches;
  \`parse\` adds parsing the summary fields (\`--no-raw\`'s selection); \`consolidate\` adds per-object
  30-minute summaries (what ingest computes); \`windows\` is parse + \`windowTumbling\` + \`rollup\` instead.
- **End to end** (\`e2e/*\`) is \`runPipeline\` into a fresh filesystem cache store, writes included:
  \`noraw\` = keepRaw false (\`--no-raw\`), \`raw\` = keepRaw true (the default: every field parsed and
  stored as gzip NDJSON).
- **Hand-written loop** (\`handloop/consolidate\`): one function doing gunzip → \`indexOf\` line split →
  the nine summary fields pulled out by position → 30-minute grouping into the library's own
  \`SummaryBuilder\`. The aggregation code is the same as letsflow's, so its difference to
  \`letsflow/consolidate\` is only the framework's overhead (the framework tax).
- **DuckDB** (\`@duckdb/node-api\` ${DUCKDB_VERSION}, installed by the runner into bench/.data/duckdb)
  reads the same gzip files with \`read_csv\` and computes per 30-minute window requests and bytes,
  requests per status class, and requests and bytes per (decoded) path, in one GROUPING SETS scan.
  It computes less than a letsflow summary (no status codes, edges, cache hits, user-agent sketch
  or latency quantiles), which favours DuckDB.
- **Workers**: 1 or 2 processes, each running \`runPipeline\` (keepRaw false) over its share of the
  \`many\` objects into its own store; timed from a start barrier (process start-up excluded) to the
  last worker's end.
- **CLI, black box** (\`cli-*\`, the engine issue): \`node --import tsx src/runtime/cli/bin.ts …\` with flags
  only, a fresh CLI process per rep, timed from spawn to exit (start-up included: \`cli-noop/startup\`
  is \`letsflow --help\` alone). Peak RSS is the CLI process's own \`maxRSS\`, read at exit by a preloaded
  probe (bench/cliProbe.ts), or polled from /proc when the process was killed; \`RSS over start\` is
  relative to the case's own process (node, tsx and the library loaded), about a CLI's start-up.
  \`cli-noop/run\`: a run with nothing new over the cache a complete run left (\`letsflow demo\`, 300
  requests/h, 3 and 12 days). \`cli-years/run\`: one standard log of 29 requests from 2014 to 2025, killed
  after 60 s. \`cli-paths/noraw\`: \`--no-raw\` over one real-time object of 300k requests in one day, each
  to a path of its own.
- **S3 access logs** (\`s3access/*\`, issue 13): one plain-text access-log object of 500k lines from the
  demo generator (src/pipelines/s3access/demo/). \`s3access/cli\` is the whole CLI process
  (\`run --pipeline s3access --format s3-access --no-raw\`), \`s3access/duckdb\` is DuckDB with one thread
  reading the same file line by line with a regular expression, deduplicating byte-identical lines and
  computing requests and bytes by operation and status class per 30-minute window (query time only).
- **Correctness**: every digest is compared to the straightforward path's (\`e2e/raw\`): requests and
  bytes per 30-minute window, and the hash of the whole summary where both sides have one.
${notes.join('\n')}
`;
// A filtered run measures a few cases only; it must not replace the full record.
if (filter) log('filtered run: bench/RESULTS.md left as it was');
else {
  await writeFile(path.join(BENCH_DIR, 'RESULTS.md'), markdown);
  log('wrote bench/RESULTS.md');
}
process.exit(failed.size > 0 || checks.some((c) => !c.ok) ? 1 : 0);
