import fc from 'fast-check';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LineBatches, LineTooLongError } from '../../../src/sources/lineBatches.js';
import { readLines } from '../../../src/sources/readLines.js';
import { memoryObject } from '../../helpers/objects.js';

/** Runs `chunks` through a splitter; the lines it emitted, and the splitter (for its counters). */
async function split(chunks: Iterable<Buffer> | AsyncIterable<Buffer>, maxLineLength: number): Promise<{ lines: string[]; splitter: LineBatches }> {
  const splitter = new LineBatches(maxLineLength);
  const lines: string[] = [];
  await pipeline(Readable.from(chunks), splitter, async (batches: AsyncIterable<string[]>) => {
    for await (const batch of batches) lines.push(...batch);
  });
  return { lines, splitter };
}

async function splitError(chunks: Iterable<Buffer> | AsyncIterable<Buffer>, maxLineLength: number): Promise<unknown> {
  try {
    await split(chunks, maxLineLength);
  } catch (error) {
    return error;
  }
  throw new Error('expected the split to fail');
}

/** What splitting all the text at once gives: `\n` ends a line, and a final line needs no `\n`. */
function naiveLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `bytes` cut at the given offsets (any byte, so inside UTF-8 sequences too). */
function cutAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const cuts = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) chunks.push(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return chunks;
}

function* repeated(piece: string, times: number): Generator<Buffer> {
  const bytes = Buffer.from(piece);
  for (let i = 0; i < times; i++) yield bytes;
}

describe('source: LineBatches', () => {
  it('splits like a naive split of the whole text, wherever the chunks are cut (property)', async () => {
    const piece = fc.constantFrom('a', 'bc', '\n', '\r\n', '\r', 'é', '€', '😀', 'x'.repeat(40));
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 30 }), async (pieces, offsets) => {
        // Prepare
        const text = pieces.join('');

        // Act
        const { lines, splitter } = await split(cutAt(Buffer.from(text), offsets), 10_000);

        // Assess
        expect(lines).toEqual(naiveLines(text));
        expect(splitter.linesPushed).toBe(lines.length);
      }),
    );
  });

  it('joins a line of many chunks once: the characters scanned and copied stay proportional to the input', async () => {
    // Prepare: a 1M-character line in 1,000 chunks, then a short one
    const chunks = [...repeated('x'.repeat(1000), 1000), Buffer.from('\nend\n')];
    const total = 1000 * 1000 + 5;

    // Act
    const { lines, splitter } = await split(chunks, 2_000_000);

    // Assess: re-splitting the unfinished line on every chunk would scan about 500M characters
    expect(lines).toEqual(['x'.repeat(1_000_000), 'end']);
    expect(splitter.charsScanned).toBeGreaterThanOrEqual(total);
    expect(splitter.charsScanned).toBeLessThanOrEqual(2 * total);
  });

  it('accepts a line of exactly maxLineLength characters over many chunks and fails one more, with its line number', async () => {
    // Act
    const exact = await split([Buffer.from('a\nb\n'), ...repeated('x', 10), Buffer.from('\n')], 10);
    const over = await splitError([Buffer.from('a\nb\n'), ...repeated('x', 11), Buffer.from('\n')], 10);

    // Assess
    expect(exact.lines).toEqual(['a', 'b', 'x'.repeat(10)]);
    expect(over).toBeInstanceOf(LineTooLongError);
    expect((over as LineTooLongError).line).toBe(3);
  });

  it('does not count the \\r of a \\r\\n cut between its two characters', async () => {
    // Act: readLines drops the \r before its own length check, so this line is exactly maxLineLength long
    const cut = await split([Buffer.from('x'.repeat(10) + '\r'), Buffer.from('\nnext\n')], 10);
    const midLine = await splitError([Buffer.from('x'.repeat(10) + '\r'), Buffer.from('y'), Buffer.from('\n')], 10);

    // Assess
    expect(cut.lines).toEqual([`${'x'.repeat(10)}\r`, 'next']);
    expect(midLine).toBeInstanceOf(LineTooLongError);
  });

  it('fails an endless line as soon as it passes the limit, without reading the rest', async () => {
    // Prepare
    let read = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('one\ntwo\n');
      for (;;) {
        read++;
        yield Buffer.from('x'.repeat(1000));
      }
    }

    // Act
    const error = await splitError(endless(), 100_000);

    // Assess: 101 chunks pass the limit; stream buffering reads a few dozen ahead at most
    expect(error).toBeInstanceOf(LineTooLongError);
    expect((error as LineTooLongError).line).toBe(3);
    expect(read).toBeGreaterThan(100);
    expect(read).toBeLessThan(200);
  });

  it('reads a long line of many chunks whole through readLines when maxLineLength is raised', async () => {
    // Prepare: a 4 MiB line in 64 KiB chunks, between two short ones
    const chunks = [Buffer.from('first\n'), ...repeated('y'.repeat(64 * 1024), 64), Buffer.from('\r\nlast')];
    const object = { ...memoryObject('long', ''), size: 4 * 1024 ** 2 + 12, open: async () => Readable.from(chunks) };

    // Act
    const batches = await lastValueFrom(readLines(object, { maxLineLength: 8 * 1024 ** 2 }).pipe(toArray()));

    // Assess
    const lines = batches.flatMap((b) => b.lines);
    expect(lines.map((l) => l.length)).toEqual([5, 4 * 1024 ** 2, 4]);
    expect(lines[1]).toBe('y'.repeat(4 * 1024 ** 2));
  });
});
