import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { loadConfig } from '../../../src/runtime/config.js';
import { listSourceFor } from '../../../src/runtime/pipelineService.js';

const NOW = Date.UTC(2026, 3, 22, 15, 30);

describe('config: since/until', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['2026-04-01', Date.UTC(2026, 3, 1)],
    ['2026-04-01T06:00:00Z', Date.UTC(2026, 3, 1, 6)],
    ['today', Date.UTC(2026, 3, 22)],
    ['yesterday', Date.UTC(2026, 3, 21)],
    ['-3d', NOW - 3 * 86_400_000],
    ['-12h', NOW - 12 * 3_600_000],
    [Date.UTC(2026, 3, 2), Date.UTC(2026, 3, 2)],
  ])('reads %j as epoch ms once', async (raw, expected) => {
    const config = await loadConfig({ since: raw }, {});
    expect(config.since).toBe(expected);
  });

  it('reads LETSFLOW_UNTIL from the environment', async () => {
    expect((await loadConfig({}, { LETSFLOW_UNTIL: 'today' })).until).toBe(Date.UTC(2026, 3, 22));
  });

  it.each([['soon'], ['3d'], ['2026-13-40']])('rejects %j naming the flag and the forms accepted', async (raw) => {
    const error = await loadConfig({ since: raw }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('flag --since');
    expect((error as Error).message).toMatch(/ISO date.*today.*yesterday.*-3d.*-12h/);
  });

  it('rejects since at or after until', async () => {
    const error = await loadConfig({ since: 'today', until: 'yesterday' }, {}).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/since must be before until/);
  });
});

describe('listing: since/until on a folder source', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-bounds-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(key: string, mtime?: number): Promise<void> {
    const path = join(dir, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '');
    if (mtime !== undefined) await utimes(path, mtime / 1000, mtime / 1000);
  }

  it('keeps objects dated inside the bounds (key date, else mtime) and lists the others as outside', async () => {
    // Prepare
    await file('cf/2026/04/19/23/before.gz');
    await file('cf/2026/04/20/00/first.gz');
    await file('cf/2026/04/20/23/last.gz');
    await file('cf/2026/04/21/00/after.gz');
    await file('cf/undated-inside.gz', Date.UTC(2026, 3, 20, 12));
    await file('cf/undated-outside.gz', Date.UTC(2026, 3, 25));
    // Act
    const listing = await listSourceFor(await loadConfig({ source: dir, since: '2026-04-20', until: '2026-04-21' }, {}));
    // Assess
    expect(listing.objects.map((o) => o.key)).toEqual(['cf/2026/04/20/00/first.gz', 'cf/2026/04/20/23/last.gz', 'cf/undated-inside.gz']);
    expect(listing.outside.map((o) => o.key).sort()).toEqual(['cf/2026/04/19/23/before.gz', 'cf/2026/04/21/00/after.gz', 'cf/undated-outside.gz']);
  });
});

describe('listing: since/until on an S3 source', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('accepts a relative bound such as yesterday', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const lastModified = new Date(NOW);
    vi.spyOn(S3Client.prototype, 'send').mockImplementation(async () => ({
      Contents: [
        { Key: 'logs/2026/04/20/10/old.gz', ETag: '"a"', Size: 1, LastModified: lastModified },
        { Key: 'logs/2026/04/21/10/new.gz', ETag: '"b"', Size: 1, LastModified: lastModified },
      ],
      IsTruncated: false,
    }));
    // Act
    const listing = await listSourceFor(await loadConfig({ source: 's3://my-logs/logs/', region: 'eu-west-1', since: 'yesterday' }, {}));
    // Assess
    expect(listing.objects.map((o) => o.key)).toEqual(['logs/2026/04/21/10/new.gz']);
    expect(listing.outside.map((o) => o.key)).toEqual(['logs/2026/04/20/10/old.gz']);
  });
});
