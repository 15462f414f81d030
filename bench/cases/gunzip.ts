/**
 * The physical limit: how fast this machine can only decompress the object, and decompress it
 * and cut it into lines without parsing anything. Every other case is compared against these.
 *
 * Variants: `only` (count bytes), `split2` (split2 read as readLines reads it, count lines),
 * `indexof` (`Buffer.indexOf(0x0a)` over the gunzip chunks, zero-copy: the absolute limit).
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import split2 from 'split2';
import { caseArgs, loadFixture, runReps } from '../common.js';

/** 256 KiB output chunks: zlib's 16 KiB default halves throughput (reference/peers.md §6.1). */
const CHUNK = 256 * 1024;

const args = caseArgs();
const { fixture: name, variant } = args;
const fixture = await loadFixture(name);
const files = fixture.objects.map((o) => o.file);

const gunzipped = (file: string) => createReadStream(file, { highWaterMark: CHUNK }).pipe(createGunzip({ chunkSize: CHUNK }));

async function countBytes(file: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of gunzipped(file)) bytes += (chunk as Buffer).length;
  return bytes;
}

async function countNewlines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of gunzipped(file)) {
    const buf = chunk as Buffer;
    for (let at = buf.indexOf(0x0a); at !== -1; at = buf.indexOf(0x0a, at + 1)) lines++;
  }
  return lines;
}

/** split2 read the way readLines reads it: paused mode, `read()` until null on each 'readable'. */
async function countSplit2Lines(file: string): Promise<number> {
  let lines = 0;
  const splitter = split2();
  splitter.on('readable', () => {
    while (splitter.read() !== null) lines++;
  });
  await pipeline(createReadStream(file, { highWaterMark: CHUNK }), createGunzip({ chunkSize: CHUNK }), splitter);
  return lines;
}

const work = { only: countBytes, split2: countSplit2Lines, indexof: countNewlines }[variant];
if (work === undefined) throw new Error(`gunzip: unknown variant ${variant}`);

await runReps(`gunzip/${variant}`, args, {
  rep: async () => {
    let count = 0;
    for (const file of files) count += await work(file);
    const expected = variant === 'only' ? fixture.bytes : fixture.lines;
    if (count !== expected) throw new Error(`gunzip/${variant}: counted ${count}, the manifest says ${expected}`);
    return fixture.lines; // a line is an event here
  },
});
