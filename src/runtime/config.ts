import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** Where `letsflow demo` writes and `letsflow run` reads when no source is configured. */
export const DEFAULT_SOURCE = '.letsflow/demo-logs';
export const DEFAULT_CACHE = '.letsflow/cache';
export const DEFAULT_CONFIG_FILE = 'letsflow.config.json';

/** What `since`/`until` accept; the CLI help and the error for a bad value list the same forms. */
export const TIME_BOUND_FORMS = 'an ISO date or time (2026-04-01, 2026-04-01T06:00Z; UTC unless it has an offset), today, yesterday (midnight UTC), -3d or -12h (days or hours before now)';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const RELATIVE = /^-(\d+)([dh])$/;

/**
 * Reads a backfill bound into epoch ms, once, so every source compares numbers: an ISO date or
 * time, `today`/`yesterday` (midnight UTC, as key dates are UTC), or `-Nd`/`-Nh` before `now`.
 * `undefined` when the value is none of those.
 */
export function parseTimeBound(raw: string | number, now: number = Date.now()): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  const value = raw.trim();
  const midnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  if (value === 'today') return midnight;
  if (value === 'yesterday') return midnight - 86_400_000;
  const relative = RELATIVE.exec(value);
  if (relative) return now - Number(relative[1]) * (relative[2] === 'd' ? 86_400_000 : 3_600_000);
  if (!ISO_TIME.test(value)) return undefined;
  // A time without an offset would otherwise be local time; key dates are UTC.
  const ms = Date.parse(value.includes('T') && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value);
  // Date.parse rolls 2026-02-30 over to March; a bound that is not the day written is a typo.
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value.slice(0, 10) ? ms : undefined;
}

const timeBound = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const ms = parseTimeBound(raw);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `expected ${TIME_BOUND_FORMS}` });
  return ms ?? Number.NaN;
});

/**
 * letsflow's configuration. Each value comes from, in order of precedence: a CLI flag, an
 * environment variable (`LETSFLOW_<NAME>` in upper snake case), the config file, the default.
 */
export const ConfigSchema = z
  .object({
    source: z.string().min(1).default(DEFAULT_SOURCE).describe('where the log objects are: a folder, read like a bucket, or s3://bucket/prefix/'),
    prefix: z.string().default('').describe('only objects whose key starts with this'),
    cache: z.string().min(1).default(DEFAULT_CACHE).describe('the cache store: a folder, or s3://bucket/prefix/'),
    archive: z
      .string()
      .min(1)
      .optional()
      .describe('where the archive step puts committed objects: a folder outside a folder source; for an S3 source a key prefix, or "tag" to tag them'),
    region: z.string().min(1).optional().describe('AWS region of the buckets (else the SDK default chain)'),
    endpoint: z.url().optional().describe('an S3-compatible endpoint (path-style), such as http://127.0.0.1:9000'),
    since: timeBound.optional().describe(`backfill bound, inclusive: objects that arrived at or after this (the key's date, else LastModified or mtime); ${TIME_BOUND_FORMS}`),
    until: timeBound.optional().describe(`backfill bound, exclusive: objects that arrived before this; ${TIME_BOUND_FORMS}`),
    lease: z.boolean().optional().describe('claim each object before working on it, so several workers can share a source (default: on for S3 sources)'),
    leaseTtlSeconds: z.number().positive().default(300).describe('how long a claim lasts without renewal'),
    sqsQueueUrl: z.url().optional().describe('serve: consume S3 ObjectCreated notifications from this SQS queue (event-driven ingest)'),
    sqsDlqUrl: z.url().optional().describe('replay: the dead-letter queue whose messages go back to the SQS queue'),
    sqsEndpoint: z.url().optional().describe('an SQS-compatible endpoint, such as a local emulator'),
    sqsVisibilitySeconds: z.number().int().min(1).max(43_200).default(300).describe('how long a received message stays hidden; extended while it is processed'),
    sqsConcurrency: z.number().int().min(1).max(100).default(2).describe('messages processed at once'),
    sourceTypeMap: z.string().optional().describe('JSON map of s3://bucket/prefix (or prefix) → source type, as LETS__SOURCE_TYPE_MAP'),
    pipeline: z.string().min(1).default('cloudfront').describe('the pipeline to run: cloudfront, or one registered in code'),
    format: z.string().min(1).optional().describe("source type (log format) of the objects, one of the pipeline's; default: the pipeline's first (cloudfront-realtime)"),
    fields: z.union([z.string(), z.array(z.string())]).default('sgraph-27').describe('real-time field list: a preset name or the field names in order'),
    latenessMinutes: z.number().nonnegative().optional().describe("how late events may arrive before a window is final (default: the pipeline's; 15 for cloudfront)"),
    idleMinutes: z.number().nonnegative().optional().describe("how long a silent source holds finality back before the wall clock moves it on (default: the pipeline's; a day for cloudfront)"),
    clockSkewMinutes: z.number().nonnegative().optional().describe('how far ahead of this clock an event may be dated; later ones are timestamp_in_future errors (default 5)'),
    horizonDays: z.number().positive().optional().describe('events older than this many days are timestamp_too_old errors (default: no horizon)'),
    keepRaw: z.boolean().default(true).describe('store every object\'s typed events in sa-cloudfront-raw'),
    keepClientIp: z.boolean().default(false).describe('keep viewer IPs in events (off: privacy first)'),
    durable: z.boolean().default(false).describe('folder cache: fsync each file and its folder before it counts as written (slower; survives power loss)'),
    keepCookies: z.boolean().default(false).describe('keep cookies in events (off: privacy first; they hold sessions and tokens)'),
    queryStrings: z.enum(['off', 'names', 'whole']).default('off').describe("query strings in events: 'off' (null), 'names' (parameter names only) or 'whole'"),
    maxLineLength: z.number().int().positive().default(64 * 1024).describe('longest line accepted, in characters'),
    maxDecodedBytes: z.number().int().positive().default(16 * 1024 ** 3).describe('most bytes one object may decompress to'),
    maxCompressionRatio: z.number().positive().default(1000).describe('most decompressed bytes per compressed byte (decompression-bomb guard)'),
    host: z.string().default('127.0.0.1').describe('address serve listens on; loopback unless you mean otherwise'),
    port: z.number().int().min(0).max(65535).default(8080).describe('port serve listens on (0 = any free port)'),
    ingestEverySeconds: z.number().nonnegative().default(60).describe('serve: ingest and consolidate cadence (0 = only on request)'),
    aggregateEverySeconds: z.number().nonnegative().default(3600).describe('serve: aggregate (and archive) cadence (0 = only on request)'),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

const ENV_NAMES: Record<keyof Config, string> = {
  source: 'LETSFLOW_SOURCE',
  prefix: 'LETSFLOW_PREFIX',
  cache: 'LETSFLOW_CACHE',
  archive: 'LETSFLOW_ARCHIVE',
  region: 'LETSFLOW_REGION',
  endpoint: 'LETSFLOW_S3_ENDPOINT',
  since: 'LETSFLOW_SINCE',
  until: 'LETSFLOW_UNTIL',
  lease: 'LETSFLOW_LEASE',
  leaseTtlSeconds: 'LETSFLOW_LEASE_TTL_SECONDS',
  sqsQueueUrl: 'LETSFLOW_SQS_QUEUE_URL',
  sqsEndpoint: 'LETSFLOW_SQS_ENDPOINT',
  sqsDlqUrl: 'LETSFLOW_SQS_DLQ_URL',
  sqsVisibilitySeconds: 'LETSFLOW_SQS_VISIBILITY_SECONDS',
  sqsConcurrency: 'LETSFLOW_SQS_CONCURRENCY',
  sourceTypeMap: 'LETSFLOW_SOURCE_TYPE_MAP',
  pipeline: 'LETSFLOW_PIPELINE',
  format: 'LETSFLOW_FORMAT',
  fields: 'LETSFLOW_FIELDS',
  latenessMinutes: 'LETSFLOW_LATENESS_MINUTES',
  idleMinutes: 'LETSFLOW_IDLE_MINUTES',
  clockSkewMinutes: 'LETSFLOW_CLOCK_SKEW_MINUTES',
  horizonDays: 'LETSFLOW_HORIZON_DAYS',
  keepRaw: 'LETSFLOW_KEEP_RAW',
  keepClientIp: 'LETSFLOW_KEEP_CLIENT_IP',
  durable: 'LETSFLOW_DURABLE',
  keepCookies: 'LETSFLOW_KEEP_COOKIES',
  queryStrings: 'LETSFLOW_QUERY_STRINGS',
  maxLineLength: 'LETSFLOW_MAX_LINE_LENGTH',
  maxDecodedBytes: 'LETSFLOW_MAX_DECODED_BYTES',
  maxCompressionRatio: 'LETSFLOW_MAX_COMPRESSION_RATIO',
  host: 'LETSFLOW_HOST',
  port: 'LETSFLOW_PORT',
  ingestEverySeconds: 'LETSFLOW_INGEST_EVERY_SECONDS',
  aggregateEverySeconds: 'LETSFLOW_AGGREGATE_EVERY_SECONDS',
};

/**
 * The seed deployment's variable names: the logs bucket and prefix become an S3 source, the
 * cache service's bucket an S3 cache store. LETSFLOW_* names win where both are set.
 */
function fromSeedEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const logs = env.SGRAPH_SEND__SA_LOGS_BUCKET;
  if (logs) out.source = `s3://${logs}/${(env.SGRAPH_SEND__SA_LOGS_PREFIX ?? 'cloudfront-realtime').replace(/^\/+/, '').replace(/\/?$/, '/')}`;
  if (env.CACHE__SERVICE__BUCKET_NAME) out.cache = `s3://${env.CACHE__SERVICE__BUCKET_NAME}/`;
  if (env.LETS__SOURCE_TYPE_MAP) out.sourceTypeMap = env.LETS__SOURCE_TYPE_MAP;
  return out;
}

/** Reads env strings into the types the schema expects; a value that does not convert is left for zod to reject. */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = fromSeedEnv(env);
  for (const [name, variable] of Object.entries(ENV_NAMES)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const field = ConfigSchema.shape[name as keyof Config];
    const kind = 'innerType' in field.def ? field.def.innerType : field;
    if (kind instanceof z.ZodNumber) out[name] = Number(raw);
    else if (kind instanceof z.ZodBoolean) out[name] = raw === 'true' ? true : raw === 'false' ? false : raw;
    else if (name === 'fields' && raw.includes(',')) out[name] = raw.split(',').map((f) => f.trim());
    else out[name] = raw;
  }
  return out;
}

/**
 * Builds the configuration from flags, environment and config file, and validates it once.
 * A bad value throws a ConfigError naming the option, where it came from, and what was expected.
 */
export async function loadConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env, file?: string): Promise<Config> {
  const path = file ?? env.LETSFLOW_CONFIG ?? DEFAULT_CONFIG_FILE;
  let fromFile: Record<string, unknown> = {};
  try {
    fromFile = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || file !== undefined) throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  const merged = { ...fromFile, ...fromEnv(env), ...flags };
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const option = issue.path.join('.') || '(config)';
      const variable = ENV_NAMES[option as keyof Config];
      const origin = option in flags ? `flag --${option}` : variable && env[variable] !== undefined ? `env ${variable}` : option in fromFile ? `config file ${path}` : 'config';
      const received = option in merged ? ` (got ${JSON.stringify((merged as Record<string, unknown>)[option])})` : '';
      return `${option} from ${origin}${received}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const { since, until } = result.data;
  if (since !== undefined && until !== undefined && since >= until) {
    throw new ConfigError(`invalid configuration: since must be before until (got since ${new Date(since).toISOString()}, until ${new Date(until).toISOString()})`);
  }
  return result.data;
}
