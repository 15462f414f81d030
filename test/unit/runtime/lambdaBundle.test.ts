import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda, type BundleLambdaResult } from '../../../scripts/bundleLambda.js';

let dir: string;
let first: BundleLambdaResult;
let second: BundleLambdaResult;

// Built into a temporary folder: the same script as `npm run bundle:lambda`, which writes dist/lambda and dist/lambda.zip.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'letsflow-lambda-'));
  first = await bundleLambda({ outDir: join(dir, 'a/lambda'), zipPath: join(dir, 'a/lambda.zip') });
  second = await bundleLambda({ outDir: join(dir, 'b/lambda'), zipPath: join(dir, 'b/lambda.zip') });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runtime: lambda bundle', () => {
  it('builds index.mjs whose import exposes the handler, AWS SDK included', async () => {
    // Act
    const bundle = (await import(pathToFileURL(first.bundle).href)) as { handler?: unknown; createHandler?: (o: object) => (e: unknown) => Promise<unknown> };
    const lines: string[] = [];
    const handler = bundle.createHandler!({ env: {}, write: (t: string) => lines.push(t) });

    // Assess: a handler, and one that runs (here to its configuration check) from the bundle alone.
    expect(typeof bundle.handler).toBe('function');
    await expect(handler({ Records: [] })).rejects.toThrow(/CACHE__SERVICE__BUCKET_NAME is required/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'startup', code: 'config_invalid' });
    const source = await readFile(first.bundle, 'utf8');
    expect(source).toContain('S3Client');
    expect(source).not.toMatch(/from ["']@aws-sdk\//); // bundled, not left to the runtime's copy
  });

  it('zips the bundle deterministically', async () => {
    // Act
    const [a, b] = await Promise.all([readFile(first.zipPath), readFile(second.zipPath)]);
    const files = unzipSync(new Uint8Array(a));

    // Assess
    expect(a.equals(b)).toBe(true);
    expect(Object.keys(files)).toEqual(['index.mjs', 'index.mjs.map']);
    expect(Buffer.from(files['index.mjs']!).equals(await readFile(first.bundle))).toBe(true);
    expect(first.zipBytes).toBeLessThan(first.bundleBytes);
  });
});
