import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_FINALITY, filesUnder, independentTotals, letsflow } from '../helpers/cli.js';



describe('e2e: letsflow CLI over generated gzip objects', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'letsflow-e2e-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('writes demo objects, runs, and its monthly totals equal an independent count of the lines', async () => {
    // Prepare
    expect((await letsflow(cwd, 'demo', '--days', '2', '--rate', '300', '--seed', '7')).code).toBe(0);
    // Act
    const result = await letsflow(cwd, 'run', ...DATA_FINALITY);
    // Assess
    expect(result.code).toBe(0);
    const expected = await independentTotals(join(cwd, '.letsflow/demo-logs'));
    const monthlyDir = join(cwd, '.letsflow/cache/sa-cloudfront-aggregate/data/key-based/monthly');
    const months = await filesUnder(monthlyDir);
    const docs = await Promise.all(months.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as { total_requests: number; total_bytes: number; status_breakdown: Record<string, number> }));
    expect(docs.reduce((n, d) => n + d.total_requests, 0)).toBe(expected.requests);
    expect(docs.reduce((n, d) => n + d.total_bytes, 0)).toBe(expected.bytes);
    for (const cls of ['2xx', '3xx', '4xx', '5xx']) expect(docs.reduce((n, d) => n + d.status_breakdown[cls]!, 0)).toBe(expected.classes[cls]);
    expect(result.stdout).toContain(`${expected.requests.toLocaleString('en-US')} events`);
  });

  it('changes no byte in the cache when run again', async () => {
    const cache = join(cwd, '.letsflow/cache');
    // A digest per file: byte-for-byte the same check, without a deep equality over megabytes of Buffers (slow in expect).
    const digests = async () => Promise.all((await filesUnder(cache)).map(async (f) => [f, createHash('sha256').update(await readFile(f)).digest('hex')] as const));
    const before = await digests();
    expect((await letsflow(cwd, 'run', ...DATA_FINALITY)).code).toBe(0);
    const after = await digests();
    expect(after).toEqual(before);
  });

  it('prints a report with final and partial days', async () => {
    const { code, stdout } = await letsflow(cwd, 'report', '--period', 'daily', '--top', '3');
    expect(code).toBe(0);
    expect(stdout).toMatch(/2026-04-20\s+final/);
    expect(stdout).toMatch(/2026-04-21\s+partial/);
    expect(stdout).toContain('Top 3 paths');
  });

  it('answers bad usage with exit code 2 and a message, not a stack trace', async () => {
    const unknown = await letsflow(cwd, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badFields = await letsflow(cwd, 'run', '--fields', 'no-such-preset');
    expect(badFields.code).toBe(2);
    expect(badFields.stderr).toMatch(/no-such-preset/);
    expect(badFields.stderr).not.toMatch(/\n\s+at /);
    const badPeriod = await letsflow(cwd, 'report', '--period', 'weekly');
    expect(badPeriod.code).toBe(2);
    expect((await letsflow(cwd, 'run', '--help')).stdout).toContain('Usage: letsflow <command>');
  });
});
