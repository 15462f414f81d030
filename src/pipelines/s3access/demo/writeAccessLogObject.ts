import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface WrittenAccessLog {
  readonly lines: number;
  readonly bytes: number;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Writes lines (each without its newline) to one plain-text object, as S3 delivers access logs:
 * not compressed, every line ending in `\n`. Streams in ~256 KiB chunks, so a 500k-line object
 * costs no more memory than a small one. Creates the parent folders.
 */
export async function writeAccessLogObject(filePath: string, lines: Iterable<string>): Promise<WrittenAccessLog> {
  let count = 0;
  let bytes = 0;
  function* chunks(): Generator<Buffer, void, undefined> {
    let pending: string[] = [];
    let size = 0;
    const flush = (): Buffer => {
      const buf = Buffer.from(`${pending.join('\n')}\n`, 'utf8');
      bytes += buf.length;
      pending = [];
      size = 0;
      return buf;
    };
    for (const line of lines) {
      count++;
      pending.push(line);
      size += line.length + 1;
      if (size >= CHUNK_BYTES) yield flush();
    }
    if (pending.length > 0) yield flush();
  }
  await mkdir(path.dirname(filePath), { recursive: true });
  await pipeline(Readable.from(chunks()), createWriteStream(filePath));
  return { lines: count, bytes };
}
