/** One worker of the `workers` case: waits for `go`, runs its objects end to end, reports, exits. */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloudfrontPipeline, fsCacheStore, localObjects, runPipeline, stepContextFor } from '../../src/index.js';
import { loadFixture, type FixtureName } from '../common.js';
import type { WorkerMessage, WorkerTask } from './workers.js';

const task = JSON.parse(process.argv[2]!) as WorkerTask;
const fixture = await loadFixture(task.fixture as FixtureName);
const wanted = new Set(task.keys);
const objects = (await localObjects(fixture.dir)).filter((o) => wanted.has(o.key));
const root = await mkdtemp(path.join(tmpdir(), 'letsflow-bench-worker-'));
const ctx = stepContextFor(cloudfrontPipeline, fsCacheStore({ root }), { keepRaw: false });

const send = (message: WorkerMessage): Promise<void> => new Promise((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));
await send({ type: 'ready', startRssKiB: process.memoryUsage.rss() / 1024 });
await once(process, 'message');
const cpu = process.cpuUsage();
const outcome = await runPipeline(objects, ctx);
const used = process.cpuUsage(cpu);
await send({ type: 'done', events: outcome.events, maxRssKiB: process.resourceUsage().maxRSS, cpuMs: (used.user + used.system) / 1000 });
await rm(root, { recursive: true, force: true });
process.disconnect();
