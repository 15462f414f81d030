/**
 * The framework-tax baseline: what a person would write by hand for one job, with no framework
 * — gunzip, split lines with `indexOf`, pull the nine SUMMARY_FIELDS of an sgraph-27 real-time
 * line out by position, and group by 30-minute window with the library's own traffic summary adder.
 * The aggregation code is the library's, so the difference to `letsflow/consolidate` is only
 * what the framework adds (Observables, batches, the generic field plan, the tally, …).
 *
 * It parses exactly as letsflow does (same percent-decoding, same number rules, the column
 * count checked), so its summaries must hash equal to letsflow's; the runner checks that.
 * Real-time logs only (the standard log's date + time columns would be another loop).
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { emptySummary, percentDecode, trafficSummary, windowStart, type CloudFrontEvent, type TrafficSummary } from '../../src/index.js';
import { caseArgs, digestOf, loadFixture, runReps } from '../common.js';

const CHUNK = 256 * 1024;
/** sgraph-27 columns (src/formats/fieldLists.ts) of the fields the summary reads (SUMMARY_FIELDS that sgraph-27 has). */
const COLUMNS = 27;
const [TIMESTAMP, STATUS, BYTES, METHOD, STEM, PROTOCOL, VERSION, CONTENT_TYPE, AGENT, REFERER, EDGE, RESULT, RESPONSE_RESULT, TAKEN, TTFB, TLS, CIPHER, FBL, LBL] =
  [0, 1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 16, 17, 20, 21, 25, 26] as const;
const TENS = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

interface Result {
  readonly events: number;
  readonly errors: number;
  readonly windows: Map<number, TrafficSummary>;
}

/** Reads one gzip real-time object and returns its per-window summaries. */
async function handLoop(file: string, windows: Map<number, TrafficSummary>): Promise<Result> {
  const add = trafficSummary.adder();
  const starts = new Int32Array(COLUMNS + 1);
  let events = 0;
  let errors = 0;
  let lastStart = NaN;
  let builder: TrafficSummary | undefined;

  // Whole digits in s[from, to), or -1; exact up to 15 digits, like the library's rule.
  function digits(s: string, from: number, to: number): number {
    if (from >= to || to - from > 15) return -1;
    let value = 0;
    for (let i = from; i < to; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      value = value * 10 + d;
    }
    return value;
  }
  function isDash(s: string, from: number, to: number): boolean {
    return to - from === 1 && s.charCodeAt(from) === 45;
  }
  // indexOf bounded to the field: an unbounded one would scan on through the rest of the chunk.
  function indexIn(s: string, code: number, from: number, to: number): number {
    for (let i = from; i < to; i++) if (s.charCodeAt(i) === code) return i;
    return -1;
  }
  function end(column: number): number {
    return starts[column + 1]! - 1;
  }
  // Decimal seconds ("0.016") as the same double Number() gives: one division of exact integers.
  function seconds(s: string, from: number, to: number): number | null {
    if (isDash(s, from, to)) return null;
    const dot = indexIn(s, 46, from, to);
    if (dot === -1) return digits(s, from, to);
    const whole = digits(s, from, dot);
    const fraction = digits(s, dot + 1, to);
    return whole < 0 || fraction < 0 ? -1 : (whole * TENS[to - dot - 1]! + fraction) / TENS[to - dot - 1]!;
  }
  function text(s: string, from: number, to: number): string | null {
    return isDash(s, from, to) ? null : percentDecode(s.slice(from, to));
  }

  function line(s: string, from: number, to: number): void {
    if (to === from) return;
    // Column starts: one indexOf per TAB, every TAB counted so a wrong column count is caught.
    let column = 0;
    starts[0] = from;
    for (let tab = s.indexOf('\t', from); tab !== -1 && tab < to; tab = s.indexOf('\t', tab + 1)) {
      if (++column >= COLUMNS) break;
      starts[column] = tab + 1;
    }
    if (column !== COLUMNS - 1) {
      errors++;
      return;
    }
    starts[COLUMNS] = to + 1;
    // Epoch seconds with up to 3 decimals, to integer milliseconds.
    const dot = indexIn(s, 46, from, end(TIMESTAMP));
    const whole = digits(s, from, dot === -1 ? end(TIMESTAMP) : dot);
    const decimals = dot === -1 ? 0 : end(TIMESTAMP) - dot - 1;
    const millis = dot === -1 ? 0 : decimals >= 1 && decimals <= 3 ? digits(s, dot + 1, end(TIMESTAMP)) * TENS[3 - decimals]! : -1;
    const status = isDash(s, starts[STATUS]!, end(STATUS)) ? null : end(STATUS) - starts[STATUS]! === 3 ? digits(s, starts[STATUS]!, end(STATUS)) : -1;
    const bytes = isDash(s, starts[BYTES]!, end(BYTES)) ? null : digits(s, starts[BYTES]!, end(BYTES));
    const taken = seconds(s, starts[TAKEN]!, end(TAKEN));
    const ttfb = seconds(s, starts[TTFB]!, end(TTFB));
    const fbl = seconds(s, starts[FBL]!, end(FBL));
    const lbl = seconds(s, starts[LBL]!, end(LBL));
    if (whole < 0 || millis < 0 || status === -1 || bytes === -1 || taken === -1 || ttfb === -1 || fbl === -1 || lbl === -1) {
      errors++;
      return;
    }
    const stemEnd = end(STEM);
    const query = indexIn(s, 63, starts[STEM]!, stemEnd);
    const event: CloudFrontEvent = {
      timestamp: whole * 1000 + millis,
      sc_status: status,
      sc_bytes: bytes,
      cs_uri_stem: text(s, starts[STEM]!, query !== -1 && query < stemEnd ? query : stemEnd),
      x_edge_location: text(s, starts[EDGE]!, end(EDGE)),
      x_edge_result_type: text(s, starts[RESULT]!, end(RESULT)),
      // Real-time logs encode user agents once (standard logs twice).
      cs_user_agent: text(s, starts[AGENT]!, end(AGENT)),
      time_taken: taken,
      time_to_first_byte: ttfb,
      // The rest of the fields the traffic summary's breakdowns read.
      cs_method: text(s, starts[METHOD]!, end(METHOD)),
      cs_protocol: text(s, starts[PROTOCOL]!, end(PROTOCOL)),
      cs_protocol_version: text(s, starts[VERSION]!, end(VERSION)),
      sc_content_type: text(s, starts[CONTENT_TYPE]!, end(CONTENT_TYPE)),
      cs_referer: text(s, starts[REFERER]!, end(REFERER)),
      x_edge_response_result_type: text(s, starts[RESPONSE_RESULT]!, end(RESPONSE_RESULT)),
      ssl_protocol: text(s, starts[TLS]!, end(TLS)),
      ssl_cipher: text(s, starts[CIPHER]!, end(CIPHER)),
      origin_fbl: fbl,
      origin_lbl: lbl,
    };
    const start = windowStart('30min', event.timestamp);
    if (start !== lastStart || builder === undefined) {
      builder = windows.get(start);
      if (builder === undefined) windows.set(start, (builder = emptySummary()));
      lastStart = start;
    }
    add(builder, event);
    events++;
  }

  // Lines are cut in the decoded chunk; only the line that spans two chunks is concatenated.
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK }).pipe(createGunzip({ chunkSize: CHUNK }))) {
    const s = decoder.write(chunk as Buffer);
    let from = 0;
    let newline = s.indexOf('\n');
    if (carry !== '' && newline !== -1) {
      const joined = carry + s.slice(0, newline);
      line(joined, 0, joined.length);
      carry = '';
      from = newline + 1;
      newline = s.indexOf('\n', from);
    }
    for (; newline !== -1; newline = s.indexOf('\n', from)) {
      line(s, from, newline);
      from = newline + 1;
    }
    carry += s.slice(from);
  }
  carry += decoder.end();
  if (carry !== '') line(carry, 0, carry.length);
  return { events, errors, windows };
}

const args = caseArgs();
const { fixture: name } = args;
const fixture = await loadFixture(name);
if (fixture.format !== 'realtime') throw new Error('handloop: real-time fixtures only');
let windows = new Map<number, TrafficSummary>();

await runReps('handloop/consolidate', args, {
  rep: async () => {
    windows = new Map();
    let events = 0;
    for (const object of fixture.objects) {
      const result = await handLoop(object.file, windows);
      if (result.errors > 0) throw new Error(`handloop: ${result.errors} lines did not parse in ${object.key}`);
      events += result.events;
    }
    return events;
  },
  finish: async () => {
    return { digest: digestOf(windows) };
  },
});
