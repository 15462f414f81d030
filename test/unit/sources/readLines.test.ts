import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ObjectQuarantinedError } from '../../../src/core/errors.js';
import { readLines } from '../../../src/sources/readLines.js';
import type { SourceObject } from '../../../src/sources/sourceObject.js';
import { memoryObject } from '../../helpers/objects.js';

const allLines = async (object: SourceObject, options = {}): Promise<string[]> =>
  (await lastValueFrom(readLines(object, options).pipe(toArray()), { defaultValue: [] })).flatMap((b) => b.lines);

const failure = async (object: SourceObject, options = {}): Promise<ObjectQuarantinedError> => {
  try {
    await allLines(object, options);
  } catch (error) {
    return error as ObjectQuarantinedError;
  }
  throw new Error('expected the read to fail');
};

const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

describe('source: readLines', () => {
  it('decodes every member of a concatenated gzip object', async () => {
    const object = memoryObject('two-members.gz', Buffer.concat([gzipSync('line1\n'), gzipSync('line2\n')]));
    expect(await allLines(object)).toEqual(['line1', 'line2']);
  });

  it('sniffs gzip from the bytes, not the key: plain text passes through', async () => {
    expect(await allLines(memoryObject('looks-like.gz', 'a\r\nb\n\nc'))).toEqual(['a', 'b', '', 'c']);
  });

  it('reads an empty object as no lines', async () => {
    expect(await allLines(memoryObject('empty.gz', Buffer.alloc(0)))).toEqual([]);
  });

  it('numbers lines across batches', async () => {
    const batches = await lastValueFrom(readLines(memoryObject('n.gz', gzipSync(numbered(2500))), { batchSize: 1000 }).pipe(toArray()));
    for (const batch of batches) expect(batch.lines[0]).toBe(`line ${batch.firstLine}`);
    expect(batches.reduce((n, b) => n + b.lines.length, 0)).toBe(2500);
  });

  it('quarantines a truncated gzip object, naming it and the line reached', async () => {
    const gz = gzipSync(numbered(20_000));
    const error = await failure(memoryObject('cut.gz', gz.subarray(0, gz.length - 100)));
    expect(error).toBeInstanceOf(ObjectQuarantinedError);
    expect(error.code).toBe('gzip_truncated');
    expect(error.message).toMatch(/^s3:\/\/test-bucket\/cut\.gz line \d+: gzip data ends early/);
  });

  it('quarantines a corrupt gzip object', async () => {
    const gz = gzipSync(numbered(2000));
    const error = await failure(memoryObject('bad.gz', Buffer.concat([gz.subarray(0, 20), Buffer.alloc(50, 0xff), gz.subarray(70)])));
    expect(error.code).toBe('gzip_corrupt');
  });

  it.each([
    ['inside a chunk', 500],
    ['longer than the split buffer', 200_000],
  ])('quarantines an over-long line %s with its line number', async (_, length) => {
    const object = memoryObject('long.gz', gzipSync(`${numbered(7)}${'x'.repeat(length)}\nafter\n`));
    const error = await failure(object, { maxLineLength: 100 });
    expect(error.code).toBe('line_too_long');
    expect(error.line).toBe(8);
  });

  it('waits for the ready hook before reading on', async () => {
    // Prepare
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let batches = 0;
    // Act
    const done = lastValueFrom(readLines(memoryObject('n', numbered(5000)), { batchSize: 100, ready: () => gate }).pipe(toArray()));
    readLines(memoryObject('n', numbered(5000)), { batchSize: 100, ready: () => gate }).subscribe(() => batches++);
    await new Promise((r) => setTimeout(r, 50));
    // Assess
    expect(batches).toBe(1);
    release();
    expect((await done).length).toBe(50);
  });

  it('destroys the read when unsubscribed early', async () => {
    const stream = Readable.from((function* () { for (let i = 0; i < 1e6; i++) yield Buffer.from(`line ${i}\n`); })());
    const object: SourceObject = { ...memoryObject('big', ''), open: async () => stream };
    await lastValueFrom(readLines(object, { batchSize: 10 }).pipe(take(1)));
    expect(stream.destroyed).toBe(true);
  });
});

describe('source: readLines limits', () => {
  it('drops a byte-order mark at the start of an object', async () => {
    expect(await allLines(memoryObject('bom.gz', gzipSync('\uFEFFfirst\nsecond\n')))).toEqual(['first', 'second']);
  });

  it('quarantines an object that decompresses past the size limit, naming the line', async () => {
    const error = await failure(memoryObject('big.gz', gzipSync(numbered(1000))), { maxDecodedBytes: 5000 });
    expect(error.code).toBe('too_large');
    let bytes = 0;
    let line = 0;
    while (bytes <= 5000) bytes += `line ${++line}\n`.length;
    expect(error.line).toBe(line);
  });

  it('quarantines a decompression bomb', async () => {
    const bomb = gzipSync(Buffer.alloc(80 * 1024 ** 2, 'a\n'), { level: 9 });
    const error = await failure(memoryObject('bomb.gz', bomb), { maxCompressionRatio: 100 });
    expect(error.code).toBe('decompression_bomb');
    expect(error.message).toMatch(/refused as a decompression bomb/);
  });
});
