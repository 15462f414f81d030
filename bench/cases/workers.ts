/**
 * Scaling over many objects: `variant` worker processes (1 or 2), each running `runPipeline`
 * (keepRaw false) over its share of the fixture's objects into its own temp store. gzip cannot
 * be split, so objects are the unit of parallelism. The time is from a start barrier to the last
 * worker's finish, so process start-up and module loading (the same for any worker count) are
 * left out; peak RSS is the largest of any worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { caseArgs, loadFixture, runReps, type FixtureObject } from '../common.js';

export interface WorkerTask {
  readonly fixture: string;
  readonly keys: string[];
}
export type WorkerMessage =
  | { readonly type: 'ready'; readonly startRssKiB: number }
  | { readonly type: 'done'; readonly events: number; readonly maxRssKiB: number; readonly cpuMs: number };

const args = caseArgs();
const { fixture: name, variant } = args;
const fixture = await loadFixture(name);
const count = Number(variant);
if (!(count >= 1)) throw new Error(`workers: unknown variant ${variant}`);

/** Largest first to the least loaded worker, so the shares take about the same time. */
function shares(objects: readonly FixtureObject[], n: number): string[][] {
  const load = new Array<number>(n).fill(0);
  const keys: string[][] = Array.from({ length: n }, () => []);
  for (const object of [...objects].sort((a, b) => b.bytes - a.bytes)) {
    const least = load.indexOf(Math.min(...load));
    load[least]! += object.bytes;
    keys[least]!.push(object.key);
  }
  return keys;
}

const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url));
let workers: ChildProcess[] = [];
let childRssKiB = 0;
let childCpuMs = 0;
let childStartRssKiB = 0;

const next = (child: ChildProcess): Promise<WorkerMessage> => once(child, 'message').then(([message]) => message as WorkerMessage);

await runReps(`workers/${count}`, args, {
  before: async () => {
    workers = shares(fixture.objects, count).map((keys) => {
      const task: WorkerTask = { fixture: name, keys };
      return fork(workerScript, [JSON.stringify(task)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    });
    for (const message of await Promise.all(workers.map(next))) {
      if (message.type !== 'ready') throw new Error('worker did not get ready');
      childStartRssKiB = Math.max(childStartRssKiB, message.startRssKiB);
    }
  },
  rep: async () => {
    const finished = workers.map(next);
    for (const w of workers) w.send('go');
    let events = 0;
    for (const message of await Promise.all(finished)) {
      if (message.type !== 'done') throw new Error('worker failed');
      events += message.events;
      childRssKiB = Math.max(childRssKiB, message.maxRssKiB);
      childCpuMs += message.cpuMs;
    }
    return events;
  },
  after: async () => {
    await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : undefined)));
    if (workers.some((w) => w.exitCode !== 0)) throw new Error('a worker exited with an error');
  },
  finish: async () => ({ note: `${count} worker process(es), ${fixture.objects.length} objects` }),
  childRssKiB: () => childRssKiB,
  childCpuMs: () => childCpuMs,
  childStartRssKiB: () => childStartRssKiB,
});
