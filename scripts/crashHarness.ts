import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '../bin/letsflow.js');

/** Runs `letsflow <args>` to completion; resolves with its exit code. */
export function runCli(args: readonly string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

/** Starts `letsflow <args>` and SIGKILLs it after `afterMs` (if still running); resolves when it is gone. */
export function killCliAfter(args: readonly string[], cwd: string, afterMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

/**
 * The committed results in a cache folder, path → text: aggregates and ledger entries, with
 * `computed_at` (wall clock) blanked, and no temp files (a killed write leaves one behind; it
 * is never read).
 */
export async function committedState(cache: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const namespace of ['sa-cloudfront-aggregate', 'sa-ledger', 'sa-cloudfront-consolidated']) {
    const root = join(cache, namespace);
    let entries;
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith('.tmp-') || !entry.name.endsWith('.json')) continue;
      // Leases are coordination state, not results.
      if (entry.parentPath.includes('/leases/')) continue;
      const path = join(entry.parentPath, entry.name);
      const text = (await readFile(path, 'utf8')).replace(/"computed_at": "[^"]*"/, '"computed_at": ""');
      state.set(path.slice(cache.length), text);
    }
  }
  return new Map([...state].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Paths whose content differs between two states, or that only one has. */
export function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}
