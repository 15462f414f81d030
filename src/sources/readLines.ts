import { Observable } from 'rxjs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import split2 from 'split2';
import { LetsflowError, ObjectQuarantinedError } from '../core/errors.js';
import { displayName, type SourceObject } from './sourceObject.js';

/** Lines of one object, in order: `lines[i]` is line `firstLine + i` (1-based). */
export interface LineBatch {
  readonly firstLine: number;
  readonly lines: string[];
}

export interface ReadLinesOptions {
  /** Longest line accepted, in characters; a longer one quarantines the object. */
  readonly maxLineLength?: number;
  /** Most lines per batch. */
  readonly batchSize?: number;
  /** Most decompressed characters read from one object; past it the object is quarantined. */
  readonly maxDecodedBytes?: number;
  /** Most decompressed bytes per compressed byte (a decompression bomb guard), checked past 64 MiB. */
  readonly maxCompressionRatio?: number;
  /**
   * Called after each batch; when it returns a promise, reading waits for it. This is how a
   * slow consumer further down (a sink writing the raw events) holds the read back.
   */
  readonly ready?: () => Promise<void> | undefined;
}

export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
/** Far above any real log object (CloudFront's are MBs), far below what would fill a disk. */
export const DEFAULT_MAX_DECODED_BYTES = 16 * 1024 ** 3;
/** Log text compresses 5–20×; 1000× is only reached by crafted input. */
export const DEFAULT_MAX_COMPRESSION_RATIO = 1000;
const RATIO_CHECK_FLOOR = 64 * 1024 ** 2;
const BOM = '\uFEFF';
export const DEFAULT_BATCH_SIZE = 1024;
/**
 * zlib's 16 KiB default output chunk halves gunzip throughput (reference/peers.md §6.1), but
 * a 256 KiB buffer per object dominates the cost of the many small objects Firehose writes.
 */
const gunzipChunk = (compressedSize: number): number => Math.min(256 * 1024, Math.max(16 * 1024, 2 ** Math.ceil(Math.log2(compressedSize * 8))));
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Streams an object's lines, in batches: gunzip when the bytes start with the gzip magic
 * (whatever the key says; concatenated members are all decoded), plain text otherwise, then
 * split on `\n` or `\r\n`.
 *
 * Cold: the object is opened on subscribe and the read is destroyed on unsubscribe. Reading
 * is paced by the subscriber (batches are emitted synchronously from the read loop) and by
 * `options.ready`, so memory stays flat whatever the object's size. Completes after the last
 * line. A byte-order mark at the start is dropped. Errors with {@link ObjectQuarantinedError}
 * (`gzip_corrupt`, `gzip_truncated`, `line_too_long`, `too_large`, `decompression_bomb`,
 * `read_failed`) naming the object and the line reached.
 *
 * @example
 * ```ts
 * import { localObjects, readLines } from 'letsflow';
 * const [object] = await localObjects('./logs');
 * readLines(object!).subscribe((batch) => console.log(batch.firstLine, batch.lines.length));
 * ```
 * @param object the object to read
 * @param options line-length bound, batch size and back-pressure hook
 * @returns a cold Observable of line batches
 */
export function readLines(object: SourceObject, options: ReadLinesOptions = {}): Observable<LineBatch> {
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxDecoded = options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  const maxRatio = options.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO;
  const name = displayName(object);

  return new Observable<LineBatch>((subscriber) => {
    let source: Readable | undefined;
    let linesRead = 0;
    let decoded = 0;
    let stopped = false;

    const fail = (error: unknown, line = linesRead + 1): void => {
      if (stopped) return;
      stopped = true;
      subscriber.error(quarantineReason(name, line, error, maxLineLength));
    };

    const start = async (): Promise<void> => {
      source = await object.open();
      const head = await peek(source);
      const gzipped = head !== undefined && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
      // split2 checks the length only of a line still waiting for its end, so the loop below checks complete lines too.
      const splitter = split2({ maxLength: maxLineLength });
      const stages = gzipped ? [source, createGunzip({ chunkSize: gunzipChunk(object.size) }), splitter] : [source, splitter];
      pipeline(stages as [Readable, ...NodeJS.ReadWriteStream[]], (error) => {
        // Lines split2 already split off but we have not read yet come before the failing one.
        if (error) fail(error, linesRead + splitter.readableLength + 1);
      });

      let waiting = false;
      const drain = (): void => {
        if (waiting || stopped) return;
        let batch: string[] = [];
        let line: string | null;
        while (!stopped && (line = splitter.read() as string | null) !== null) {
          if (line.length > maxLineLength) return fail(new LineTooLong(), linesRead + batch.length + 1);
          decoded += line.length + 1;
          if (decoded > maxDecoded) return fail(new TooLarge(`more than ${maxDecoded} bytes decompressed`), linesRead + batch.length + 1);
          if (gzipped && decoded > RATIO_CHECK_FLOOR && decoded > maxRatio * object.size) {
            return fail(new Bomb(`${Math.round(decoded / object.size)}× its compressed size`), linesRead + batch.length + 1);
          }
          batch.push(line);
          if (batch.length === batchSize) {
            emit(batch);
            batch = [];
            if (pause()) return;
          }
        }
        if (batch.length > 0) {
          emit(batch);
          pause();
        }
      };
      const emit = (lines: string[]): void => {
        const firstLine = linesRead + 1;
        if (firstLine === 1 && lines[0]!.startsWith(BOM)) lines[0] = lines[0]!.slice(1);
        linesRead += lines.length;
        subscriber.next({ firstLine, lines });
      };
      const pause = (): boolean => {
        const wait = options.ready?.();
        if (!wait) return false;
        waiting = true;
        wait.then(() => {
          waiting = false;
          drain();
        }, fail);
        return true;
      };
      splitter.on('readable', drain);
      splitter.on('end', () => {
        if (!stopped && !waiting) {
          stopped = true;
          subscriber.complete();
        }
      });
    };

    start().catch(fail);
    return () => {
      stopped = true;
      source?.destroy();
    };
  });
}

/** Waits for the first bytes and puts them back, so the stream still starts at byte 0. */
async function peek(stream: Readable): Promise<Buffer | undefined> {
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      stream.unshift(chunk);
      return chunk;
    }
    if (stream.readableEnded) return undefined;
    const ended = await new Promise<boolean>((resolveWait, reject) => {
      const onReadable = (): void => done(false);
      const onEnd = (): void => done(true);
      const onError = (e: Error): void => {
        cleanup();
        reject(e);
      };
      const cleanup = (): void => {
        stream.off('readable', onReadable).off('end', onEnd).off('error', onError);
      };
      const done = (value: boolean): void => {
        cleanup();
        resolveWait(value);
      };
      stream.on('readable', onReadable).on('end', onEnd).on('error', onError);
    });
    if (ended) return undefined;
  }
}

class LineTooLong extends Error {}
class TooLarge extends Error {}
class Bomb extends Error {}

/**
 * What a failed read means: bad bytes quarantine the object; a source's own errors (an object
 * replaced mid-read, S3 unreachable after its retries) pass through, so the object stays
 * pending and is tried again rather than set aside.
 */
function quarantineReason(name: string, line: number, error: unknown, maxLineLength: number): LetsflowError {
  if (error instanceof LetsflowError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const zlibCode = (error as { code?: string } | null)?.code;
  if (error instanceof TooLarge) return new ObjectQuarantinedError('too_large', name, line, `${message}; raise maxDecodedBytes if the object is real`);
  if (error instanceof Bomb) return new ObjectQuarantinedError('decompression_bomb', name, line, `decompresses to ${message}: refused as a decompression bomb`);
  if (error instanceof LineTooLong || message === 'maximum buffer reached') {
    return new ObjectQuarantinedError('line_too_long', name, line, `line longer than ${maxLineLength} characters; raise maxLineLength if such lines are real`);
  }
  if (zlibCode === 'Z_BUF_ERROR' || message.includes('unexpected end of file')) {
    return new ObjectQuarantinedError('gzip_truncated', name, line, 'gzip data ends early (truncated object); re-upload or remove it', { cause: error });
  }
  if (typeof zlibCode === 'string' && zlibCode.startsWith('Z_')) {
    return new ObjectQuarantinedError('gzip_corrupt', name, line, `gzip data is corrupt (${message}); the object cannot be read`, { cause: error });
  }
  return new ObjectQuarantinedError('read_failed', name, line, `read failed: ${message}`, { cause: error });
}
