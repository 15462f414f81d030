import { Observable } from 'rxjs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LineBatches, LineTooLongError } from './lineBatches.js';
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
const CR = 13;
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
      // The splitter bounds only a line still waiting for its end, so the loop below checks complete lines too.
      const splitter = new LineBatches(maxLineLength);
      const stages = gzipped ? [source, createGunzip({ chunkSize: gunzipChunk(object.size) }), splitter] : [source, splitter];
      pipeline(stages as [Readable, ...NodeJS.ReadWriteStream[]], (error) => {
        // Lines already split off but not yet read come before the failing one.
        if (error) fail(error, error instanceof LineTooLongError ? error.line : splitter.linesPushed + 1);
      });

      let waiting = false;
      let ended = false;
      // Lines checked but not yet emitted: a chunk's lines go out in batches, pausing between them.
      let queued: string[] = [];
      const drain = (): void => {
        while (!waiting && !stopped) {
          if (queued.length === 0) {
            const lines = splitter.read() as string[] | null;
            if (lines === null) break;
            if (!check(lines)) return;
            queued = lines;
          }
          const batch = queued.length <= batchSize ? queued : queued.slice(0, batchSize);
          queued = queued.length <= batchSize ? [] : queued.slice(batchSize);
          emit(batch);
          pause();
        }
        if (ended && !waiting && !stopped && queued.length === 0) {
          stopped = true;
          subscriber.complete();
        }
      };
      /** Drops `\r`, enforces the line, size and ratio bounds; false when it failed the read. */
      const check = (lines: string[]): boolean => {
        const first = linesRead + queued.length;
        for (let i = 0; i < lines.length; i++) {
          let line = lines[i]!;
          if (line.charCodeAt(line.length - 1) === CR) lines[i] = line = line.slice(0, -1);
          if (line.length > maxLineLength) {
            fail(new LineTooLong(), first + i + 1);
            return false;
          }
          decoded += line.length + 1;
          if (decoded > maxDecoded) {
            fail(new TooLarge(`more than ${maxDecoded} bytes decompressed`), first + i + 1);
            return false;
          }
        }
        if (gzipped && decoded > RATIO_CHECK_FLOOR && decoded > maxRatio * object.size) {
          fail(new Bomb(`${Math.round(decoded / object.size)}× its compressed size`), first + lines.length);
          return false;
        }
        return true;
      };
      const emit = (lines: string[]): void => {
        const firstLine = linesRead + 1;
        if (firstLine === 1 && lines[0]!.startsWith(BOM)) lines[0] = lines[0]!.slice(1);
        linesRead += lines.length;
        subscriber.next({ firstLine, lines });
      };
      const pause = (): void => {
        const wait = options.ready?.();
        if (!wait) return;
        waiting = true;
        wait.then(() => {
          waiting = false;
          drain();
        }, fail);
      };
      splitter.on('readable', drain);
      splitter.on('end', () => {
        ended = true;
        drain();
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
  if (error instanceof LineTooLong || error instanceof LineTooLongError) {
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
