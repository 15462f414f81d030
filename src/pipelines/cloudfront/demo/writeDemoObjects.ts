import path from 'node:path';
import { DEMO_DISTRIBUTION_ID } from './demoDistribution.js';
import type { DemoRequest } from './demoRequest.js';
import { generateRequests } from './generateRequests.js';
import { uniqueFrom, utcParts, uuidFrom } from './objectKeys.js';
import { mulberry32 } from './random.js';
import { resolveFieldList } from './resolveFieldList.js';
import { STANDARD_FIELDS } from './standardFields.js';
import { DAY_MS, HOUR_MS } from './timeUnits.js';
import { writeLogObject, type DemoLogFormat, type WriteLogObjectOptions } from './writeLogObject.js';

export interface WriteDemoObjectsOptions {
  /** Folder the objects are written under (keys become relative paths). */
  readonly dir: string;
  readonly seed?: number;
  /** Start of the traffic, epoch ms UTC. Default DEMO_DEFAULT_START_MS (fixed, for determinism). */
  readonly startMs?: number;
  /** Days of traffic (fractions allowed). Default 1. */
  readonly days?: number;
  readonly requestsPerHour?: number;
  /** Real-time field list or preset name. Default `sgraph-27`. Ignored for `standard`. */
  readonly fields?: string | readonly string[];
  /** `#Fields` of standard logs. Default the 33 legacy fields. */
  readonly standardFields?: readonly string[];
  readonly format?: DemoLogFormat;
  /** Key prefix. Default `cloudfront-realtime` / `cloudfront-standard`. */
  readonly prefix?: string;
  /** Firehose delivery stream name and version in real-time keys. Default `letsflow-demo-cf`, 1. */
  readonly streamName?: string;
  readonly streamVersion?: number;
  /** Firehose buffer interval. Default 300 s. */
  readonly bufferSeconds?: number;
  /** Distribution id in standard-log keys. Default DEMO_DISTRIBUTION_ID. */
  readonly distributionId?: string;
  readonly gzipLevel?: number;
}

export interface DemoObject {
  /** Absolute or dir-relative file path (`dir` joined with `key`). */
  readonly file: string;
  /** Object key, `/`-separated, relative to `dir`. */
  readonly key: string;
  /** The time the key names: Firehose arrival (real-time) or the event hour (standard). */
  readonly keyTimeMs: number;
  readonly lines: number;
  readonly events: number;
  readonly minTimestampMs: number;
  readonly maxTimestampMs: number;
}

export interface DemoObjectsResult {
  readonly files: string[];
  /** Total lines over all objects (standard logs include their header lines). */
  readonly lines: number;
  readonly events: number;
  readonly objects: DemoObject[];
}

/** Default demo start: 2026-04-20T00:00:00Z. Fixed so that default runs are reproducible. */
export const DEMO_DEFAULT_START_MS = Date.UTC(2026, 3, 20);

function timestampRange(batch: readonly DemoRequest[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const r of batch) {
    if (r.timestampMs < min) min = r.timestampMs;
    if (r.timestampMs > max) max = r.timestampMs;
  }
  return { min, max };
}

/**
 * Writes demo traffic as gzip objects under `dir`, sequentially and deterministically.
 *
 * `realtime`: one object per Firehose buffer interval (~5 min, jittered) holding the records that
 * arrived in it, keyed `<prefix>/YYYY/MM/DD/HH/<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>.gz`
 * by delivery time: a few seconds to two minutes after the newest event of the object (never an
 * event time), so objects straddle 30-minute windows and hour folders. Empty intervals write nothing.
 *
 * `standard`: files `<prefix>/<distid>.YYYY-MM-DD-HH.<unique>.gz` named for the event hour, several
 * per hour (one per 20-minute delivery slot, plus stragglers), with `#Version`/`#Fields` headers.
 */
export async function writeDemoObjects(options: WriteDemoObjectsOptions): Promise<DemoObjectsResult> {
  const seed = options.seed ?? 1;
  const startMs = options.startMs ?? DEMO_DEFAULT_START_MS;
  const endMs = startMs + Math.round((options.days ?? 1) * DAY_MS);
  const format = options.format ?? 'realtime';
  const gzipOptions: WriteLogObjectOptions = options.gzipLevel === undefined ? {} : { gzipLevel: options.gzipLevel };
  // Key names and buffer jitter come from their own stream, so they don't shift the traffic.
  const keyRng = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  const requests = generateRequests({
    seed,
    startMs,
    endMs,
    ...(options.requestsPerHour === undefined ? {} : { requestsPerHour: options.requestsPerHour }),
  });
  const objects: DemoObject[] = [];

  if (format === 'standard') {
    const prefix = options.prefix ?? 'cloudfront-standard';
    const distributionId = options.distributionId ?? DEMO_DISTRIBUTION_ID;
    const fields = options.standardFields ?? STANDARD_FIELDS;
    const slotMs = 20 * 60_000;
    const open = new Map<string, { hour: number; slot: number; batch: DemoRequest[] }>();
    const flush = async (upToSlot: number): Promise<void> => {
      const ready = [...open.entries()].filter(([, b]) => b.slot < upToSlot).sort((a, b) => a[1].slot - b[1].slot || a[1].hour - b[1].hour);
      for (const [id, b] of ready) {
        open.delete(id);
        const p = utcParts(b.hour);
        const key = `${prefix}/${distributionId}.${p.Y}-${p.M}-${p.D}-${p.h}.${uniqueFrom(keyRng)}.gz`;
        const file = path.join(options.dir, ...key.split('/'));
        const written = await writeLogObject(file, b.batch, fields, 'standard', gzipOptions);
        const range = timestampRange(b.batch);
        objects.push({ file, key, keyTimeMs: b.hour, lines: written.lines, events: written.events, minTimestampMs: range.min, maxTimestampMs: range.max });
      }
    };
    for (const r of requests) {
      const slot = Math.floor(r.arrivalMs / slotMs);
      const hour = Math.floor(r.timestampMs / HOUR_MS) * HOUR_MS;
      const id = `${hour}|${slot}`;
      let b = open.get(id);
      if (b === undefined) {
        await flush(slot);
        b = { hour, slot, batch: [] };
        open.set(id, b);
      }
      b.batch.push(r);
    }
    await flush(Infinity);
  } else {
    const prefix = options.prefix ?? 'cloudfront-realtime';
    const stream = options.streamName ?? 'letsflow-demo-cf';
    const version = options.streamVersion ?? 1;
    const fields = resolveFieldList(options.fields);
    const bufferMs = (options.bufferSeconds ?? 300) * 1000;
    const nextWindowEnd = (from: number): number => from + Math.round(bufferMs * (0.93 + 0.1 * keyRng()));
    let windowEnd = nextWindowEnd(startMs);
    let batch: DemoRequest[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const range = timestampRange(batch);
      const lastArrival = batch[batch.length - 1]!.arrivalMs;
      const delivered = Math.max(lastArrival, range.max + 3_000 + Math.floor(keyRng() * 117_000));
      const keyTimeMs = Math.ceil(delivered / 1000) * 1000;
      const p = utcParts(keyTimeMs);
      const key = `${prefix}/${p.Y}/${p.M}/${p.D}/${p.h}/${stream}-${version}-${p.Y}-${p.M}-${p.D}-${p.h}-${p.m}-${p.s}-${uuidFrom(keyRng)}.gz`;
      const file = path.join(options.dir, ...key.split('/'));
      const written = await writeLogObject(file, batch, fields, 'realtime', gzipOptions);
      objects.push({ file, key, keyTimeMs, lines: written.lines, events: written.events, minTimestampMs: range.min, maxTimestampMs: range.max });
      batch = [];
    };
    for (const r of requests) {
      if (r.arrivalMs >= windowEnd) {
        await flush();
        while (r.arrivalMs >= windowEnd) windowEnd = nextWindowEnd(windowEnd);
      }
      batch.push(r);
    }
    await flush();
  }

  let lines = 0;
  let events = 0;
  for (const o of objects) {
    lines += o.lines;
    events += o.events;
  }
  return { files: objects.map((o) => o.file), lines, events, objects };
}
