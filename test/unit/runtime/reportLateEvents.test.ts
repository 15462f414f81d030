import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonBytes } from '../../../src/engine/documents.js';
import { writeDemoObjects } from '../../../src/pipelines/cloudfront/demoData.js';
import { main } from '../../../src/runtime/cli/main.js';
import { fsCacheStore } from '../../../src/sinks/fsCacheStore.js';

describe('cli: report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-report-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts late events, not the late-event documents that hold them', async () => {
    // Prepare: aggregates of a small demo, then one document of 97 late events and one of 3
    await writeDemoObjects({ dir: join(dir, 'logs'), seed: 1, days: 1, requestsPerHour: 20, fields: 'sgraph-27', format: 'realtime' });
    const flags = ['--cache', join(dir, 'cache'), '--source', join(dir, 'logs')];
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['run', ...flags])).toBe(0);
    vi.restoreAllMocks();
    const store = fsCacheStore({ root: join(dir, 'cache') });
    await store.put({ namespace: 'sa-late-events', key: '30min/2026-04-20-10-00', fileType: 'json' }, jsonBytes({ period: '30min', late_events: 97, sources: [] }));
    await store.put({ namespace: 'sa-late-events', key: '30min/2026-04-20-10-30', fileType: 'json' }, jsonBytes({ period: '30min', late_events: 3, sources: [] }));
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    // Act
    const code = await main(['report', ...flags]);
    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('100 late events recorded in sa-late-events');
    expect(stdout).not.toContain('2 late events');
  });
});
