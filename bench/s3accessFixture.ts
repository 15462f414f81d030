/**
 * The S3 server access log fixture (issue 13's closing note): one plain-text access-log object of
 * the transfers bucket, cut from the demo generator (src/pipelines/s3access/demo/), keyed the way
 * S3 keys it, so the CLI reads it from a folder exactly as it would read the access-logs bucket.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FixtureObject } from './common.js';

export interface S3AccessFixtureSpec {
  readonly generator: 's3access';
  readonly format: 's3-access';
  /** Lines in the object, delivery repeats included. */
  readonly lines: number;
  readonly requestsPerHour: number;
  readonly seed: number;
}

/** The generator's folder: every file in it is part of the fixture's content key. */
export const S3ACCESS_GENERATOR_DIR = 'src/pipelines/s3access/demo';

const START_MS = Date.UTC(2026, 3, 20);

/** The generator's sources, concatenated in name order (for the content key). */
export async function s3AccessGeneratorSource(repoDir: string): Promise<Buffer> {
  const dir = path.join(repoDir, S3ACCESS_GENERATOR_DIR);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.ts')).sort();
  return Buffer.concat(await Promise.all(names.map((n) => readFile(path.join(dir, n)))));
}

/**
 * Writes the one object under `dir`. `events` counts distinct records (what a deduplicating
 * reader should count); `lines` counts every line, repeats included.
 */
export async function writeS3AccessFixture(spec: S3AccessFixtureSpec, dir: string): Promise<FixtureObject[]> {
  const { generateAccessLines } = await import('../src/pipelines/s3access/demo/generateAccessLines.js');
  const { writeAccessLogObject } = await import('../src/pipelines/s3access/demo/writeAccessLogObject.js');
  const { DEMO_ACCESS_BUCKETS } = await import('../src/pipelines/s3access/demo/demoBuckets.js');
  let duplicates = 0;
  let newest = START_MS;
  function* lines(): Generator<string> {
    for (const entry of generateAccessLines({ source: 'transfers', seed: spec.seed, startMs: START_MS, requestsPerHour: spec.requestsPerHour, maxLines: spec.lines })) {
      if (entry.duplicate) duplicates++;
      if (entry.timeMs > newest) newest = entry.timeMs;
      yield entry.line;
    }
  }
  // The key is fixed (not drawn), so the file name says what it is; the format is S3's (§3.3).
  const key = `${DEMO_ACCESS_BUCKETS.transfers.prefix}2026-04-20-23-59-59-${spec.seed.toString(16).toUpperCase().padStart(16, '0')}`;
  const file = path.join(dir, ...key.split('/'));
  const written = await writeAccessLogObject(file, lines());
  return [{ key, file, events: written.lines - duplicates, lines: written.lines, bytes: written.bytes, compressedBytes: (await stat(file)).size }];
}
