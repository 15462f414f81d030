import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveCommitted } from '../../../src/engine/archiveStep.js';
import { ingestObject } from '../../../src/engine/ingest.js';
import { ledgerEntriesFor } from '../../../src/engine/ledger.js';
import { NAMESPACES } from '../../../src/pipelines/cloudfront/namespaces.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { localObjects } from '../../../src/sources/localObjects.js';
import { cloudfrontContext, event } from '../../helpers/factories.js';
import { sgraph27Line } from '../../helpers/objects.js';

describe('pipeline: archive step', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-archive-'));
    await mkdir(join(dir, 'live/2026/02'), { recursive: true });
    for (const name of ['a.gz', 'b.gz']) await writeFile(join(dir, 'live/2026/02', name), gzipSync(`${sgraph27Line(event())}\n`));
    await writeFile(join(dir, 'live/2026/02/broken.gz'), gzipSync('x\n').subarray(0, 8));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('moves only committed objects out of the live folder, and a re-run is harmless', async () => {
    // Prepare: a is committed, b is still pending, broken is quarantined
    const ctx = cloudfrontContext(memoryCacheStore());
    const listing = await localObjects(join(dir, 'live'), { archiveFolder: join(dir, 'archive') });
    await ingestObject(listing.find((o) => o.key.endsWith('a.gz'))!, ctx, { consolidate: true });
    await ingestObject(listing.find((o) => o.key.endsWith('broken.gz'))!, ctx, { consolidate: true });
    // Act
    const archived = await archiveCommitted(listing, await ledgerEntriesFor(ctx.store, NAMESPACES, listing));
    const relisted = await localObjects(join(dir, 'live'), { archiveFolder: join(dir, 'archive') });
    const again = await archiveCommitted(relisted, await ledgerEntriesFor(ctx.store, NAMESPACES, relisted));
    // Assess
    expect(archived).toBe(1);
    expect(again).toBe(0);
    expect((await readdir(join(dir, 'live/2026/02'))).sort()).toEqual(['b.gz', 'broken.gz']);
    expect(await readdir(join(dir, 'archive/2026/02'))).toEqual(['a.gz']);
  });

  it('refuses an archive folder inside the source folder', async () => {
    await expect(localObjects(join(dir, 'live'), { archiveFolder: join(dir, 'live/archive') })).rejects.toThrow(/must be outside the source folder/);
  });
});
