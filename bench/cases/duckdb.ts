/**
 * The peer baseline: DuckDB (`@duckdb/node-api`, installed by the runner into bench/.data) computing 30-minute aggregates by SQL straight
 * from the same gzip files — per window: requests and bytes, requests per status class, and
 * requests and bytes per path (decoded, query cut off, as letsflow keys paths) — in one scan with
 * GROUPING SETS. Variants: `1` thread and `all` (one per core). DuckDB computes less than a
 * letsflow summary (no status codes, edges, cache hits, user-agent sketch or latency quantiles),
 * which favours DuckDB.
 */
import { cpus } from 'node:os';
import { SGRAPH_27_FIELDS } from '../../src/index.js';
import { STANDARD_FIELDS } from '../../src/pipelines/cloudfront/demoData.js';
import { caseArgs, loadDuckDb, loadFixture, runReps, windowKey, type WindowDigest } from '../common.js';

const args = caseArgs();
const { fixture: name, variant } = args;
const fixture = await loadFixture(name);
const threads = variant === 'all' ? cpus().length : Number(variant);
if (!(threads >= 1)) throw new Error(`duckdb: unknown variant ${variant}`);

const TYPES: Record<string, string> = {
  timestamp: 'DOUBLE', date: 'DATE', time: 'TIME', 'sc-status': 'INTEGER', 'sc-bytes': 'BIGINT',
};
const fields = fixture.format === 'realtime' ? SGRAPH_27_FIELDS : STANDARD_FIELDS;
const columns = `{${fields.map((f) => `'${f}': '${TYPES[f] ?? 'VARCHAR'}'`).join(', ')}}`;
const files = `[${fixture.objects.map((o) => `'${o.file.replaceAll("'", "''")}'`).join(', ')}]`;
// No quoting in CloudFront logs ('"' is logged as %22), `-` is null, a standard log has 2 header lines.
const source = `read_csv(${files}, delim='\t', header=false, quote='', escape='', nullstr='-', auto_detect=false,
  skip=${fixture.format === 'standard' ? 2 : 0}, columns=${columns})`;
const epochMs = fixture.format === 'realtime' ? `round("timestamp" * 1000)` : `epoch_ms("date" + "time")`;

const sql = `
  WITH e AS (
    SELECT (floor(${epochMs} / 1800000) * 1800000)::BIGINT AS w,
           CASE WHEN "sc-status" BETWEEN 100 AND 599 THEN ("sc-status" // 100)::VARCHAR || 'xx' ELSE 'other' END AS status_class,
           coalesce("sc-bytes", 0) AS bytes,
           coalesce(url_decode(split_part("cs-uri-stem", '?', 1)), '-') AS path
    FROM ${source})
  SELECT w, grouping(status_class, path) AS g, status_class, path, count(*) AS requests, sum(bytes) AS bytes
  FROM e GROUP BY GROUPING SETS ((w), (w, status_class), (w, path))`;

const { DuckDBInstance } = loadDuckDb();
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
let digest: WindowDigest = {};
let groups = 0;

await runReps(`duckdb/${variant}`, args, {
  rep: async () => {
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as { w: string; g: number; requests: string; bytes: string }[];
    digest = {};
    let events = 0;
    // g = 3: the (w) set, both other keys rolled up.
    for (const row of rows.filter((r) => Number(r.g) === 3).sort((a, b) => Number(a.w) - Number(b.w))) {
      digest[windowKey(Number(row.w))] = { requests: Number(row.requests), bytes: Number(row.bytes) };
      events += Number(row.requests);
    }
    groups = rows.length;
    return events;
  },
  finish: async () => {
    connection.closeSync();
    instance.closeSync();
    return { digest, note: `${groups} result groups, ${threads} thread(s)` };
  },
});
