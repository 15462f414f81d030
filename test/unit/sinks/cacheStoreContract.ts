import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError, LetsflowError, PreconditionFailedError, SinkWriteError } from '../../../src/core/errors.js';
import type { CacheStore, EntryRef, FileType, WriteCondition } from '../../../src/sinks/cacheStore.js';
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

    describe('conditional writes', () => {
      const lease = json(ns, 'leases/object-1');

      /** The error an operation fails with; fails the test if it succeeds. Awaited at once, so no rejection goes unhandled. */
      const failure = (attempt: Promise<unknown>): Promise<unknown> =>
        attempt.then(
          () => expect.fail('the operation should have failed'),
          (error: unknown) => error,
        );

      /** Settles every promise and counts winners and PreconditionFailedError losers; any other rejection fails the test. */
      async function outcomes<T>(attempts: Promise<T>[]): Promise<{ won: T[]; lost: number }> {
        const settled = await Promise.allSettled(attempts);
        const won = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        const rejections = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
        for (const reason of rejections) expect(reason).toBeInstanceOf(PreconditionFailedError);
        return { won, lost: rejections.length };
      }

      it('reads an absent entry as undefined and a present one with its bytes and a version', async () => {
        // Prepare
        await store.put(lease, '{"owner":"a"}');

        // Act
        const absent = await store.getVersioned(json(ns, 'leases/none'));
        const present = await store.getVersioned(lease);

        // Assess
        expect(absent).toBeUndefined();
        expect(decode(present?.body)).toBe('{"owner":"a"}');
        expect(present?.version).toEqual(expect.any(String));
        expect(present?.version).not.toBe('');
      });

      it('creates an absent entry once: a second create throws PreconditionFailedError and the first content stays', async () => {
        // Act
        const version = await store.putIf(lease, '{"owner":"first"}', { ifNoneMatch: '*' });
        const second = await failure(store.putIf(lease, '{"owner":"second"}', { ifNoneMatch: '*' }));

        // Assess
        expect(second).toBeInstanceOf(PreconditionFailedError);
        expect(second).toMatchObject({ code: 'precondition_failed', stage: 'writing' });
        const stored = await store.getVersioned(lease);
        expect(decode(stored?.body)).toBe('{"owner":"first"}');
        expect(stored?.version).toBe(version);
      });

      it('replaces an entry whose version is current, returning a new version', async () => {
        // Prepare
        const first = await store.putIf(lease, '{"owner":"a","n":1}', { ifNoneMatch: '*' });

        // Act
        const second = await store.putIf(lease, new TextEncoder().encode('{"owner":"b","n":2}'), { ifMatch: first });

        // Assess
        expect(second).not.toBe(first);
        const stored = await store.getVersioned(lease);
        expect(JSON.parse(decode(stored?.body)!)).toEqual({ owner: 'b', n: 2 });
        expect(stored?.version).toBe(second);
      });

      it('refuses a stale version, including one made stale by a plain put, and keeps the bytes', async () => {
        // Prepare
        const first = await store.putIf(lease, '{"n":1}', { ifNoneMatch: '*' });
        const second = await store.putIf(lease, '{"n":2}', { ifMatch: first });
        await store.put(lease, '{"n":3}');

        // Act
        const withFirst = await failure(store.putIf(lease, '{"n":"stale-1"}', { ifMatch: first }));
        const withSecond = await failure(store.putIf(lease, '{"n":"stale-2"}', { ifMatch: second }));

        // Assess
        expect(withFirst).toBeInstanceOf(PreconditionFailedError);
        expect(withSecond).toBeInstanceOf(PreconditionFailedError);
        expect(decode(await store.get(lease))).toBe('{"n":3}');
      });

      it('refuses an if-match on an absent or removed entry, and creates it again after a remove', async () => {
        // Prepare
        const version = await store.putIf(lease, '{"n":1}', { ifNoneMatch: '*' });
        await store.remove(lease);

        // Act
        const ifMatch = await failure(store.putIf(lease, '{"n":2}', { ifMatch: version }));
        const neverWritten = await failure(store.putIf(json(ns, 'leases/never'), '{}', { ifMatch: version }));
        const recreated = await store.putIf(lease, '{"n":3}', { ifNoneMatch: '*' });

        // Assess
        expect(ifMatch).toBeInstanceOf(PreconditionFailedError);
        expect(neverWritten).toBeInstanceOf(PreconditionFailedError);
        expect((await store.getVersioned(lease))?.version).toBe(recreated);
        expect(decode(await store.get(lease))).toBe('{"n":3}');
        expect(await store.get(json(ns, 'leases/never'))).toBeUndefined();
      });

      it('lets exactly one of 8 racing creates win, and stores the winner\'s body', async () => {
        // Prepare
        const writers = Array.from({ length: 8 }, (_, index) => `{"owner":"worker-${index}"}`);

        // Act
        const { won, lost } = await outcomes(writers.map(async (body) => ({ body, version: await store.putIf(lease, body, { ifNoneMatch: '*' }) })));

        // Assess
        expect(won).toHaveLength(1);
        expect(lost).toBe(7);
        const stored = await store.getVersioned(lease);
        expect(decode(stored?.body)).toBe(won[0]!.body);
        expect(stored?.version).toBe(won[0]!.version);
      });

      it('loses no update when racing writers read, modify and write with if-match', async () => {
        // Prepare
        const counter = json(ns, 'counters/racing');
        await store.putIf(counter, '{"n":0}', { ifNoneMatch: '*' });
        const increment = async (): Promise<number> => {
          for (let retries = 0; ; retries += 1) {
            const current = (await store.getVersioned(counter))!;
            const next = JSON.stringify({ n: (JSON.parse(decode(current.body)!) as { n: number }).n + 1 });
            try {
              await store.putIf(counter, next, { ifMatch: current.version });
              return retries;
            } catch (error) {
              if (!(error instanceof PreconditionFailedError)) throw error;
            }
          }
        };

        // Act
        await Promise.all(Array.from({ length: 6 }, async () => {
          for (let index = 0; index < 5; index += 1) await increment();
        }));

        // Assess
        expect(JSON.parse(decode(await store.get(counter))!)).toEqual({ n: 30 });
      });

      it('versions a direct entry too, and leaves no temporary or lock file', async () => {
        // Prepare
        const ref: EntryRef = { namespace: ns, key: 'abcdef', fileType: 'binary', strategy: 'direct' };

        // Act
        const first = await store.putIf(ref, new Uint8Array([1]), { ifNoneMatch: '*' });
        const second = await store.putIf(ref, new Uint8Array([2]), { ifMatch: first });
        const stale = await failure(store.putIf(ref, new Uint8Array([3]), { ifMatch: first }));

        // Assess
        expect(stale).toBeInstanceOf(PreconditionFailedError);
        expect(await store.getVersioned(ref)).toEqual({ body: new Uint8Array([2]), version: second });
        expect(await harness.files()).toEqual([`${ns}/data/direct/ab/cd/abcdef.bin`]);
      });

      it.each(['temporal_latest', 'temporal_versioned'] as const)('refuses to version a %s entry', async (strategy) => {
        // Prepare
        const ref = json(ns, 'report', { strategy });

        // Act
        const read = await failure(store.getVersioned(ref));
        const write = await failure(store.putIf(ref, '{}', { ifNoneMatch: '*' }));

        // Assess
        expect(read).toMatchObject({ code: 'entry_not_versioned' });
        expect(write).toMatchObject({ code: 'entry_not_versioned' });
        expect(await harness.files()).toEqual([]);
      });

      it('rejects a hostile key and a malformed condition without writing anything', async () => {
        // Act
        const hostile = await failure(store.putIf(json(ns, '../escape'), '{}', { ifNoneMatch: '*' }));
        const hostileRead = await failure(store.getVersioned(json(ns, 'a/../../escape')));
        const malformed = await failure(store.putIf(lease, '{}', { ifNoneMatch: 'x' } as unknown as WriteCondition));
        const emptyVersion = await failure(store.putIf(lease, '{}', { ifMatch: '' }));

        // Assess
        expect(hostile).toBeInstanceOf(InvalidKeyError);
        expect(hostileRead).toBeInstanceOf(InvalidKeyError);
        expect(malformed).toMatchObject({ code: 'condition_invalid' });
        expect(emptyVersion).toMatchObject({ code: 'condition_invalid' });
        expect(await harness.files()).toEqual([]);
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
