/**
 * Crash soak: SIGKILLs `letsflow run` at random points, a thousand times by default, and after
 * every few kills lets a run finish and compares the committed results with a clean run's.
 * Prints how many finished runs differed (the answer must be zero).
 *
 *   npm run soak                 # 1000 kills
 *   npm run soak -- --kills 100
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDemoObjects } from '../src/pipelines/cloudfront/demoData.js';
import { mulberry32 } from '../src/pipelines/cloudfront/demo/random.js';
import { committedState, differences, killCliAfter, runCli } from './crashHarness.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '1000' }, 'kills-per-run': { type: 'string', default: '4' }, seed: { type: 'string', default: '1' } } });
const totalKills = Number(values.kills);
const killsPerRun = Number(values['kills-per-run']);
const random = mulberry32(Number(values.seed));

const dir = await mkdtemp(join(tmpdir(), 'letsflow-soak-'));
try {
  await writeDemoObjects({ dir: join(dir, 'logs'), days: 0.5, requestsPerHour: 300, seed: 11 });
  if ((await runCli(['run', '--source', 'logs', '--cache', 'clean'], dir)) !== 0) throw new Error('the clean run failed');
  const clean = await committedState(join(dir, 'clean'));
  let kills = 0;
  let runs = 0;
  let differing = 0;
  const started = Date.now();
  while (kills < totalKills) {
    const cache = `run-${runs}`;
    for (let k = 0; k < killsPerRun && kills < totalKills; k++) {
      if ((await killCliAfter(['run', '--source', 'logs', '--cache', cache], dir, 150 + Math.floor(random() * 2500))) === 'killed') kills++;
    }
    if ((await runCli(['run', '--source', 'logs', '--cache', cache], dir)) !== 0) differing++;
    else if (differences(await committedState(join(dir, cache)), clean).length > 0) differing++;
    runs++;
    await rm(join(dir, cache), { recursive: true, force: true });
    process.stderr.write(`\r${kills}/${totalKills} kills, ${runs} runs finished, ${differing} differed (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  process.stderr.write('\n');
  console.log(`soak: ${kills} SIGKILLs over ${runs} runs; ${differing} finished runs differed from the clean run`);
  process.exitCode = differing === 0 ? 0 : 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
