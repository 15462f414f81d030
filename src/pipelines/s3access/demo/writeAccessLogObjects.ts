import path from 'node:path';
import { mulberry32 } from '../../cloudfront/demo/random.js';
import { DAY_MS } from '../../cloudfront/demo/timeUnits.js';
import { accessLogKey } from './accessLogKey.js';
import { DEMO_ACCESS_BUCKETS, type AccessLogSource } from './demoBuckets.js';
import { generateAccessLines, type AccessLogEntry } from './generateAccessLines.js';
import { writeAccessLogObject } from './writeAccessLogObject.js';

export interface WriteAccessLogObjectsOptions {
  /** Folder that stands for the access-logs bucket: keys become paths under it. */
  readonly dir: string;
  /** Same seed, same bytes. Default 1. */
  readonly seed?: number;
  /** Start of the traffic, epoch ms UTC. Default DEMO_ACCESS_DEFAULT_START_MS. */
  readonly startMs?: number;
  /** Days of traffic (fractions allowed). Default 1. */
  readonly days?: number;
  /** Mean draws of the traffic model per hour, for each bucket. Default 2000. */
  readonly requestsPerHour?: number;
  /** Which buckets' logs to write. Default both, `transfers` then `cache`. */
  readonly sources?: readonly AccessLogSource[];
}

export interface DemoAccessObject {
  readonly source: AccessLogSource;
  /** Path of the written file (`dir` joined with `key`). */
  readonly file: string;
  /** `<prefix>YYYY-mm-DD-HH-MM-SS-<16 hex>`, relative to `dir`. */
  readonly key: string;
  /** The delivery time the key names (whole seconds). */
  readonly deliveredMs: number;
  readonly lines: number;
  /** Lines that repeat an earlier line byte for byte (S3's best-effort delivery). */
  readonly duplicates: number;
  readonly bytes: number;
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
}

export interface DemoAccessObjectsResult {
  readonly files: string[];
  readonly objects: DemoAccessObject[];
  readonly lines: number;
  readonly duplicates: number;
  readonly bytes: number;
}

/** Default start: 2026-04-20T00:00:00Z, the CloudFront demo's, so `npm start` shows one period. */
export const DEMO_ACCESS_DEFAULT_START_MS = Date.UTC(2026, 3, 20);

/** One record in ~300 arrives hours late, in an object a few deliveries later (formats.md §3.2). */
const STRAGGLER_RATE = 0.003;

/**
 * Writes demo S3 server access logs of the transfers and cache buckets under `dir`, as S3
 * delivers them into the access-logs bucket: plain-text objects keyed
 * `transfers-bucket/YYYY-mm-DD-HH-MM-SS-<16 hex>` and `cache-bucket/…` by delivery time.
 *
 * Each object holds the records of a few minutes (2 to 12, varying), delivered 30 s to 15 min
 * after its newest record; a few records straggle into an object hours later, and delivery
 * repeats (byte-identical lines) come a few lines after their original. Empty periods write
 * nothing. Sequential and a pure function of the options: the same options give the same keys
 * and byte-identical files.
 */
export async function writeAccessLogObjects(options: WriteAccessLogObjectsOptions): Promise<DemoAccessObjectsResult> {
  const seed = options.seed ?? 1;
  const startMs = options.startMs ?? DEMO_ACCESS_DEFAULT_START_MS;
  const endMs = startMs + Math.round((options.days ?? 1) * DAY_MS);
  const objects: DemoAccessObject[] = [];
  for (const source of options.sources ?? (['transfers', 'cache'] as const)) {
    const { prefix } = DEMO_ACCESS_BUCKETS[source];
    // Windows, delays and key names draw from a stream of their own, so they don't move the traffic.
    const rng = mulberry32((seed ^ 0x2c1b3c6d) + (source === 'transfers' ? 0 : 1));
    const nextEnd = (from: number): number => from + 120_000 + Math.floor(rng() * 600_000);
    const lines = generateAccessLines({ source, seed, startMs, endMs, ...(options.requestsPerHour === undefined ? {} : { requestsPerHour: options.requestsPerHour }) });
    let windowEnd = nextEnd(startMs);
    let batch: AccessLogEntry[] = [];
    /** Late records, with the number of deliveries still to skip. */
    let late: { entry: AccessLogEntry; skip: number }[] = [];
    const deliver = async (last: boolean): Promise<void> => {
      const due = late.filter((l) => last || l.skip-- <= 0);
      late = late.filter((l) => !due.includes(l));
      const entries = [...batch, ...due.map((l) => l.entry)];
      batch = [];
      if (entries.length === 0) return;
      let min = Infinity;
      let max = -Infinity;
      let duplicates = 0;
      for (const e of entries) {
        if (e.timeMs < min) min = e.timeMs;
        if (e.timeMs > max) max = e.timeMs;
        if (e.duplicate) duplicates++;
      }
      const deliveredMs = Math.ceil((Math.max(max, windowEnd) + 30_000 + rng() * 870_000) / 1000) * 1000;
      const key = accessLogKey(prefix, deliveredMs, rng);
      const file = path.join(options.dir, ...key.split('/'));
      const written = await writeAccessLogObject(file, entries.map((e) => e.line));
      objects.push({ source, file, key, deliveredMs, lines: written.lines, duplicates, bytes: written.bytes, minTimeMs: min, maxTimeMs: max });
    };
    for (const entry of lines) {
      while (entry.timeMs >= windowEnd) {
        await deliver(false);
        windowEnd = nextEnd(windowEnd);
      }
      if (!entry.duplicate && rng() < STRAGGLER_RATE) late.push({ entry, skip: 3 + Math.floor(rng() * 20) });
      else batch.push(entry);
    }
    await deliver(true);
  }
  let lines = 0;
  let duplicates = 0;
  let bytes = 0;
  for (const o of objects) {
    lines += o.lines;
    duplicates += o.duplicates;
    bytes += o.bytes;
  }
  return { files: objects.map((o) => o.file), objects, lines, duplicates, bytes };
}
