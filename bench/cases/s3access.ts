/**
 * Issue 13's closing note: throughput on a 500k-line S3 server access log object, letsflow
 * beside DuckDB on the same file in the same run. Variants:
 *
 * - `cli`: the whole CLI process, `letsflow run --pipeline s3access --format s3-access --no-raw`
 *   over the fixture folder into a fresh cache (start-up, parsing, dedupe, summaries and writes
 *   included), timed from spawn to exit, events/s over the object's lines.
 * - `duckdb`: DuckDB (`@duckdb/node-api`, one thread, installed by the runner) reading the same
 *   file as one VARCHAR column per line, dropping byte-identical repeats (`DISTINCT`), pulling
 *   time, operation, status and bytes sent out with a regular expression (RE2 has no lookahead:
 *   the request URI is the shortest quoted run followed by a status, as formats.md §5.3 says),
 *   and computing per 30-minute window requests and bytes, by operation and by status class, in
 *   one GROUPING SETS scan. Timed around the query only (no process start-up), and it computes
 *   far less than a letsflow summary (no keys, requesters, error codes or time quantiles): both
 *   favour DuckDB.
 */
import { rm } from 'node:fs/promises';
import { caseArgs, loadDuckDb, loadFixture, runReps, windowKey, type WindowDigest } from '../common.js';
import { cliUsage, freshCacheDir, outcomeOf, runCli } from '../cli.js';

const TIME_LIMIT_MS = 300_000;

const args = caseArgs();
const { fixture: name, variant } = args;
const fixture = await loadFixture(name);
if (fixture.format !== 's3-access') throw new Error(`s3access: fixture ${name} is not an S3 access log`);

/** Fields 3, 7, 10 and 12; the requester (5) may be the CloudFront OAI ARN with its spaces. */
const LINE_PATTERN =
  String.raw`^\S+ \S+ \[([^\]]+)\] \S+ (?:arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity \S+|\S+) \S+ (\S+) \S+ (?:".*?"|-) (\d{3}|-) \S+ (\S+)`;

if (variant === 'cli') {
  const usage = cliUsage();
  let cache = '';
  let outcome = '';
  let printed = '';
  await runReps('s3access/cli', args, {
    before: async () => {
      cache = await freshCacheDir();
    },
    rep: async () => {
      const run = usage.add(
        await runCli(['run', '--pipeline', 's3access', '--format', 's3-access', '--no-raw', '--source', fixture.dir, '--cache', cache], { timeoutMs: TIME_LIMIT_MS }),
      );
      outcome = outcomeOf(run);
      printed = /run: .*/.exec(run.stdout)?.[0] ?? '';
      return { events: run.code === 0 ? fixture.lines : 0, outcome };
    },
    after: async () => {
      await rm(cache, { recursive: true, force: true });
    },
    finish: async () => ({
      note: `${outcome}; ${fixture.lines.toLocaleString('en-US')} lines, ${fixture.events.toLocaleString('en-US')} distinct records; the CLI said: ${printed || '(nothing)'}`,
    }),
    childRssKiB: usage.childRssKiB,
    childCpuMs: usage.childCpuMs,
  });
} else if (variant === 'duckdb') {
  const files = `[${fixture.objects.map((o) => `'${o.file.replaceAll("'", "''")}'`).join(', ')}]`;
  // One column per line: a delimiter that never occurs (\u0001), no quoting, nothing trimmed or nulled.
  const source = `read_csv(${files}, delim='\u0001', header=false, quote='', escape='', auto_detect=false, columns={'line': 'VARCHAR'})`;
  // Bytes Sent '-' means zero (formats.md §3.1): TRY_CAST, since DuckDB may cast before a CASE decides.
  const sql = `
    WITH e AS (
      SELECT regexp_extract(line, '${LINE_PATTERN.replaceAll("'", "''")}', ['t', 'op', 'status', 'bytes']) AS m
      FROM (SELECT DISTINCT line FROM ${source})),
    f AS (
      SELECT (floor(epoch_ms(strptime(m.t, '%d/%b/%Y:%H:%M:%S %z')) / 1800000) * 1800000)::BIGINT AS w,
             m.op AS op,
             CASE WHEN m.status = '-' THEN 'none' ELSE left(m.status, 1) || 'xx' END AS status_class,
             coalesce(TRY_CAST(m.bytes AS BIGINT), 0) AS bytes
      FROM e WHERE m.t <> '')
    SELECT w, grouping(op, status_class) AS g, op, status_class, count(*) AS requests, sum(bytes) AS bytes
    FROM f GROUP BY GROUPING SETS ((w), (w, op), (w, status_class))`;
  const { DuckDBInstance } = loadDuckDb();
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  let digest: WindowDigest = {};
  let groups = 0;
  let requests = 0;
  await runReps('s3access/duckdb', args, {
    rep: async () => {
      const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as { w: string; g: number; requests: string; bytes: string }[];
      digest = {};
      requests = 0;
      // g = 3: the (w) set, operation and status class both rolled up.
      for (const row of rows.filter((r) => Number(r.g) === 3).sort((a, b) => Number(a.w) - Number(b.w))) {
        digest[windowKey(Number(row.w))] = { requests: Number(row.requests), bytes: Number(row.bytes) };
        requests += Number(row.requests);
      }
      groups = rows.length;
      return fixture.lines;
    },
    finish: async () => {
      connection.closeSync();
      instance.closeSync();
      const matched = requests === fixture.events ? 'equal to' : `DIFFERENT from (${requests.toLocaleString('en-US')} vs)`;
      return {
        digest,
        note: `${groups} result groups over ${Object.keys(digest).length} windows, 1 thread; ${requests.toLocaleString('en-US')} distinct records matched, ${matched} the generator's count ${fixture.events.toLocaleString('en-US')}`,
      };
    },
  });
} else {
  throw new Error(`s3access: unknown variant ${variant}`);
}
