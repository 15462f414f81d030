import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_FINALITY, filesUnder, independentTotals, letsflow } from '../helpers/cli.js';


async function monthlyTotals(cwd: string): Promise<{ requests: number; bytes: number }> {
  const docs = await Promise.all(
    (await filesUnder(join(cwd, '.letsflow/cache/sa-cloudfront-aggregate/data/key-based/monthly'))).map(
      async (f) => JSON.parse(await readFile(f, 'utf8')) as { total_requests: number; total_bytes: number },
    ),
  );
  return { requests: docs.reduce((n, d) => n + d.total_requests, 0), bytes: docs.reduce((n, d) => n + d.total_bytes, 0) };
}

describe('e2e: recovering from a wrong field list', () => {
  let cwd: string;
  let objects: number;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'letsflow-recovery-'));
    expect((await letsflow(cwd, 'demo', '--days', '1', '--rate', '200', '--seed', '3')).code).toBe(0);
    objects = (await filesUnder(join(cwd, '.letsflow/demo-logs'))).length;
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('quarantines objects of another layout with a hint, and a replay then a run with the right fields gives correct aggregates', async () => {
    // Act: the wrong preset for sgraph-27 lines
    const wrong = await letsflow(cwd, 'run', '--fields', 'aws-canonical', ...DATA_FINALITY);
    // Assess: nothing is marked done; every object is quarantined, saying what to check
    expect(wrong.code).toBe(3);
    expect(wrong.stdout).toContain(', 0 events');
    expect(wrong.stderr.match(/^quarantined: .*lines are parse errors \(first: line 1 \[column_count\]/gm)).toHaveLength(objects);
    expect(wrong.stderr).toContain('does the field list match?');
    expect(wrong.stderr).toContain('letsflow replay');
    const listed = await letsflow(cwd, 'errors');
    expect(listed.stdout).toContain(`${objects} quarantined objects`);
    expect(listed.stdout).toContain('[mostly_parse_errors]');

    // Act: replay, then run with the right (default) fields, on the same cache
    const replay = await letsflow(cwd, 'replay');
    expect(replay.stdout).toContain(`replay: ${objects} quarantined objects are pending again`);
    const right = await letsflow(cwd, 'run', ...DATA_FINALITY);
    // Assess
    expect(right.code).toBe(0);
    expect(right.stdout).toContain(`${objects} of ${objects} objects processed`);
    const { requests, bytes } = await independentTotals(join(cwd, '.letsflow/demo-logs'));
    expect(await monthlyTotals(cwd)).toEqual({ requests, bytes });
  });

  it('reset makes done objects pending again on purpose, and the redo leaves the aggregates correct', async () => {
    // Prepare
    const { requests, bytes } = await independentTotals(join(cwd, '.letsflow/demo-logs'));
    const expected = { requests, bytes };
    const hour = '2026/04/20/10/';
    const inHour = (await filesUnder(join(cwd, '.letsflow/demo-logs'))).filter((f) => f.includes(hour)).length;
    expect(inHour).toBeGreaterThan(0);
    // Act: one hour's objects
    const some = await letsflow(cwd, 'reset', '--object', hour);
    const again = await letsflow(cwd, 'run', ...DATA_FINALITY);
    // Assess
    expect(some.code).toBe(0);
    expect(some.stdout).toContain(`reset: ${inHour} objects are pending again`);
    expect(again.stdout).toContain(`${inHour} of ${objects} objects processed`);
    expect(await monthlyTotals(cwd)).toEqual(expected);
    // Act: everything
    const all = await letsflow(cwd, 'reset', '--all');
    const redo = await letsflow(cwd, 'run', ...DATA_FINALITY);
    // Assess
    expect(all.stdout).toContain(`reset: ${objects} objects are pending again`);
    expect(redo.stdout).toContain(`${objects} of ${objects} objects processed`);
    expect(await monthlyTotals(cwd)).toEqual(expected);
  });

  it('reset needs --object or --all', async () => {
    const bare = await letsflow(cwd, 'reset');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--object .*--all/);
  });
});
