/**
 * The `cli-*` cases drive `letsflow` as a black box: one fresh CLI process per run, with flags
 * only, so they keep measuring the same thing however src/ is rearranged. This runs one such
 * process and reports its wall time, CPU time, peak RSS and how it ended.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH_DIR, REPO_DIR } from './common.js';
import { CLI_ARGS } from './engineFixtures.js';

/** Preloaded into the CLI process: writes its own maxRSS and CPU time to BENCH_PROBE_FILE at exit. */
const PROBE = path.join(BENCH_DIR, 'cliProbe.ts');
/** How often a running CLI's peak RSS and CPU time are read from /proc, for a run that never exits cleanly. */
const POLL_MS = 100;

export interface CliRun {
  readonly ms: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Killed by the time limit. */
  readonly timedOut: boolean;
  /**
   * Peak RSS, KiB: the process's own `maxRSS` at exit (what every other case reports), or, when
   * it died without running its exit handlers (killed, out of memory), the kernel's high-water
   * mark as last polled, a lower bound.
   */
  readonly maxRssKiB: number;
  readonly rssExact: boolean;
  readonly cpuMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment without the CLI's own configuration variables, so a LETSFLOW_* setting (or
 * the seed deployment's bucket variables) in the shell cannot point a run elsewhere.
 */
function cliEnv(probeFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { BENCH_PROBE_FILE: probeFile };
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(LETSFLOW_|LETS__|SGRAPH_SEND__|CACHE__SERVICE__)/.test(name)) env[name] = value;
  }
  return env;
}

/** VmHWM (peak RSS, KiB) and utime + stime (ms) of a live process; undefined once it is gone. */
function procStats(pid: number): { hwmKiB: number; cpuMs: number } | undefined {
  try {
    // A process that has exited but not been reaped yet has no VmHWM line: keep the last reading.
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (!hwm) return undefined;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { hwmKiB: Number(hwm[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 }; // USER_HZ 100
  } catch {
    return undefined;
  }
}

/** Runs `letsflow <args>` from the repository; with `timeoutMs`, SIGKILLs it when that has passed. */
export async function runCli(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<CliRun> {
  const probeDir = await mkdtemp(path.join(tmpdir(), 'letsflow-bench-probe-'));
  const probeFile = path.join(probeDir, 'probe.json');
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_ARGS[0], CLI_ARGS[1], '--import', PROBE, ...CLI_ARGS.slice(2), ...args], {
    cwd: REPO_DIR,
    env: cliEnv(probeFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let polled = { hwmKiB: 0, cpuMs: 0 };
  const poll = setInterval(() => (polled = procStats(child.pid!) ?? polled), POLL_MS);
  let timedOut = false;
  const limit = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  const ms = performance.now() - started;
  clearInterval(poll);
  if (limit) clearTimeout(limit);
  let probe: { maxRssKiB: number; cpuMs: number } | undefined;
  try {
    probe = JSON.parse(readFileSync(probeFile, 'utf8')) as { maxRssKiB: number; cpuMs: number };
  } catch {
    probe = undefined; // died without running exit handlers
  }
  rmSync(probeDir, { recursive: true, force: true });
  return {
    ms, code, signal, timedOut, stdout, stderr,
    maxRssKiB: probe?.maxRssKiB ?? polled.hwmKiB,
    rssExact: probe !== undefined,
    cpuMs: probe?.cpuMs ?? polled.cpuMs,
  };
}

/** How a run ended, in a few words: `completed`, `killed after 60 s`, `exit 1: RangeError: …`. */
export function outcomeOf(run: CliRun): string {
  if (run.timedOut) return `killed after ${Math.round(run.ms / 1000)} s`;
  if (run.code === 0) return 'completed';
  // The line that names the error (`RangeError: …`, V8's `FATAL ERROR: … heap out of memory`,
  // `letsflow: …`) says most; JS and native stack frames say little here.
  const lines = run.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^(at |\d+: 0x)/.test(l));
  const error = lines.find((l) => /^(FATAL ERROR|\w*Error\b|letsflow:)/.test(l)) ?? lines.at(-1) ?? '';
  const how = run.signal ? `killed by ${run.signal}` : `exit ${run.code}`;
  return `${how}${error ? `: ${error.slice(0, 160)}` : ''}${run.rssExact ? '' : ' (peak RSS as last polled, a lower bound)'}`;
}

/** Files below `dir`, however deep (what a run left in its cache folder). */
export async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

/** A fresh, empty cache folder for one run. */
export const freshCacheDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'letsflow-bench-cli-'));

/** Peak RSS and CPU time of the CLI processes a case timed, for runReps' child hooks. */
export function cliUsage() {
  let rssKiB = 0;
  let cpuMs = 0;
  return {
    /** Counts a timed run (not the untimed set-up runs, whose CPU is no rep's). */
    add(run: CliRun): CliRun {
      rssKiB = Math.max(rssKiB, run.maxRssKiB);
      cpuMs += run.cpuMs;
      return run;
    },
    childRssKiB: () => rssKiB,
    childCpuMs: () => cpuMs,
  };
}
