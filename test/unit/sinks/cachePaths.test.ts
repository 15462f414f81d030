import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidKeyError, LetsflowError } from '../../../src/core/errors.js';
import { STRATEGIES, type EntryRef } from '../../../src/sinks/cacheStore.js';
import {
  addressablePaths,
  entryPath,
  entryPaths,
  isContentFile,
  keyBasedFolder,
  validateKey,
  validateNamespace,
} from '../../../src/sinks/cachePaths.js';

const NOW = new Date('2026-02-16T14:30:00.000Z');

describe('entryPath', () => {
  it('matches the cache service example of §2.1 for a key_based json entry', () => {
    // Prepare
    const ref: EntryRef = { namespace: 'sa-cloudfront-aggregate', key: 'hourly/2026-02-16-14', fileType: 'json' };

    // Act
    const path = entryPath(ref, NOW);

    // Assess
    expect(path).toBe('sa-cloudfront-aggregate/data/key-based/hourly/2026-02-16-14/hourly-2026-02-16-14.json');
  });

  it('defaults to key_based and uses .bin for binary entries', () => {
    // Prepare
    const ref: EntryRef = { namespace: 'ns', key: 'a/b c/d.e', fileType: 'binary' };

    // Act
    const path = entryPath(ref, NOW);

    // Assess
    expect(path).toBe('ns/data/key-based/a/b c/d.e/a-b c-d.e.bin');
    expect(entryPath({ ...ref, strategy: 'key_based' }, NOW)).toBe(path);
  });

  it('shards direct entries on the first four characters of the file id', () => {
    // Prepare
    const direct = (key: string): EntryRef => ({ namespace: 'ns', key, fileType: 'json', strategy: 'direct' });

    // Act
    const paths = ['abcdef', 'abc', 'a', 'x/y'].map((key) => entryPath(direct(key), NOW));

    // Assess
    expect(paths).toEqual([
      'ns/data/direct/ab/cd/abcdef.json',
      'ns/data/direct/ab/c/abc.json',
      'ns/data/direct/a/a.json',
      'ns/data/direct/x-/y/x-y.json',
    ]);
  });

  it.each(['....', '..ab', 'ab..', 'ab.', 'ab..x', '.../x'])('refuses direct key %j whose shard folders would be "." or ".."', (key) => {
    // Prepare
    const ref: EntryRef = { namespace: 'ns', key, fileType: 'json', strategy: 'direct' };

    // Act
    const act = () => entryPath(ref, NOW);

    // Assess
    expect(() => validateKey(key)).not.toThrow();
    expect(act).toThrow(InvalidKeyError);
    expect(entryPath({ ...ref, strategy: 'key_based' }, NOW)).toBe(`ns/data/key-based/${key}/${key.replaceAll('/', '-')}.json`);
  });

  it('places temporal entries under the UTC hour of now', () => {
    // Prepare
    const ref: EntryRef = { namespace: 'sa-cloudfront-raw', key: 'f1', fileType: 'json', strategy: 'temporal' };

    // Act
    const afternoon = entryPath(ref, NOW);
    const lastHourOfYear = entryPath(ref, new Date('2026-12-31T23:59:59.999Z'));
    const firstHour = entryPath(ref, new Date(Date.UTC(999, 0, 2, 3)));

    // Assess
    expect(afternoon).toBe('sa-cloudfront-raw/data/temporal/2026/02/16/14/f1.json');
    expect(lastHourOfYear).toBe('sa-cloudfront-raw/data/temporal/2026/12/31/23/f1.json');
    expect(firstHour).toBe('sa-cloudfront-raw/data/temporal/0999/01/02/03/f1.json');
  });

  it('addresses the latest/ copy of temporal_latest and temporal_versioned entries', () => {
    // Prepare
    const ref = (strategy: 'temporal_latest' | 'temporal_versioned'): EntryRef => ({ namespace: 'ns', key: 'r', fileType: 'json', strategy });

    // Act
    const latest = entryPath(ref('temporal_latest'), NOW);
    const versioned = entryPath(ref('temporal_versioned'), NOW);

    // Assess
    expect(latest).toBe('ns/data/temporal-latest/latest/r.json');
    expect(versioned).toBe('ns/data/temporal-versioned/latest/r.json');
  });
});

describe('entryPaths', () => {
  it('lists both copies of a temporal_latest entry, latest first', () => {
    // Prepare
    const ref: EntryRef = { namespace: 'ns', key: 'r', fileType: 'binary', strategy: 'temporal_latest' };

    // Act
    const paths = entryPaths(ref, NOW);

    // Assess
    expect(paths).toEqual(['ns/data/temporal-latest/latest/r.bin', 'ns/data/temporal-latest/2026/02/16/14/r.bin']);
  });

  it('lists the three copies of a temporal_versioned entry', () => {
    // Prepare
    const ref: EntryRef = { namespace: 'ns', key: 'r', fileType: 'json', strategy: 'temporal_versioned' };

    // Act
    const paths = entryPaths(ref, NOW);

    // Assess
    expect(paths).toEqual([
      'ns/data/temporal-versioned/latest/r.json',
      'ns/data/temporal-versioned/versions/v1/r.json',
      'ns/data/temporal-versioned/2026/02/16/14/r.json',
    ]);
  });

  it('gives one path for the single-copy strategies', () => {
    // Prepare
    const refs = (['key_based', 'direct', 'temporal'] as const).map((strategy): EntryRef => ({ namespace: 'ns', key: 'k', fileType: 'json', strategy }));

    // Act
    const counts = refs.map((ref) => entryPaths(ref, NOW));

    // Assess
    expect(counts).toEqual([['ns/data/key-based/k/k.json'], ['ns/data/direct/k/k.json'], ['ns/data/temporal/2026/02/16/14/k.json']]);
  });
});

describe('addressablePaths', () => {
  it('refuses temporal entries, which are addressed by time', () => {
    // Prepare
    const ref: EntryRef = { namespace: 'ns', key: 'k', fileType: 'json', strategy: 'temporal' };

    // Act
    const act = () => addressablePaths(ref);

    // Assess
    expect(act).toThrow(LetsflowError);
    expect(act).toThrow(/addressed by the hour/);
    try {
      act();
    } catch (error) {
      expect((error as LetsflowError).code).toBe('entry_not_addressable');
    }
  });

  it('leaves out the hour copy', () => {
    // Prepare
    const ref: EntryRef = { namespace: 'ns', key: 'k', fileType: 'json', strategy: 'temporal_latest' };

    // Act
    const paths = addressablePaths(ref);

    // Assess
    expect(paths).toEqual(['ns/data/temporal-latest/latest/k.json']);
  });
});

describe('validateNamespace', () => {
  it.each(['sa-cloudfront-raw', 'a', 'A_b-9', 'n'.repeat(128)])('accepts %j', (namespace) => {
    // Act
    const act = () => validateNamespace(namespace);

    // Assess
    expect(act).not.toThrow();
  });

  it.each(['', '.', '..', '../x', 'a/b', 'ns.dot', 'a b', 'n'.repeat(129), 'é', 'a\0'])('rejects %j', (namespace) => {
    // Act
    const act = () => validateNamespace(namespace);

    // Assess
    expect(act).toThrow(InvalidKeyError);
  });
});

describe('validateKey', () => {
  it.each(['hourly/2026-02-16-14', 'a', 'a b/c.d', '...', 'x.y/.hidden', '2026-02-16/14-30/abc123', 'k'.repeat(250)])(
    'accepts %j',
    (key) => {
      // Act
      const act = () => validateKey(key);

      // Assess
      expect(act).not.toThrow();
    },
  );

  it.each([
    ['', /empty/],
    ['..', /"\." or "\.\."/],
    ['.', /"\." or "\.\."/],
    ['a/../b', /"\." or "\.\."/],
    ['a/./b', /"\." or "\.\."/],
    ['/etc/passwd', /starts with "\/"/],
    ['a/', /end with/],
    ['a//b', /empty segment/],
    ['a\\b', /backslash/],
    ['..\\..\\x', /backslash/],
    ['a\0b', /NUL/],
    ['%2e%2e/x', /outside/],
    ['a/%2e%2e', /outside/],
    ['C:/x', /outside/],
    ['café', /outside/],
    ['a\nb', /outside/],
    ['a/.tmp-1-ab', /reserved/],
    ['a/a.json', /content file/],
    ['x/y/x-y.bin', /content file/],
    ['k'.repeat(251), /file name/],
    ['k/'.repeat(600) + 'k', /at most 1024/],
  ])('rejects %j', (key, reason) => {
    // Act
    const act = () => validateKey(key);

    // Assess
    expect(act).toThrow(InvalidKeyError);
    expect(act).toThrow(reason);
  });

  it('rejects non-strings that reach it from untyped code', () => {
    // Act
    const act = () => validateKey(undefined as unknown as string);

    // Assess
    expect(act).toThrow(InvalidKeyError);
  });

  it('keeps every path it gives under its namespace data folder, or throws InvalidKeyError (property)', () => {
    // Prepare
    const hostile = fc
      .array(fc.constantFrom('..', '.', '/', '\\', '\0', '%2e', 'a', 'B', '0', ' ', '-', '_', '.json', '.tmp-', '~', ':', 'é'), { maxLength: 12 })
      .map((parts) => parts.join(''));
    const keys = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 300 }), hostile);
    const root = path.resolve('/store-root');

    // Act + Assess
    fc.assert(
      fc.property(keys, fc.constantFrom(...STRATEGIES), fc.constantFrom('json' as const, 'binary' as const), (key, strategy, fileType) => {
        let paths: string[];
        try {
          paths = entryPaths({ namespace: 'ns', key, fileType, strategy }, NOW);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidKeyError);
          return;
        }
        for (const relative of paths) {
          expect(path.posix.normalize(relative)).toBe(relative);
          expect(relative.split('/')).not.toContain('');
          expect(path.resolve(root, relative).startsWith(path.join(root, 'ns', 'data') + path.sep)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives distinct keys distinct key_based paths (property)', () => {
    // Prepare
    const segment = fc.stringMatching(/^[A-Za-z0-9_. -]{1,5}$/);
    const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

    // Act + Assess
    fc.assert(
      fc.property(key, key, (a, b) => {
        fc.pre(a !== b);
        try {
          validateKey(a);
          validateKey(b);
        } catch {
          return;
        }
        expect(entryPath({ namespace: 'ns', key: a, fileType: 'json' }, NOW)).not.toBe(entryPath({ namespace: 'ns', key: b, fileType: 'json' }, NOW));
      }),
    );
  });
});

describe('keyBasedFolder', () => {
  it('is the parent of every key_based entry path of the namespace', () => {
    // Act
    const folder = keyBasedFolder('sa-cloudfront-aggregate');

    // Assess
    expect(folder).toBe('sa-cloudfront-aggregate/data/key-based');
    expect(entryPath({ namespace: 'sa-cloudfront-aggregate', key: 'daily/2026-02-16', fileType: 'json' }, NOW).startsWith(`${folder}/`)).toBe(true);
    expect(() => keyBasedFolder('../x')).toThrow(InvalidKeyError);
  });
});

describe('isContentFile', () => {
  it('recognises only the content file of the key and file type', () => {
    // Act
    const results = [
      isContentFile('hourly/2026-02-16-14', 'json', 'hourly-2026-02-16-14.json'),
      isContentFile('hourly/2026-02-16-14', 'binary', 'hourly-2026-02-16-14.json'),
      isContentFile('hourly/2026-02-16-14', 'json', '.tmp-123-abcdef'),
      isContentFile('hourly/2026-02-16-14', 'json', 'hourly-2026-02-16-14.json.metadata'),
      isContentFile('../x', 'json', '..-x.json'),
    ];

    // Assess
    expect(results).toEqual([true, false, false, false, false]);
  });
});
