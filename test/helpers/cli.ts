import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';

const exec = promisify(execFile);
export const CLI = join(import.meta.dirname, '../../bin/letsflow.js');

/**
 * The demo's days are months before this machine's clock, so the default idle bound (a day)
 * would let the wall clock settle every window at once. With it out of reach, finality follows
 * the data alone, as in the unit tests.
 */
export const DATA_FINALITY = ['--idle', String(1e9)];

/** A runner of the CLI as a user would run it, in `cwd`, with `env` over this process's: its exit code and both streams, never a throw. */
export function cliRunner(env: NodeJS.ProcessEnv = {}) {
  return async (cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}

export const letsflow = cliRunner();

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

/** Counts the demo lines without letsflow: gunzip, split on TABs, read sgraph-27 columns by position. */
export async function independentTotals(dir: string) {
  let requests = 0;
  let bytes = 0;
  const classes: Record<string, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  for (const file of await filesUnder(dir)) {
    for (const line of gunzipSync(await readFile(file)).toString('utf8').split('\n')) {
      if (line === '') continue;
      const columns = line.split('\t');
      requests++;
      bytes += columns[2] === '-' ? 0 : Number(columns[2]);
      const cls = `${columns[1]![0]}xx`;
      if (cls in classes) classes[cls]!++;
    }
  }
  return { requests, bytes, classes };
}
