import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, PreconditionFailedError, SinkWriteError } from '../../../src/core/errors.js';
import type { EntryRef } from '../../../src/sinks/cacheStore.js';
import { entryPath } from '../../../src/sinks/cachePaths.js';
import { DEFAULT_CACHE_ROOT, fsCacheStore, FsCacheStoreOptionsSchema, LOCK_STALE_MS } from '../../../src/sinks/fsCacheStore.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { CONTRACT_NOW, describeCacheStoreContract } from './cacheStoreContract.js';

// A pass-through spy, so a test can see which folders a listing reads.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

/** Every file and folder under `root`, relative with `/` separators; folders end with `/`. */
async function walk(root: string, relative = ''): Promise<string[]> {
  const found: string[] = [];
  let children;
  try {
    children = await readdir(path.join(root, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  for (const child of children) {
    const childPath = relative === '' ? child.name : `${relative}/${child.name}`;
    if (child.isDirectory()) found.push(`${childPath}/`, ...(await walk(root, childPath)));
    else found.push(childPath);
  }
  return found.sort();
}

const filesUnder = async (root: string): Promise<string[]> => (await walk(root)).filter((entry) => !entry.endsWith('/'));

async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const newRoot = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'letsflow-cache-'));

describeCacheStoreContract('memoryCacheStore', async (clock) => {
  const store = memoryCacheStore({ clock });
  return {
    store,
    files: async () => [...store.snapshot().keys()],
    readRaw: async (relative) => store.snapshot().get(relative),
  };
});

describeCacheStoreContract('fsCacheStore', async (clock) => {
  const root = await newRoot();
  return {
    store: fsCacheStore({ root, clock }),
    files: () => filesUnder(root),
    readRaw: (relative) => readIfPresent(path.join(root, relative)),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('fsCacheStore on disk', () => {
  let root: string;
  const ns = 'disk-ns';
  const ref = (key: string): EntryRef => ({ namespace: ns, key, fileType: 'json' });

  beforeEach(async () => {
    root = await newRoot();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports its resolved root as its location', () => {
    // Act
    const store = fsCacheStore({ root: path.join(root, 'sub', '..', 'cache') });

    // Assess
    expect(store.location).toBe(path.join(root, 'cache'));
  });

  it('removes the folders a remove leaves empty, up to the namespace, and no further', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref('a/b/c'), '{}');
    await store.put(ref('a/x'), '{}');
    await mkdir(path.join(root, 'unrelated-folder'));

    // Act
    await store.remove(ref('a/b/c'));
    const afterFirst = await walk(root);
    await store.remove(ref('a/x'));
    const afterLast = await walk(root);

    // Assess
    expect(afterFirst).toEqual([
      `${ns}/`,
      `${ns}/data/`,
      `${ns}/data/key-based/`,
      `${ns}/data/key-based/a/`,
      `${ns}/data/key-based/a/x/`,
      `${ns}/data/key-based/a/x/a-x.json`,
      'unrelated-folder/',
    ]);
    expect(afterLast).toEqual(['unrelated-folder/']);
    expect((await stat(root)).isDirectory()).toBe(true);
  });

  it('can put again into a key whose folders a remove just deleted', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref('a/b'), '{"v":1}');

    // Act
    await Promise.all([store.remove(ref('a/b')), store.put(ref('a/c'), '{"v":2}')]);
    await store.put(ref('a/b'), '{"v":3}');

    // Assess
    expect(await store.list(ns, 'json')).toEqual(['a/b', 'a/c']);
    expect(new TextDecoder().decode(await store.get(ref('a/b')))).toBe('{"v":3}');
  });

  it('wraps a failed write in SinkWriteError naming the target, and removes its temporary file', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    const target = path.join(root, entryPath(ref('blocked'), CONTRACT_NOW));
    await mkdir(path.join(target, 'occupied'), { recursive: true });

    // Act
    const put = store.put(ref('blocked'), '{}');

    // Assess
    await expect(put).rejects.toBeInstanceOf(SinkWriteError);
    await expect(put).rejects.toMatchObject({ path: target, cause: expect.objectContaining({ code: expect.any(String) }) });
    expect((await filesUnder(root)).filter((file) => path.basename(file).startsWith('.tmp-'))).toEqual([]);
  });

  it('propagates read errors other than a missing file', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await mkdir(path.join(root, entryPath(ref('is-a-folder'), CONTRACT_NOW)), { recursive: true });

    // Act
    const get = store.get(ref('is-a-folder'));

    // Assess
    await expect(get).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('fails the healthcheck when the root cannot hold folders', async () => {
    // Prepare
    const file = path.join(root, 'not-a-folder');
    await writeFile(file, 'x');
    const store = fsCacheStore({ root: file });

    // Act
    const check = store.healthcheck();

    // Assess
    await expect(check).rejects.toBeInstanceOf(SinkWriteError);
  });

  it('does not follow a symbolic link out of the root when listing', async () => {
    // Prepare
    const outside = await newRoot();
    try {
      const outsideStore = fsCacheStore({ root: outside });
      await outsideStore.put(ref('secret'), '{"secret":true}');
      const store = fsCacheStore({ root });
      await store.put(ref('inside'), '{}');
      await symlink(path.join(outside, ns, 'data', 'key-based', 'secret'), path.join(root, ns, 'data', 'key-based', 'secret'));

      // Act
      const keys = await store.list(ns, 'json');

      // Assess
      expect(keys).toEqual(['inside']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('reads only the folders a list prefix can match', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    for (const key of ['hourly/2026-02-16-14', 'hourly/2026-02-17-00', 'daily/2026-02-16', 'monthly/2026-02']) await store.put(ref(key), '{}');
    const base = path.join(root, ns, 'data', 'key-based');
    vi.mocked(readdir).mockClear();

    // Act
    const keys = await store.list(ns, 'json', 'hourly/2026-02-16');

    // Assess
    const read = vi.mocked(readdir).mock.calls.map(([folder]) => path.relative(base, String(folder)));
    expect(keys).toEqual(['hourly/2026-02-16-14']);
    expect(read.sort()).toEqual(['hourly', path.join('hourly', '2026-02-16-14')]);
  });

  it('ignores stray temporary files and other files when listing', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref('k'), '{}');
    const folder = path.join(root, ns, 'data', 'key-based', 'k');
    await writeFile(path.join(folder, '.tmp-1-abcdef'), 'partial');
    await writeFile(path.join(folder, 'k.json.metadata'), '{}');
    await mkdir(path.join(root, ns, 'data', 'key-based', 'no-content', 'deeper'), { recursive: true });
    await writeFile(path.join(root, ns, 'data', 'key-based', 'no-content', 'other.json'), '{}');

    // Act
    const keys = await store.list(ns, 'json');

    // Assess
    expect(keys).toEqual(['k']);
  });
});

describe('fsCacheStore conditional writes on disk', () => {
  let root: string;
  const ns = 'lock-ns';
  const ref: EntryRef = { namespace: ns, key: 'leases/a', fileType: 'json' };
  const lockFile = (): string => path.join(root, ns, 'data', 'key-based', 'leases', 'a', '.tmp-lock-leases-a.json');

  beforeEach(async () => {
    root = await newRoot();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('breaks a lock left by a dead process once it is stale', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    const version = await store.putIf(ref, '{"n":1}', { ifNoneMatch: '*' });
    await writeFile(lockFile(), 'other-host 12345 0123456789abcdef');
    const old = new Date(Date.now() - 2 * LOCK_STALE_MS);
    await utimes(lockFile(), old, old);

    // Act
    const next = await store.putIf(ref, '{"n":2}', { ifMatch: version });

    // Assess
    expect((await store.getVersioned(ref))?.version).toBe(next);
    expect(await filesUnder(root)).toEqual([`${ns}/data/key-based/leases/a/leases-a.json`]);
  });

  it('breaks at once a fresh lock whose holder process on this host has exited', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    const version = await store.putIf(ref, '{"n":1}', { ifNoneMatch: '*' });
    const exited = await promisify(execFile)(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(lockFile(), `${hostname()} ${exited.stdout} 0123456789abcdef`);

    // Act
    const next = await store.putIf(ref, '{"n":2}', { ifMatch: version });

    // Assess
    expect((await store.getVersioned(ref))?.version).toBe(next);
    expect(await filesUnder(root)).toEqual([`${ns}/data/key-based/leases/a/leases-a.json`]);
  });

  it('waits for a live lock, then writes, and leaves the other holder\'s lock alone', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    const version = await store.putIf(ref, '{"n":1}', { ifNoneMatch: '*' });
    await writeFile(lockFile(), `${hostname()} ${process.ppid} 0123456789abcdef`);
    let settled = false;

    // Act
    const write = store.putIf(ref, '{"n":2}', { ifMatch: version }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const settledWhileLocked = settled;
    await rm(lockFile());
    await write;

    // Assess
    expect(settledWhileLocked).toBe(false);
    expect(new TextDecoder().decode(await store.get(ref))).toBe('{"n":2}');
  });

  it('lets one process win each create and loses no increment across 4 processes', async () => {
    // Prepare
    const workers = 4;
    const keys = 20;
    const increments = 15;
    const store = fsCacheStore({ root });
    await store.putIf({ namespace: 'cross-process', key: 'counters/shared', fileType: 'json' }, '{"n":0}', { ifNoneMatch: '*' });
    const worker = fileURLToPath(new URL('./fsPutIfWorker.ts', import.meta.url));
    const startAt = Date.now() + 1500;

    // Act
    const outputs = await Promise.all(
      Array.from({ length: workers }, () =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', worker, root, String(startAt), String(keys), String(increments)], {
          env: { ...process.env, NODE_OPTIONS: '' },
        }),
      ),
    );
    const results = outputs.map(({ stdout }) => JSON.parse(stdout) as { created: string[]; retries: number });

    // Assess
    const created = results.flatMap((result) => result.created);
    expect(created.sort()).toEqual(Array.from({ length: keys }, (_, index) => `race/key-${index}`).sort());
    const counter = await store.get({ namespace: 'cross-process', key: 'counters/shared', fileType: 'json' });
    expect(JSON.parse(new TextDecoder().decode(counter))).toEqual({ n: workers * increments });
    expect((await filesUnder(root)).filter((file) => path.basename(file).startsWith('.tmp-'))).toEqual([]);
  }, 60_000);

  it('throws PreconditionFailedError naming the entry\'s file', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref, '{}');

    // Act
    const create = store.putIf(ref, '{}', { ifNoneMatch: '*' });

    // Assess
    await expect(create).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(create).rejects.toMatchObject({ path: path.join(root, entryPath(ref, CONTRACT_NOW)) });
  });
});

describe('FsCacheStoreOptionsSchema', () => {
  it('defaults the root and refuses unknown or empty options', () => {
    // Act
    const defaulted = FsCacheStoreOptionsSchema.parse({});
    const unknown = FsCacheStoreOptionsSchema.safeParse({ root: 'x', rooot: 'y' });
    const empty = FsCacheStoreOptionsSchema.safeParse({ root: '' });

    // Assess
    expect(defaulted).toEqual({ root: DEFAULT_CACHE_ROOT });
    expect(DEFAULT_CACHE_ROOT).toBe('.letsflow/cache');
    expect(unknown.success).toBe(false);
    expect(empty.success).toBe(false);
  });

  it('makes fsCacheStore throw ConfigError for an empty root', () => {
    // Act
    const act = () => fsCacheStore({ root: '' });

    // Assess
    expect(act).toThrow(ConfigError);
  });
});

describe('memoryCacheStore snapshot', () => {
  it('is equal, byte for byte, after writing the same entries twice', async () => {
    // Prepare
    const store = memoryCacheStore({ clock: () => CONTRACT_NOW });
    const write = async (): Promise<void> => {
      await store.put({ namespace: 'ns', key: 'hourly/2026-02-16-14', fileType: 'json' }, '{"n":1}');
      await store.put({ namespace: 'ns', key: 'r', fileType: 'binary', strategy: 'temporal_latest' }, new Uint8Array([1, 2]));
    };
    await write();
    const first = store.snapshot();

    // Act
    await write();
    const second = store.snapshot();

    // Assess
    expect(second).toEqual(first);
    expect([...second.keys()]).toEqual([
      'ns/data/key-based/hourly/2026-02-16-14/hourly-2026-02-16-14.json',
      'ns/data/temporal-latest/2026/02/16/14/r.bin',
      'ns/data/temporal-latest/latest/r.bin',
    ]);
  });

  it('shows a changed byte, and is not changed by later writes', async () => {
    // Prepare
    const store = memoryCacheStore();
    const ref: EntryRef = { namespace: 'ns', key: 'k', fileType: 'binary' };
    await store.put(ref, new Uint8Array([1, 2, 3]));
    const before = store.snapshot();

    // Act
    await store.put(ref, new Uint8Array([1, 2, 4]));
    before.get('ns/data/key-based/k/k.bin')!.fill(0);
    const after = store.snapshot();

    // Assess
    expect(after).not.toEqual(before);
    expect(after.get('ns/data/key-based/k/k.bin')).toEqual(new Uint8Array([1, 2, 4]));
  });
});
