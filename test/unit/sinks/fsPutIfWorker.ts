/**
 * A child process for the cross-process putIf tests of fsCacheStore: `node --import tsx
 * fsPutIfWorker.ts <root> <startAt> <keys> <increments>`. Waits until `startAt` (epoch ms) so
 * every worker starts together, races to create `race/key-<i>` for each of `keys` keys, then
 * adds `increments` to `counters/shared` with read-modify-write under if-match. Prints one
 * JSON line: `{ "created": [...keys won], "retries": n }`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PreconditionFailedError } from '../../../src/core/errors.js';
import type { EntryRef } from '../../../src/sinks/cacheStore.js';
import { fsCacheStore } from '../../../src/sinks/fsCacheStore.js';

const [root, startAt, keys, increments] = process.argv.slice(2);
const store = fsCacheStore({ root: root! });
const ns = 'cross-process';
const ref = (key: string): EntryRef => ({ namespace: ns, key, fileType: 'json' });

await sleep(Math.max(0, Number(startAt) - Date.now()));

const created: string[] = [];
await Promise.all(
  Array.from({ length: Number(keys) }, async (_, index) => {
    const key = `race/key-${index}`;
    try {
      await store.putIf(ref(key), JSON.stringify({ pid: process.pid }), { ifNoneMatch: '*' });
      created.push(key);
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }),
);

let retries = 0;
for (let done = 0; done < Number(increments); ) {
  const current = (await store.getVersioned(ref('counters/shared')))!;
  const n = (JSON.parse(Buffer.from(current.body).toString('utf8')) as { n: number }).n;
  try {
    await store.putIf(ref('counters/shared'), JSON.stringify({ n: n + 1 }), { ifMatch: current.version });
    done += 1;
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    retries += 1;
  }
}

process.stdout.write(`${JSON.stringify({ created, retries })}\n`);
