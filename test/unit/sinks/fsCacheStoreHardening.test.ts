import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LetsflowError } from '../../../src/core/errors.js';
import type { EntryRef } from '../../../src/sinks/cacheStore.js';
import { fsCacheStore, FsCacheStoreOptionsSchema } from '../../../src/sinks/fsCacheStore.js';

const newFolder = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'letsflow-hardening-'));
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

/** Every file and folder under `folder`, relative, folders ending with `/`; links are listed, not followed. */
async function tree(folder: string, relative = ''): Promise<string[]> {
  const found: string[] = [];
  for (const child of await readdir(path.join(folder, relative), { withFileTypes: true })) {
    const childPath = relative === '' ? child.name : `${relative}/${child.name}`;
    if (child.isDirectory()) found.push(`${childPath}/`, ...(await tree(folder, childPath)));
    else found.push(childPath);
  }
  return found.sort();
}

/** What a refused link must look like: a LetsflowError that names the link and says it was refused. */
const refusal = (link: string) =>
  expect.objectContaining({
    name: 'SymlinkRefusedError',
    code: 'symlink_refused',
    path: link,
    message: expect.stringMatching(new RegExp(`${link.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*symbolic link.*refused`)),
  });

/** The pid of a process that has exited, so no live process owns it (until the system reuses it). */
async function exitedPid(): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(stdout);
}

describe('fsCacheStore: symbolic links', () => {
  let root: string;
  let outside: string;
  const ns = 'sa-ledger';
  const ref = (key: string, fileType: EntryRef['fileType'] = 'json'): EntryRef => ({ namespace: ns, key, fileType });
  const keyBased = (): string => path.join(root, ns, 'data', 'key-based');
  const secret = (): string => path.join(outside, 'passwd');

  beforeEach(async () => {
    root = await newFolder();
    outside = await newFolder();
    await writeFile(secret(), 'root:x:0:0');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  /** Plants `<key-based>/<key>/<file>` as a link to the outside file; returns the link's path. */
  async function plantFileLink(key: string, file: string): Promise<string> {
    const link = path.join(keyBased(), key, file);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(secret(), link);
    return link;
  }

  /** Plants `<key-based>/monthly` as a link to an outside folder holding one entry; returns the link's path. */
  async function plantFolderLink(): Promise<string> {
    await mkdir(path.join(outside, 'monthly', '2026-02'), { recursive: true });
    await writeFile(path.join(outside, 'monthly', '2026-02', 'monthly-2026-02.json'), '{"outside":true}');
    const link = path.join(keyBased(), 'monthly');
    await mkdir(keyBased(), { recursive: true });
    await symlink(path.join(outside, 'monthly'), link);
    return link;
  }

  describe('reads', () => {
    it('refuses a get whose file is a link, naming it, and returns nothing of the outside file', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      const link = await plantFileLink('objects/evil', 'objects-evil.bin');

      // Act
      const get = store.get(ref('objects/evil', 'binary'));

      // Assess
      await expect(get).rejects.toBeInstanceOf(LetsflowError);
      await expect(get).rejects.toEqual(refusal(link));
    });

    it('refuses a getVersioned whose file is a link', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      const link = await plantFileLink('objects/evil', 'objects-evil.json');

      // Act
      const get = store.getVersioned(ref('objects/evil'));

      // Assess
      await expect(get).rejects.toEqual(refusal(link));
    });

    it('refuses a get through a linked folder', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      const link = await plantFolderLink();

      // Act
      const get = store.get(ref('monthly/2026-02'));
      const getVersioned = store.getVersioned(ref('monthly/2026-02'));

      // Assess
      await expect(get).rejects.toEqual(refusal(link));
      await expect(getVersioned).rejects.toEqual(refusal(link));
    });
  });

  describe('listings', () => {
    it('refuses a listing whose prefix folder is a link, and lists no outside key', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      await store.put(ref('daily/2026-02-16'), '{}');
      const link = await plantFolderLink();

      // Act
      const list = store.list(ns, 'json', 'monthly/');

      // Assess
      await expect(list).rejects.toEqual(refusal(link));
    });

    it('does not list a key whose content file is a link', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      await store.put(ref('real'), '{}');
      await plantFileLink('evil', 'evil.json');

      // Act
      const keys = await store.list(ns, 'json');

      // Assess
      expect(keys).toEqual(['real']);
    });
  });

  describe('writes', () => {
    it('refuses a put through a linked folder, and creates nothing outside', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      const link = await plantFolderLink();
      const before = await tree(outside);

      // Act
      const put = store.put(ref('monthly/2026-03'), '{"planted":true}');

      // Assess
      await expect(put).rejects.toEqual(refusal(link));
      expect(await tree(outside)).toEqual(before);
    });

    it('refuses a put over a file that is a link, and leaves the link and the outside file alone', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      const link = await plantFileLink('evil', 'evil.json');

      // Act
      const put = store.put(ref('evil'), '{"planted":true}');

      // Assess
      await expect(put).rejects.toEqual(refusal(link));
      expect(await readFile(secret(), 'utf8')).toBe('root:x:0:0');
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(await tree(path.dirname(link))).toEqual(['evil.json']);
    });

    it('refuses a create-if-absent through a linked folder and over a linked file', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      const folderLink = await plantFolderLink();
      const fileLink = await plantFileLink('evil', 'evil.json');
      const before = await tree(outside);

      // Act
      const throughFolder = store.putIf(ref('monthly/2026-03'), '{}', { ifNoneMatch: '*' });
      const overFile = store.putIf(ref('evil'), '{}', { ifNoneMatch: '*' });

      // Assess
      await expect(throughFolder).rejects.toEqual(refusal(folderLink));
      await expect(overFile).rejects.toEqual(refusal(fileLink));
      expect(await tree(outside)).toEqual(before);
    });

    it('refuses an if-match over a linked file, even with the outside file\'s version', async () => {
      // Prepare
      const store = fsCacheStore({ root });
      const link = await plantFileLink('evil', 'evil.json');

      // Act
      const put = store.putIf(ref('evil'), '{"planted":true}', { ifMatch: sha1('root:x:0:0') });

      // Assess
      await expect(put).rejects.toEqual(refusal(link));
      expect(await readFile(secret(), 'utf8')).toBe('root:x:0:0');
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
    });
  });

  describe('namespaces', () => {
    it('refuses every operation in a namespace whose folder is a link, and touches nothing outside', async () => {
      // Prepare
      const outsideStore = fsCacheStore({ root: outside });
      await outsideStore.put(ref('kept'), '{"outside":true}');
      const before = await tree(outside);
      const link = path.join(root, ns);
      await symlink(path.join(outside, ns), link);
      const store = fsCacheStore({ root });

      // Act
      const operations = {
        get: store.get(ref('kept')),
        getVersioned: store.getVersioned(ref('kept')),
        list: store.list(ns, 'json'),
        put: store.put(ref('new'), '{}'),
        putIf: store.putIf(ref('new-if'), '{}', { ifNoneMatch: '*' }),
        remove: store.remove(ref('kept')),
      };

      // Assess
      for (const operation of Object.values(operations)) await expect(operation).rejects.toEqual(refusal(link));
      expect(await tree(outside)).toEqual(before);
      expect(text(await outsideStore.get(ref('kept')))).toBe('{"outside":true}');
    });

    it('accepts a root that is itself a link, since the user chose it', async () => {
      // Prepare
      const linkedRoot = path.join(outside, 'linked-root');
      await symlink(root, linkedRoot);
      const store = fsCacheStore({ root: linkedRoot });

      // Act
      await store.put(ref('a/b'), '{"n":1}');
      const version = await store.putIf(ref('c'), '{"n":2}', { ifNoneMatch: '*' });
      await store.healthcheck();

      // Assess
      expect(text(await store.get(ref('a/b')))).toBe('{"n":1}');
      expect((await store.getVersioned(ref('c')))?.version).toBe(version);
      expect(await store.list(ns, 'json')).toEqual(['a/b', 'c']);
    });
  });
});

describe('fsCacheStore: stale temporary and lock files', () => {
  let root: string;
  const ns = 'stale-ns';
  const ref: EntryRef = { namespace: ns, key: 'entries/a', fileType: 'json' };
  const folder = (): string => path.join(root, ns, 'data', 'key-based', 'entries', 'a');
  const hostTag = createHash('sha1').update(hostname()).digest('hex').slice(0, 8);
  const tempOf = (pid: number, host = hostTag): string => `.tmp-${pid}-${host}-0123456789ab`;
  const ELEVEN_MINUTES_AGO = (): Date => new Date(Date.now() - 11 * 60_000);

  beforeEach(async () => {
    root = await newFolder();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('removes, when listing, the temporary file and lock of a process of this host that has exited', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref, '{}');
    const dead = await exitedPid();
    await writeFile(path.join(folder(), tempOf(dead)), 'partial');
    await writeFile(path.join(folder(), '.tmp-lock-entries-a.json'), `${hostname()} ${dead} 0123456789abcdef`);

    // Act
    const keys = await store.list(ns, 'json');

    // Assess
    expect(keys).toEqual(['entries/a']);
    expect(await readdir(folder())).toEqual(['entries-a.json']);
  });

  it('keeps the temporary files and lock of live processes, and fresh ones of other hosts', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref, '{}');
    const kept = [tempOf(process.pid), tempOf(process.ppid), tempOf(await exitedPid(), 'ffffffff'), '.tmp-lock-entries-a.json'].sort();
    for (const name of kept.filter((name) => !name.startsWith('.tmp-lock-'))) await writeFile(path.join(folder(), name), 'partial');
    await writeFile(path.join(folder(), '.tmp-lock-entries-a.json'), `${hostname()} ${process.ppid} 0123456789abcdef`);

    // Act
    await store.list(ns, 'json');

    // Assess
    expect((await readdir(folder())).sort()).toEqual([...kept, 'entries-a.json'].sort());
  });

  it('removes, when listing, temporary files older than ten minutes whose owner cannot be checked', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref, '{}');
    const otherHost = path.join(folder(), tempOf(4242, 'ffffffff'));
    const legacy = path.join(folder(), '.tmp-4242-0123456789ab');
    for (const file of [otherHost, legacy]) {
      await writeFile(file, 'partial');
      await utimes(file, ELEVEN_MINUTES_AGO(), ELEVEN_MINUTES_AGO());
    }

    // Act
    await store.list(ns, 'json');

    // Assess
    expect(await readdir(folder())).toEqual(['entries-a.json']);
  });

  it('removes a stale temporary file when a remove would otherwise leave its folder behind', async () => {
    // Prepare
    const store = fsCacheStore({ root });
    await store.put(ref, '{}');
    await writeFile(path.join(folder(), tempOf(await exitedPid())), 'partial');

    // Act
    await store.remove(ref);

    // Assess
    expect(await readdir(root)).toEqual([]);
  });
});

describe('fsCacheStore: durable writes', () => {
  let root: string;
  const ns = 'durable-ns';
  const ref = (key: string): EntryRef => ({ namespace: ns, key, fileType: 'json' });

  beforeEach(async () => {
    root = await newFolder();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('accepts durable in its schema, and writes, replaces and conditionally writes the same bytes', async () => {
    // Prepare
    const parsed = FsCacheStoreOptionsSchema.parse({ root, durable: true });
    const store = fsCacheStore({ root, durable: true });
    async function* body(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('{"streamed":');
      yield new TextEncoder().encode('true}');
    }

    // Act
    await store.put(ref('a'), '{"n":1}');
    await store.put(ref('a'), '{"n":2}');
    await store.put(ref('streamed'), body());
    await store.put({ namespace: ns, key: 'copies', fileType: 'json', strategy: 'temporal_versioned' }, '{"copies":3}');
    const version = await store.putIf(ref('b'), '{"n":3}', { ifNoneMatch: '*' });
    await store.putIf(ref('b'), '{"n":4}', { ifMatch: version });

    // Assess
    expect(parsed).toEqual({ root, durable: true });
    expect(text(await store.get(ref('a')))).toBe('{"n":2}');
    expect(text(await store.get(ref('streamed')))).toBe('{"streamed":true}');
    expect(text(await store.get({ namespace: ns, key: 'copies', fileType: 'json', strategy: 'temporal_versioned' }))).toBe('{"copies":3}');
    expect(text(await store.get(ref('b')))).toBe('{"n":4}');
    expect((await tree(root)).filter((entry) => path.basename(entry).startsWith('.tmp-'))).toEqual([]);
  });
});
