/**
 * `npm run bundle:lambda`: bundles the processor function (src/runtime/lambda/handler.ts) into
 * dist/lambda/index.mjs — the folder infra/letsflowStack.ts deploys, handler `index.handler` —
 * and zips that folder into dist/lambda.zip for a manual `aws lambda update-function-code`.
 *
 * The AWS SDK is bundled, not left to the runtime: the Node.js 20 and 22 runtimes do ship an AWS
 * SDK v3, but a version AWS picks and changes per region and over time, which AWS itself advises
 * production code not to rely on; letsflow needs the exact one it pins (conditional writes,
 * lib-storage uploads, the error shapes it maps). The zip is deterministic: entries sorted, a fixed
 * timestamp and mode, the same bytes for the same sources on any machine and in any time zone.
 * fflate writes it: a small, dependency-free, typed and widely used (de)compression library whose
 * `zipSync` takes per-entry mtime and Unix mode, and which the tests also use to read it back.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { zipSync, type Zippable } from 'fflate';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ENTRY_POINT = 'src/runtime/lambda/handler.ts';
export const DEFAULT_OUT_DIR = 'dist/lambda';
export const DEFAULT_ZIP = 'dist/lambda.zip';
/** Every entry's timestamp, in local-time fields as zip stores them: the same DOS date in every time zone. */
const ZIP_MTIME = new Date(2000, 0, 1, 0, 0, 0);
const FILE_MODE = 0o644;

export interface BundleLambdaOptions {
  /** Folder for index.mjs (emptied first); relative to the repo root. */
  readonly outDir?: string;
  /** The zip to write; relative to the repo root. */
  readonly zipPath?: string;
}

export interface BundleLambdaResult {
  readonly outDir: string;
  readonly bundle: string;
  readonly zipPath: string;
  readonly bundleBytes: number;
  readonly zipBytes: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/**
 * Bundles and zips the processor function.
 *
 * @param options where the bundle folder and the zip go
 * @returns the paths written and their sizes
 */
export async function bundleLambda(options: BundleLambdaOptions = {}): Promise<BundleLambdaResult> {
  const outDir = resolve(REPO_ROOT, options.outDir ?? DEFAULT_OUT_DIR);
  const zipPath = resolve(REPO_ROOT, options.zipPath ?? DEFAULT_ZIP);
  const bundle = join(outDir, 'index.mjs');
  await rm(outDir, { recursive: true, force: true });

  await build({
    absWorkingDir: REPO_ROOT, // source paths in the bundle's comments and map are repo-relative, whatever the checkout
    entryPoints: [ENTRY_POINT],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Prefer the packages' ES module builds (the AWS SDK's dist-es), which tree-shake.
    mainFields: ['module', 'main'],
    // CommonJS dependencies call require() for Node built-ins, which an ES module lacks.
    banner: { js: "import { createRequire as __letsflowCreateRequire } from 'node:module';\nconst require = __letsflowCreateRequire(import.meta.url);" },
    sourcemap: 'external', // index.mjs.map beside it: NODE_OPTIONS=--enable-source-maps gives TypeScript stack traces
    sourcesContent: false,
    legalComments: 'eof',
    logLevel: 'warning',
  });

  const files: Zippable = {};
  for (const name of await filesUnder(outDir)) {
    files[name] = [new Uint8Array(await readFile(join(outDir, name))), { mtime: ZIP_MTIME, os: 3, attrs: FILE_MODE << 16, level: 9 }];
  }
  const zip = zipSync(files);
  await mkdir(dirname(zipPath), { recursive: true });
  await writeFile(zipPath, zip);
  const bundleBytes = (await readFile(bundle)).length;
  return { outDir, bundle, zipPath, bundleBytes, zipBytes: zip.length };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const result = await bundleLambda();
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`${relative(REPO_ROOT, result.bundle)} ${kib(result.bundleBytes)}; ${relative(REPO_ROOT, result.zipPath)} ${kib(result.zipBytes)}`);
}
