import { describe, expect, it } from 'vitest';
import { SinkWriteError } from '../../../src/core/errors.js';
import { objectId } from '../../../src/engine/layout.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { NAMESPACES } from '../../../src/pipelines/cloudfront/namespaces.js';
import type { CacheStore } from '../../../src/sinks/cacheStore.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { BASE_TIME, cloudfrontContext, event } from '../../helpers/factories.js';
import { realtimeObject } from '../../helpers/objects.js';

const ctx = (store: CacheStore) => cloudfrontContext(store, { keepRaw: true });
const objects = [0, 1, 2].map((i) => realtimeObject(`logs/${i}.gz`, [event({ timestamp: BASE_TIME + i * 40 * 60_000 })]));

/** A store whose writes of keys containing `failing` fail, as a full disk or a denied PUT would. */
function failingFor(store: MemoryCacheStore, failing: string): CacheStore {
  return {
    ...store,
    put: async (ref, body) => {
      if (ref.key.includes(failing)) throw new SinkWriteError(`${ref.namespace}/${ref.key}`, { cause: new Error('ENOSPC: no space left on device') });
      return store.put(ref, body);
    },
  };
}

describe('pipeline: store write failures', () => {
  it.each([
    ['the raw events', 'objects/1.gz'],
    ['a partial', `2026-02-14-0030/1.gz`],
  ])('leaves an object whose %s cannot be written pending, finishes the others, and a re-run completes it', async (_, failing) => {
    // Prepare
    const store = memoryCacheStore();
    const clean = memoryCacheStore();
    await runPipeline(objects, ctx(clean));
    // Act
    const broken = await runPipeline(objects, ctx(failingFor(store, failing)));
    const ledgerAfterFailure = await store.list(NAMESPACES.ledger, 'json', 'objects/');
    const healed = await runPipeline(objects, ctx(store));
    // Assess
    expect(broken.failed.map((f) => [f.object, f.code])).toEqual([['s3://test-bucket/logs/1.gz', 'sink_write_failed']]);
    expect(ledgerAfterFailure).not.toContain(`objects/${objectId(objects[1]!)}`);
    expect(broken.aggregate.final).toBe(0);
    expect(healed.processed).toBe(1);
    const aggregates = (s: MemoryCacheStore) => new Map([...s.snapshot()].filter(([p]) => p.startsWith(`${NAMESPACES.aggregate}/`)));
    expect(aggregates(store)).toEqual(aggregates(clean));
  });
});
