import { describe, expect, it } from 'vitest';
import { listLedger } from '../../../src/engine/ledger.js';
import { replayQuarantined } from '../../../src/engine/operatorTools.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { stepContextFor } from '../../../src/engine/definition.js';
import type { CacheStore } from '../../../src/sinks/cacheStore.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { memoryObject } from '../../helpers/objects.js';
import { toyPipeline } from '../../helpers/toyPipeline.js';

const T0 = Date.UTC(2026, 5, 1, 10);
const NOW = new Date(Date.UTC(2026, 5, 3));

/** A store that counts reads of ledger entries (`objects/…` in the ledger namespace). */
function countingStore(): { store: CacheStore; ledgerReads: () => number } {
  const inner = memoryCacheStore();
  let reads = 0;
  const counted = (ref: { namespace: string; key: string }): void => {
    if (ref.namespace === toyPipeline.namespaces.ledger && ref.key.startsWith('objects/')) reads++;
  };
  const store: CacheStore = {
    ...inner,
    location: inner.location,
    get: (ref) => (counted(ref), inner.get(ref)),
    getVersioned: (ref) => (counted(ref), inner.getVersioned(ref)),
  };
  return { store, ledgerReads: () => reads };
}

describe('engine: a run with nothing new', () => {
  it('reads no ledger entry once the listing is settled, and reads them again after a replay', async () => {
    // Prepare: 20 objects, one of them unreadable (quarantined)
    const { store, ledgerReads } = countingStore();
    const ctx = stepContextFor(toyPipeline, store, { clock: () => NOW, keepRaw: false, maxLineLength: 64 });
    const objects = Array.from({ length: 20 }, (_, i) => memoryObject(`r/${i}.csv`, i === 7 ? `${T0 + i},${'s'.repeat(100)},${i}\n` : `${T0 + i},s,${i}\n`));
    await runPipeline(objects, ctx);
    const afterFirst = ledgerReads();

    // Act: a run with nothing new, then a replay of the quarantined object and another run
    const noop = await runPipeline(objects, ctx);
    const afterNoop = ledgerReads();
    await replayQuarantined(store, toyPipeline.namespaces, await listLedger(store, toyPipeline.namespaces));
    const replayed = await runPipeline(objects, stepContextFor(toyPipeline, store, { clock: () => NOW, keepRaw: false }));

    // Assess
    expect(afterFirst).toBeGreaterThanOrEqual(20);
    expect(noop.processed).toBe(0);
    expect(afterNoop).toBe(afterFirst);
    expect(replayed.processed).toBe(1);
    expect(replayed.quarantined).toHaveLength(0);
  });
});
