import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepContextFor } from '../../src/engine/definition.js';
import { AggregateDocSchema } from '../../src/engine/documents.js';
import { pipelineRefs } from '../../src/engine/layout.js';
import { runPipeline } from '../../src/engine/runPipeline.js';
import { s3AccessCachePipeline, s3AccessTransfersPipeline } from '../../src/pipelines/s3access/definition.js';
import { pipelineForSourceType, pipelineNamed } from '../../src/pipelines/registry.js';
import { resolvedTotals, duplicatesRemoved } from '../../src/pipelines/s3access/storageSummary.js';
import { memoryCacheStore } from '../../src/sinks/memoryCacheStore.js';
import { memoryObject } from '../helpers/objects.js';
import { accessLine, arbAccessRecord, type AccessRecord } from '../helpers/s3accessLines.js';

const run = promisify(execFile);
const T0 = Date.UTC(2026, 5, 1, 10);
/** Two days on: every window of the data is past lateness and the idle bound. */
const NOW = new Date(Date.UTC(2026, 5, 3));

/** Generated traffic of one bucket over three hours, a fifth of it delivered twice (in another object). */
function deliveries(bucket: string, seed: number): { objects: { key: string; text: string }[]; records: AccessRecord[]; lines: number } {
  const records = [...new Map(fc.sample(arbAccessRecord(T0, 3 * 3_600_000), { numRuns: 300, seed }).map((r) => {
    const own = { ...r, bucket };
    return [`${own.requestId} ${own.operation} ${own.key} ${own.time}`, own] as const;
  })).values()].sort((a, b) => a.time - b.time);
  const prefix = bucket === 'transfers' ? 'transfers-bucket/' : 'cache-bucket/';
  const objects: { key: string; text: string }[] = [];
  let lines = 0;
  for (let i = 0; i < 6; i++) {
    const part = records.filter((_, j) => j % 6 === i);
    const repeats = records.filter((_, j) => j % 5 === 0 && j % 6 === (i + 1) % 6);
    const body = [...part, ...repeats].map(accessLine);
    lines += body.length;
    const delivered = new Date(T0 + (i + 1) * 1_800_000).toISOString().slice(0, 19).replace(/[T:]/g, '-');
    objects.push({ key: `${prefix}${delivered}-${String(i).padStart(16, 'A')}`, text: `${body.join('\n')}\n` });
  }
  return { objects, records, lines };
}

/** Counted without letsflow: distinct records, and the requests, bytes and 4xx among them. */
function independentCount(records: readonly AccessRecord[]) {
  const requests = records.filter((r) => r.operation !== 'REST.COPY.OBJECT_GET');
  return {
    requests: requests.length,
    bytes: requests.reduce((n, r) => n + r.bytes, 0),
    fourxx: requests.filter((r) => r.status !== null && r.status >= 400 && r.status < 500).length,
  };
}

describe('pipeline: s3access end to end', () => {
  it('routes both prefixes to their own pipelines, whose totals equal an independent count and never mix', async () => {
    // Prepare
    const store = memoryCacheStore();
    const buckets = [
      { pipeline: s3AccessTransfersPipeline, data: deliveries('transfers', 1) },
      { pipeline: s3AccessCachePipeline, data: deliveries('cache', 2) },
    ];
    expect(pipelineForSourceType('s3-access-transfers')).toBe(s3AccessTransfersPipeline);
    expect(pipelineForSourceType('s3-access-cache')).toBe(s3AccessCachePipeline);
    expect(pipelineNamed('s3access').formats).toHaveProperty('s3-access');
    for (const { pipeline, data } of buckets) {
      // Act
      const ctx = stepContextFor(pipeline, store, { clock: () => NOW });
      const outcome = await runPipeline(data.objects.map((o) => memoryObject(o.key, o.text)), ctx);
      expect(outcome).toMatchObject({ parseErrors: 0 });
      // Assess: the day's aggregate against the independent count
      const day = AggregateDocSchema.parse(JSON.parse(Buffer.from((await store.get(pipelineRefs(pipeline.namespaces).aggregate('daily', Date.UTC(2026, 5, 1))))!).toString('utf8')));
      const summary = pipeline.summary.fromJson(day.summary);
      const t = resolvedTotals(summary);
      const expected = independentCount(data.records);
      expect(day.status).toBe('final');
      expect({ requests: t.requests, bytes: t.bytesSent, fourxx: t.statusClasses.get('4xx')?.count ?? 0 }).toEqual(expected);
      expect(duplicatesRemoved(summary)).toBe(data.lines - data.records.length);
      expect(pipeline.summary.events(summary)).toBe(data.lines);
    }
    // Assess: each pipeline wrote only under its own namespaces
    const paths = [...store.snapshot().keys()];
    expect(paths.filter((p) => p.startsWith('sa-s3access-transfers-')).length).toBeGreaterThan(0);
    expect(paths.filter((p) => p.startsWith('sa-s3access-cache-')).length).toBeGreaterThan(0);
    expect(paths.every((p) => p.startsWith('sa-s3access-transfers-') || p.startsWith('sa-s3access-cache-'))).toBe(true);
  });
});

describe('cli: run --pipeline s3access --format s3-access', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letsflow-s3access-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a folder of plain-text access-log objects into the s3access namespaces', async () => {
    // Prepare: plain text, no .gz, keys as S3 names them
    const source = join(dir, 'logs');
    const cache = join(dir, 'cache');
    const data = deliveries('transfers', 3);
    for (const o of data.objects) {
      await mkdir(join(source, 'transfers-bucket'), { recursive: true });
      await writeFile(join(source, o.key), o.text);
    }
    const cli = join(import.meta.dirname, '../../src/runtime/cli/bin.ts');
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    // Act
    const { stdout } = await run(tsx, [cli, 'run', '--pipeline', 's3access', '--format', 's3-access', '--source', source, '--cache', cache], { env: { ...process.env, NO_COLOR: '1' } });
    const report = await run(tsx, [cli, 'report', '--pipeline', 's3access', '--cache', cache, '--period', 'daily'], { env: { ...process.env, NO_COLOR: '1' } });
    // Assess
    expect(stdout).toMatch(/6/);
    const namespaces = (await readdir(cache)).sort();
    expect(namespaces.length).toBeGreaterThan(0);
    expect(namespaces.every((n) => n.startsWith('sa-s3access-'))).toBe(true);
    const expected = independentCount(data.records);
    expect(report.stdout).toContain('requests');
    expect(report.stdout).toContain('bytes out');
    expect(report.stdout).toContain(expected.requests.toLocaleString('en-US'));
  }, 60_000);
});
