import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError, LetsflowError, SinkWriteError } from '../../../src/core/errors.js';
import type { CacheStore, EntryRef, FileType } from '../../../src/sinks/cacheStore.js';
import { entryPath, entryPaths, validateKey } from '../../../src/sinks/cachePaths.js';

/** What the contract needs to see inside a store, besides its interface. */
export interface CacheStoreHarness {
  readonly store: CacheStore;
  /** Every file in the store, as paths relative to its root with `/` separators, temporary files included. */
  files(): Promise<string[]>;
  /** The bytes of one file by its path relative to the root, or `undefined`. */
  readRaw(relativePath: string): Promise<Uint8Array | undefined>;
  cleanup?(): Promise<void>;
}

/** The time every store under test is given, so `temporal*` paths are known. */
export const CONTRACT_NOW = new Date('2026-02-16T14:30:00.000Z');

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
const json = (namespace: string, key: string, extra: Partial<EntryRef> = {}): EntryRef => ({ namespace, key, fileType: 'json', ...extra });
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function* chunks(count: number, size: number, fill: (index: number) => number): AsyncGenerator<Uint8Array> {
  for (let index = 0; index < count; index += 1) {
    yield new Uint8Array(size).fill(fill(index));
    // Yielding to the event loop lets concurrent writers interleave.
    await nextTurn();
  }
}

async function* failingAfter(good: number): AsyncGenerator<Uint8Array> {
  for (let index = 0; index < good; index += 1) yield new Uint8Array(64 * 1024).fill(0x4e);
  throw new Error('source read failed midway');
}

const HOSTILE_KEYS = [
  '..',
  '../escape',
  'a/../../escape',
  'a/./b',
  '/etc/passwd',
  '/absolute',
  'a\\..\\..\\escape',
  '..\\escape',
  'a\0b',
  'a//b',
  'a/',
  '',
  '%2e%2e/escape',
  'a/%2e%2e/%2e%2e/escape',
  'a/.tmp-123-abc',
];

/**
 * The behaviour every CacheStore must have, as a vitest suite. `makeStore` builds a fresh, empty
 * store whose clock returns `CONTRACT_NOW`; the suite cleans it up after each test.
 */
export function describeCacheStoreContract(name: string, makeStore: (clock: () => Date) => Promise<CacheStoreHarness>): void {
  describe(`${name} (CacheStore contract)`, () => {
    let harness: CacheStoreHarness;
    let store: CacheStore;
    const ns = 'contract-ns';

    beforeEach(async () => {
      harness = await makeStore(() => CONTRACT_NOW);
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup?.();
    });

    const tempFiles = async (): Promise<string[]> => (await harness.files()).filter((file) => file.split('/').at(-1)!.startsWith('.tmp-'));

    describe('put and get', () => {
      it('round-trips a json entry given as a string, stored as UTF-8 at the service path', async () => {
        // Prepare
        const ref = json('sa-cloudfront-aggregate', 'hourly/2026-02-16-14');
        const body = '{"requests":3,"name":"café"}';

        // Act
        await store.put(ref, body);
        const back = await store.get(ref);

        // Assess
        expect(decode(back)).toBe(body);
        expect(back).toEqual(encode(body));
        expect(await harness.files()).toEqual(['sa-cloudfront-aggregate/data/key-based/hourly/2026-02-16-14/hourly-2026-02-16-14.json']);
      });

      it('round-trips every byte value of a binary entry', async () => {
        // Prepare
        const ref: EntryRef = { namespace: ns, key: 'blobs/all-bytes', fileType: 'binary' };
        const body = Uint8Array.from({ length: 512 }, (_, index) => index % 256);

        // Act
        await store.put(ref, body);
        const back = await store.get(ref);

        // Assess
        expect(back).toEqual(body);
        expect(await harness.readRaw(`${ns}/data/key-based/blobs/all-bytes/blobs-all-bytes.bin`)).toEqual(body);
      });

      it('keeps json and binary entries of the same key apart', async () => {
        // Prepare
        const key = 'same/key';

        // Act
        await store.put({ namespace: ns, key, fileType: 'json' }, '{}');
        await store.put({ namespace: ns, key, fileType: 'binary' }, new Uint8Array([1, 2, 3]));

        // Assess
        expect(decode(await store.get({ namespace: ns, key, fileType: 'json' }))).toBe('{}');
        expect(await store.get({ namespace: ns, key, fileType: 'binary' })).toEqual(new Uint8Array([1, 2, 3]));
      });

      it('overwrites an entry with the new bytes, including a shorter body', async () => {
        // Prepare
        const ref = json(ns, 'daily/2026-02-16');
        await store.put(ref, '{"version":"first and longer"}');

        // Act
        await store.put(ref, '{"v":2}');

        // Assess
        expect(decode(await store.get(ref))).toBe('{"v":2}');
        expect(await harness.files()).toHaveLength(1);
      });

      it('does not let the caller change stored bytes through the body or the result', async () => {
        // Prepare
        const ref: EntryRef = { namespace: ns, key: 'aliasing', fileType: 'binary' };
        const body = new Uint8Array([1, 2, 3]);
        await store.put(ref, body);

        // Act
        body.fill(9);
        (await store.get(ref))!.fill(8);

        // Assess
        expect(await store.get(ref)).toEqual(new Uint8Array([1, 2, 3]));
      });

      it('returns undefined for a missing entry, in a known and in an unknown namespace', async () => {
        // Prepare
        await store.put(json(ns, 'present'), '{}');

        // Act
        const missingKey = await store.get(json(ns, 'absent'));
        const missingNamespace = await store.get(json('never-written', 'present'));
        const missingType = await store.get({ namespace: ns, key: 'present', fileType: 'binary' });

        // Assess
        expect(missingKey).toBeUndefined();
        expect(missingNamespace).toBeUndefined();
        expect(missingType).toBeUndefined();
      });

      it('writes a direct entry at its sharded path', async () => {
        // Prepare
        const ref = json(ns, 'abcdef', { strategy: 'direct' });

        // Act
        await store.put(ref, '{"d":1}');

        // Assess
        expect(decode(await store.get(ref))).toBe('{"d":1}');
        expect(await harness.files()).toEqual([`${ns}/data/direct/ab/cd/abcdef.json`]);
      });
    });

    describe('temporal strategies', () => {
      it('writes a temporal entry under the hour of the clock, and refuses to read it by key', async () => {
        // Prepare
        const ref = json(ns, 'raw-file-1', { strategy: 'temporal' });

        // Act
        await store.put(ref, '{"t":1}');

        // Assess
        expect(decode(await harness.readRaw(`${ns}/data/temporal/2026/02/16/14/raw-file-1.json`))).toBe('{"t":1}');
        await expect(store.get(ref)).rejects.toThrow(LetsflowError);
        await expect(store.get(ref)).rejects.toMatchObject({ code: 'entry_not_addressable' });
        await expect(store.remove(ref)).rejects.toMatchObject({ code: 'entry_not_addressable' });
      });

      it('writes both copies of a temporal_latest entry and reads the latest one', async () => {
        // Prepare
        const ref = json(ns, 'report', { strategy: 'temporal_latest' });

        // Act
        await store.put(ref, '{"n":1}');

        // Assess
        expect(decode(await store.get(ref))).toBe('{"n":1}');
        expect((await harness.files()).sort()).toEqual([
          `${ns}/data/temporal-latest/2026/02/16/14/report.json`,
          `${ns}/data/temporal-latest/latest/report.json`,
        ]);
        for (const path of entryPaths(ref, CONTRACT_NOW)) expect(decode(await harness.readRaw(path))).toBe('{"n":1}');
      });

      it('writes the three copies of a temporal_versioned entry and removes only the addressable ones', async () => {
        // Prepare
        const ref: EntryRef = { namespace: ns, key: 'snapshot', fileType: 'binary', strategy: 'temporal_versioned' };
        const body = new Uint8Array([7, 7, 7]);

        // Act
        await store.put(ref, body);
        const written = (await harness.files()).sort();
        await store.remove(ref);

        // Assess
        expect(written).toEqual([
          `${ns}/data/temporal-versioned/2026/02/16/14/snapshot.bin`,
          `${ns}/data/temporal-versioned/latest/snapshot.bin`,
          `${ns}/data/temporal-versioned/versions/v1/snapshot.bin`,
        ]);
        expect(await store.get(ref)).toBeUndefined();
        expect(await harness.files()).toEqual([`${ns}/data/temporal-versioned/2026/02/16/14/snapshot.bin`]);
      });

      it('leaves every copy untouched when a temporal_versioned body fails', async () => {
        // Prepare
        const ref = json(ns, 'snapshot', { strategy: 'temporal_versioned' });
        await store.put(ref, '{"old":true}');

        // Act
        const put = store.put(ref, failingAfter(3));

        // Assess
        await expect(put).rejects.toBeInstanceOf(SinkWriteError);
        for (const path of entryPaths(ref, CONTRACT_NOW)) expect(decode(await harness.readRaw(path))).toBe('{"old":true}');
        expect(await tempFiles()).toEqual([]);
      });
    });

    describe('list', () => {
      it('lists the keys of one file type, sorted, filtered by prefix', async () => {
        // Prepare
        const jsonKeys = ['hourly/2026-02-16-14', 'daily/2026-02-16', 'hourly/2026-02-16-02', 'hourly/2026-02-17-00', 'hourly-x', 'hourly', 'a', 'a/b'];
        for (const key of jsonKeys) await store.put(json(ns, key), '{}');
        await store.put({ namespace: ns, key: 'hourly/binary-only', fileType: 'binary' }, new Uint8Array([1]));
        await store.put(json('other-ns', 'hourly/2026-02-16-14'), '{}');
        await store.put(json(ns, 'hourly/2026-02-16-99', { strategy: 'direct' }), '{}');

        // Act
        const all = await store.list(ns, 'json');
        const hourly = await store.list(ns, 'json', 'hourly/');
        const day = await store.list(ns, 'json', 'hourly/2026-02-16');
        const loose = await store.list(ns, 'json', 'hourly');
        const binary = await store.list(ns, 'binary');

        // Assess
        expect(all).toEqual([...jsonKeys].sort());
        expect(all).toEqual(['a', 'a/b', 'daily/2026-02-16', 'hourly', 'hourly-x', 'hourly/2026-02-16-02', 'hourly/2026-02-16-14', 'hourly/2026-02-17-00']);
        expect(hourly).toEqual(['hourly/2026-02-16-02', 'hourly/2026-02-16-14', 'hourly/2026-02-17-00']);
        expect(day).toEqual(['hourly/2026-02-16-02', 'hourly/2026-02-16-14']);
        expect(loose).toEqual(['hourly', 'hourly-x', 'hourly/2026-02-16-02', 'hourly/2026-02-16-14', 'hourly/2026-02-17-00']);
        expect(binary).toEqual(['hourly/binary-only']);
      });

      it('returns an empty list for an unknown namespace or a prefix no key can have', async () => {
        // Prepare
        await store.put(json(ns, 'k'), '{}');

        // Act
        const unknown = await store.list('never-written', 'json');
        const hostile = await Promise.all(['../', '../../', '/', 'k/../', '..\\', 'zzz/'].map((prefix) => store.list(ns, 'json', prefix)));

        // Assess
        expect(unknown).toEqual([]);
        expect(hostile).toEqual([[], [], [], [], [], []]);
      });

      it('rejects an invalid namespace', async () => {
        // Act
        const list = store.list('../escape', 'json');

        // Assess
        await expect(list).rejects.toBeInstanceOf(InvalidKeyError);
      });

      it('lists exactly the keys written, for arbitrary valid keys (property)', async () => {
        // Prepare
        const segment = fc.stringMatching(/^[A-Za-z0-9_. -]{1,6}$/);
        const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
        const validKey = key.filter((candidate) => {
          try {
            validateKey(candidate);
            return true;
          } catch {
            return false;
          }
        });
        let run = 0;

        // Act + Assess
        await fc.assert(
          fc.asyncProperty(fc.uniqueArray(validKey, { maxLength: 8 }), fc.constantFrom<FileType>('json', 'binary'), async (keys, fileType) => {
            run += 1;
            const namespace = `prop-${run}`;
            for (const k of keys) await store.put({ namespace, key: k, fileType }, k);
            expect(await store.list(namespace, fileType)).toEqual([...keys].sort());
            for (const k of keys) expect(decode(await store.get({ namespace, key: k, fileType }))).toBe(k);
          }),
          { numRuns: 25 },
        );
      });
    });

    describe('remove', () => {
      it('removes an entry so it is neither read nor listed, and keeps its neighbours', async () => {
        // Prepare
        await store.put(json(ns, 'a'), '{"a":1}');
        await store.put(json(ns, 'a/b'), '{"b":1}');
        await store.put(json(ns, 'a/b/c'), '{"c":1}');

        // Act
        await store.remove(json(ns, 'a/b'));

        // Assess
        expect(await store.get(json(ns, 'a/b'))).toBeUndefined();
        expect(await store.list(ns, 'json')).toEqual(['a', 'a/b/c']);
        expect(decode(await store.get(json(ns, 'a/b/c')))).toBe('{"c":1}');
      });

      it('treats removing an absent entry as success', async () => {
        // Prepare
        await store.put(json(ns, 'kept'), '{}');

        // Act
        const removals = [store.remove(json(ns, 'absent')), store.remove(json('never-written', 'absent')), store.remove(json(ns, 'kept/deeper'))];

        // Assess
        await expect(Promise.all(removals)).resolves.toEqual([undefined, undefined, undefined]);
        expect(await store.list(ns, 'json')).toEqual(['kept']);
      });
    });

    describe('streaming bodies', () => {
      it('writes a 20 MB async iterable body intact', async () => {
        // Prepare
        const ref: EntryRef = { namespace: ns, key: 'big/stream', fileType: 'binary' };
        const chunkSize = 64 * 1024;
        const count = 320;
        const expected = createHash('sha256');
        for (let index = 0; index < count; index += 1) expected.update(new Uint8Array(chunkSize).fill(index % 251));

        // Act
        await store.put(ref, chunks(count, chunkSize, (index) => index % 251));
        const back = await store.get(ref);

        // Assess
        expect(back?.byteLength).toBe(count * chunkSize);
        expect(sha256(back!)).toBe(expected.digest('hex'));
      });

      it('keeps the old content, and leaves no temporary file, when the body throws midway', async () => {
        // Prepare
        const ref = json(ns, 'hourly/2026-02-16-14');
        await store.put(ref, '{"old":true}');

        // Act
        const put = store.put(ref, failingAfter(5));

        // Assess
        await expect(put).rejects.toBeInstanceOf(SinkWriteError);
        await expect(put).rejects.toMatchObject({ cause: expect.objectContaining({ message: 'source read failed midway' }) });
        expect(decode(await store.get(ref))).toBe('{"old":true}');
        expect(await tempFiles()).toEqual([]);
      });

      it('creates nothing when the first write of a key fails', async () => {
        // Prepare
        const ref = json(ns, 'new/key');

        // Act
        const put = store.put(ref, failingAfter(2));

        // Assess
        await expect(put).rejects.toBeInstanceOf(SinkWriteError);
        expect(await store.get(ref)).toBeUndefined();
        expect(await store.list(ns, 'json')).toEqual([]);
        expect(await tempFiles()).toEqual([]);
      });

      it('ends concurrent puts of one key with one complete body, not a mix', async () => {
        // Prepare
        const ref: EntryRef = { namespace: ns, key: 'contended', fileType: 'binary' };
        const writers = 6;
        const chunkCount = 16;
        const chunkSize = 16 * 1024;

        // Act
        await Promise.all(Array.from({ length: writers }, (_, writer) => store.put(ref, chunks(chunkCount, chunkSize, () => writer + 1))));
        const back = (await store.get(ref))!;

        // Assess
        expect(back.byteLength).toBe(chunkCount * chunkSize);
        const first = back[0]!;
        expect(first).toBeGreaterThanOrEqual(1);
        expect(first).toBeLessThanOrEqual(writers);
        expect(back.every((byte) => byte === first)).toBe(true);
        expect(await tempFiles()).toEqual([]);
      });
    });

    describe('key safety', () => {
      it.each(HOSTILE_KEYS)('rejects key %j on put, get and remove without writing anything', async (key) => {
        // Prepare
        const ref = json(ns, key);

        // Act
        const attempts = [store.put(ref, '{}'), store.get(ref), store.remove(ref)];

        // Assess
        for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(InvalidKeyError);
        expect(await harness.files()).toEqual([]);
      });

      it.each(['..', '../escape', '', 'a/b', 'ns.dot', 'x'.repeat(129)])('rejects namespace %j', async (namespace) => {
        // Act
        const put = store.put(json(namespace, 'k'), '{}');

        // Assess
        await expect(put).rejects.toBeInstanceOf(InvalidKeyError);
        expect(await harness.files()).toEqual([]);
      });

      it('refuses a key whose folder would be another key\'s content file', async () => {
        // Prepare
        await store.put(json(ns, 'a'), '{"a":1}');

        // Act
        const put = store.put(json(ns, `a/${entryPath(json(ns, 'a'), CONTRACT_NOW).split('/').at(-1)!}`), '{}');

        // Assess
        await expect(put).rejects.toBeInstanceOf(InvalidKeyError);
        expect(decode(await store.get(json(ns, 'a')))).toBe('{"a":1}');
      });
    });

    describe('healthcheck', () => {
      it('passes and leaves nothing behind', async () => {
        // Act
        const check = store.healthcheck();

        // Assess
        await expect(check).resolves.toBeUndefined();
        expect(await harness.files()).toEqual([]);
      });
    });
  });
}
