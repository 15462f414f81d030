/**
 * `npx tsx bench/profile.ts <unit>/<case> [fixture] [reps]`: runs one case under `node --cpu-prof`
 * and prints the functions with the most self time, for whoever optimises the data path.
 * The fixture must exist (run `npm run bench -- <fixture>` once). The profile is kept in
 * bench/.data/profiles/ for Chrome DevTools or speedscope.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { DATA_DIR, REPO_DIR, type CaseArgs, type FixtureName } from './common.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const [name = 'e2e/noraw', fixture = 'rt100', reps = '3'] = process.argv.slice(2);
const [unit, variant = ''] = name.split('/');
const dir = path.join(DATA_DIR, 'profiles', name.replace('/', '-'));
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });

const args: CaseArgs = { fixture: fixture as FixtureName, reps: Number(reps), variant };
const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', path.join(REPO_DIR, 'bench/cases', `${unit}.ts`), JSON.stringify(args)], {
  cwd: REPO_DIR,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (run.status !== 0) throw new Error(`${name} exited with ${run.status}`);

// The case's own process wrote the largest profile (workers or esbuild may write small ones).
const files = await Promise.all((await readdir(dir)).map(async (f) => ({ f, text: await readFile(path.join(dir, f), 'utf8') })));
const { f, text } = files.sort((a, b) => b.text.length - a.text.length)[0]!;
const profile = JSON.parse(text) as Profile;

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  // Positions are in the code tsx ran (close to the source, not equal): enough to tell closures apart.
  const where = url ? `${url.replace(/^file:\/\//, '').replace(`${REPO_DIR}/`, '')}:${lineNumber + 1}:${columnNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + (selfUs.get(node.id) ?? 0));
}
const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
console.log(`${name} on ${fixture}, ${reps} reps: ${(total / 1e6).toFixed(2)} s sampled on the main thread (${path.join(path.relative(REPO_DIR, dir), f)})`);
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}
