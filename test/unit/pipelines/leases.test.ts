import { describe, expect, it } from 'vitest';
import { objectId, pipelineRefs } from '../../../src/engine/layout.js';
import { claimObject, releaseLease } from '../../../src/engine/leases.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { NAMESPACES } from '../../../src/pipelines/cloudfront/namespaces.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { BASE_TIME, cloudfrontContext, event } from '../../helpers/factories.js';
import { realtimeObject } from '../../helpers/objects.js';

const MINUTE = 60_000;
const ctx = (store: MemoryCacheStore) => cloudfrontContext(store);
const leaseOf = (id: string) => pipelineRefs(NAMESPACES).lease(id);
const objects = Array.from({ length: 12 }, (_, i) =>
  realtimeObject(`logs/${String(i).padStart(2, '0')}.gz`, Array.from({ length: 20 }, (_, j) => event({ timestamp: BASE_TIME + (i * 20 + j) * MINUTE }))),
);
const aggregates = (store: MemoryCacheStore) => new Map([...store.snapshot()].filter(([p]) => p.startsWith(`${NAMESPACES.aggregate}/`)));

describe('pipeline: leases', () => {
  it('lets exactly one of many racing workers claim an object', async () => {
    const store = memoryCacheStore();
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => claimObject(store, leaseOf('obj'), 'obj', `worker-${i}`, MINUTE, 0)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('frees an object when its lease expires or is released, never before', async () => {
    // Prepare
    const store = memoryCacheStore();
    const held = await claimObject(store, leaseOf('obj'), 'obj', 'a', MINUTE, 0);
    // Act / Assess
    expect(await claimObject(store, leaseOf('obj'), 'obj', 'b', MINUTE, MINUTE - 1)).toBeUndefined();
    expect(await claimObject(store, leaseOf('obj'), 'obj', 'b', MINUTE, MINUTE + 1)).toBeDefined();
    await releaseLease(store, held!); // a's lease was taken over: releasing it must not free b's
    expect(await claimObject(store, leaseOf('obj'), 'obj', 'c', MINUTE, MINUTE + 2)).toBeUndefined();
  });

  it('two concurrent workers process every object once and aggregate like a single worker', async () => {
    // Prepare
    const single = memoryCacheStore();
    await runPipeline(objects, ctx(single));
    const shared = memoryCacheStore();
    // Act
    const [a, b] = await Promise.all([
      runPipeline(objects, ctx(shared), { lease: { owner: 'a', ttlMs: MINUTE }, concurrency: 1 }),
      runPipeline(objects, ctx(shared), { lease: { owner: 'b', ttlMs: MINUTE }, concurrency: 1 }),
    ]);
    await runPipeline(objects, ctx(shared), { lease: { owner: 'a', ttlMs: MINUTE } });
    // Assess
    expect(a.processed + b.processed).toBe(objects.length);
    expect(aggregates(shared)).toEqual(aggregates(single));
  });

  it("finishes a dead worker's object once its lease has expired", async () => {
    // Prepare: a worker claimed the first object and died
    const store = memoryCacheStore();
    let now = 0;
    await claimObject(store, leaseOf(objectId(objects[0]!)), objectId(objects[0]!), 'dead', 5 * MINUTE, now);
    // Act
    const whileHeld = await runPipeline(objects, ctx(store), { lease: { owner: 'b', ttlMs: 5 * MINUTE, now: () => now } });
    now = 6 * MINUTE;
    const afterExpiry = await runPipeline(objects, ctx(store), { lease: { owner: 'b', ttlMs: 5 * MINUTE, now: () => now } });
    // Assess
    expect(whileHeld.processed).toBe(objects.length - 1);
    expect(whileHeld.aggregate.final).toBe(0);
    expect(afterExpiry.processed).toBe(1);
    expect(afterExpiry.aggregate.partial).toBeLessThan(afterExpiry.aggregate.windows);
  });

  it('survives a clock jump: a worker two hours ahead takes over live leases, and duplicate work changes nothing', async () => {
    // Prepare
    const single = memoryCacheStore();
    await runPipeline(objects, ctx(single));
    const shared = memoryCacheStore();
    // Act: b's clock jumps two hours ahead, so every lease a holds looks expired to it
    const [a, b] = await Promise.all([
      runPipeline(objects, ctx(shared), { lease: { owner: 'a', ttlMs: MINUTE }, concurrency: 1 }),
      runPipeline(objects, ctx(shared), { lease: { owner: 'b', ttlMs: MINUTE, now: () => Date.now() + 2 * 60 * MINUTE }, concurrency: 1 }),
    ]);
    await runPipeline(objects, ctx(shared), { lease: { owner: 'a', ttlMs: MINUTE } });
    // Assess
    expect(a.processed + b.processed).toBeGreaterThanOrEqual(objects.length);
    expect(aggregates(shared)).toEqual(aggregates(single));
  });
});
