import { parseArgs } from 'node:util';
import { ConfigError, LetsflowError } from '../../core/errors.js';
import { isPeriod } from '../../core/periods.js';
import { commands, type CommandName } from './commands.js';

const USAGE = `letsflow — log objects into 30-minute, hourly, daily and monthly aggregates (CloudFront traffic by default)

Usage: letsflow <command> [options]

Commands:
  start         demo data if absent, then run, then report (what \`npm start\` does)
  run           every step over the source: ingest + consolidate, then aggregate
  ingest        read pending objects into typed raw events (sa-cloudfront-raw)
  consolidate   turn ingested objects into 30-minute partials (sa-cloudfront-consolidated)
  aggregate     compute 30min/hourly/daily/monthly aggregates with finality
  archive       move committed objects out of the source folder (needs --archive)
  report        print a table of the aggregates of one period
  serve         long-lived: steps on their cadences plus a REST API (127.0.0.1:8080);
                POST routes need LETSFLOW_API_TOKEN as a bearer token
  demo          write realistic gzip CloudFront real-time logs (deterministic by seed)
  errors        list quarantined objects and bad lines (--object, --code, --limit)
  replay        make quarantined objects pending again after a fix (--object, --code);
                with --sqs-dlq-url and --sqs-queue-url, also send dead-lettered messages back
  reset         make done objects pending again on purpose, so the next run redoes them
                (--object SUBSTR, or --all)
  reopen P KEY  recompute a final window and its parents, merging late events

Options (flags override LETSFLOW_* environment variables, which override letsflow.config.json):
  --source DIR|S3URL  log objects: a folder read like a bucket, or s3://bucket/prefix/
                                                              [.letsflow/demo-logs]
  --prefix P          only objects whose key starts with P (folder sources)
  --cache DIR|S3URL   the cache store: a folder or s3://bucket/prefix/ [.letsflow/cache]
  --archive A         where archive puts committed objects: a folder outside a folder
                      source; for S3 a key prefix (copy + delete) or 'tag'
  --region R          AWS region (else the SDK default chain: AWS_REGION, profile)
  --endpoint URL      S3-compatible endpoint, path-style (e.g. http://127.0.0.1:9000)
  --since T --until T bound a backfill by arrival time: the key's date, else LastModified
                      or mtime; T is an ISO date or time (UTC unless it has an offset),
                      today, yesterday (midnight UTC), or -3d / -12h (days/hours ago)
  --lease / --no-lease  claim objects so several workers share a source [on for S3]
  --lease-ttl S       seconds a claim lasts without renewal [300]
  --pipeline NAME     the pipeline to run (cloudfront, or one registered in code) [cloudfront]
  --format F          source type, one of the pipeline's: cloudfront-realtime | cloudfront-standard
                                                              [the pipeline's first]
  --fields F          real-time field list: preset (aws-canonical, sgraph-27, sgraph-live-26)
                      or comma-separated field names              [sgraph-27]
  --lateness MIN      minutes events may arrive late              [15]
  --idle MIN          minutes a silent source holds finality back [1440]
  --clock-skew MIN    events dated later than now + this are errors [5]
  --horizon DAYS      events older than this are errors           [none]
  --no-raw            do not store raw events (faster; consolidate cannot re-run later)
  --config FILE       config file                                 [letsflow.config.json]
  report:  --period 30min|hourly|daily|monthly [daily]   --top N [10]
           --from T --to T  windows starting in [T, T]: a time key of the period or an ISO date/time
           --json  the window documents and their merged figures, as JSON
           --section S,S  breakdowns to show (cloudfront: browsers, os, devices, bots, referrers,
           referrer_urls, 404s, 4xx, 5xx, countries, edges, methods, protocols, tls, ciphers,
           content_types, cache, detailed_result_types, behaviors, …) [browsers,referrers,404s]
  serve:   --host H [127.0.0.1]  --port N [8080]  --ingest-every S [60]  --aggregate-every S [3600]
           --sqs-queue-url URL  event-driven ingest from S3 notifications (--sqs-endpoint URL,
           --source-type-map JSON as LETS__SOURCE_TYPE_MAP)
  demo:    --out DIR [source]  --seed N [1]  --days N [3]  --rate N requests/hour [2000]
  -h, --help          this help

Exit codes: 0 done; 1 failed (nothing half-committed: re-run to resume); 2 bad usage or
configuration; 3 done, but some objects were quarantined (see sa-errors/quarantine).
`;

const COMMANDS = new Set<CommandName>(['start', 'run', 'ingest', 'consolidate', 'aggregate', 'archive', 'report', 'demo', 'serve', 'errors', 'replay', 'reset', 'reopen']);
/** Commands that take words after their name. */
const ARITY: Partial<Record<CommandName, number>> = { reopen: 2 };

/** The numeric flags that become configuration: the option each sets, its unit and its range. */
const NUMERIC_FLAGS = {
  'lease-ttl': { option: 'leaseTtlSeconds', unit: 'seconds', noun: 'lease TTL', min: 'positive' },
  idle: { option: 'idleMinutes', unit: 'minutes', noun: 'idle bound', min: 'zero' },
  'clock-skew': { option: 'clockSkewMinutes', unit: 'minutes', noun: 'clock skew', min: 'zero' },
  horizon: { option: 'horizonDays', unit: 'days', noun: 'horizon', min: 'positive' },
  lateness: { option: 'latenessMinutes', unit: 'minutes', noun: 'lateness', min: 'zero' },
  port: { option: 'port', unit: 'port', noun: 'port', min: 'zero' },
  'ingest-every': { option: 'ingestEverySeconds', unit: 'seconds', noun: 'cadence', min: 'zero' },
  'aggregate-every': { option: 'aggregateEverySeconds', unit: 'seconds', noun: 'cadence', min: 'zero' },
} as const satisfies Record<string, { option: string; unit: string; noun: string; min: 'zero' | 'positive' }>;

export async function main(argv: string[]): Promise<number> {
  exitQuietlyWhenStdoutCloses();
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: OPTIONS,
    });
  } catch (error) {
    process.stderr.write(`letsflow: ${flagErrorMessage(error as Error & { code?: string }, argv)}\n`);
    return 2;
  }
  return runCommand(parsed.values, parsed.positionals);
}

const OPTIONS = {
        source: { type: 'string' },
        prefix: { type: 'string' },
        cache: { type: 'string' },
        archive: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        lease: { type: 'boolean' },
        'no-lease': { type: 'boolean' },
        'lease-ttl': { type: 'string' },
        pipeline: { type: 'string' },
        format: { type: 'string' },
        idle: { type: 'string' },
        'clock-skew': { type: 'string' },
        horizon: { type: 'string' },
        fields: { type: 'string' },
        lateness: { type: 'string' },
        'no-raw': { type: 'boolean' },
        config: { type: 'string' },
        period: { type: 'string' },
        object: { type: 'string' },
        code: { type: 'string' },
        limit: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'ingest-every': { type: 'string' },
        'aggregate-every': { type: 'string' },
        'sqs-queue-url': { type: 'string' },
        'sqs-endpoint': { type: 'string' },
        'sqs-dlq-url': { type: 'string' },
        'source-type-map': { type: 'string' },
        top: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean' },
        section: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        days: { type: 'string' },
        rate: { type: 'string' },
        all: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<Parameters<typeof parseArgs>[0]>['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function runCommand(values: Values, positionals: string[]): Promise<number> {
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (!COMMANDS.has(command as CommandName) || positionals.length > 1 + (ARITY[command as CommandName] ?? 0)) {
    process.stderr.write(`letsflow: unknown command '${positionals.join(' ')}'\nRun \`letsflow --help\` for usage.\n`);
    return 2;
  }
  const period = values.period ?? 'daily';
  if (!isPeriod(period)) {
    process.stderr.write(`letsflow: --period must be one of 30min, hourly, daily, monthly (got '${period}')\n`);
    return 2;
  }
  let flags: Record<string, unknown>;
  try {
    flags = configFlags(values);
  } catch (error) {
    process.stderr.write(`letsflow: ${(error as Error).message}\n`);
    return 2;
  }

  try {
    return await commands[command as CommandName]({
      args: positionals.slice(1),
      filter: {
        ...(values.object !== undefined && { object: values.object }),
        ...(values.code !== undefined && { code: values.code }),
        ...(values.all && { all: true }),
        limit: numberOption('limit', values.limit, 50),
      },
      flags,
      configFile: values.config,
      period,
      top: numberOption('top', values.top, 10),
      report: {
        ...(values.from !== undefined && { from: values.from }),
        ...(values.to !== undefined && { to: values.to }),
        ...(values.json && { json: true }),
        ...(values.section !== undefined && { sections: values.section.split(',').filter((s) => s.trim() !== '') }),
      },
      demo: {
        out: values.out,
        seed: numberOption('seed', values.seed, 1),
        days: numberOption('days', values.days, 3),
        rate: numberOption('rate', values.rate, 2000),
      },
    });
  } catch (error) {
    if (error instanceof LetsflowError) {
      process.stderr.write(`letsflow: ${error.message}\n`);
      return error.stage === 'config' ? 2 : 1;
    }
    process.stderr.write(`letsflow: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/** The flags that override configuration, under the option names; a numeric flag that is no number throws a ConfigError naming it. */
function configFlags(values: Values): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(NUMERIC_FLAGS)) {
    const raw = values[flag as keyof typeof NUMERIC_FLAGS];
    if (raw !== undefined) flags[spec.option] = numericFlag(flag, raw);
  }
  if (values.source !== undefined) flags.source = values.source;
  if (values.prefix !== undefined) flags.prefix = values.prefix;
  if (values.cache !== undefined) flags.cache = values.cache;
  if (values.archive !== undefined) flags.archive = values.archive;
  for (const name of ['region', 'endpoint', 'since', 'until'] as const) if (values[name] !== undefined) flags[name] = values[name];
  if (values.lease) flags.lease = true;
  if (values['no-lease']) flags.lease = false;
  if (values.pipeline !== undefined) flags.pipeline = values.pipeline;
  if (values.format !== undefined) flags.format = values.format;
  if (values.fields !== undefined) flags.fields = values.fields.includes(',') ? values.fields.split(',').map((f) => f.trim()) : values.fields;
  if (values['no-raw']) flags.keepRaw = false;
  if (values.host !== undefined) flags.host = values.host;
  if (values['sqs-queue-url'] !== undefined) flags.sqsQueueUrl = values['sqs-queue-url'];
  if (values['sqs-endpoint'] !== undefined) flags.sqsEndpoint = values['sqs-endpoint'];
  if (values['sqs-dlq-url'] !== undefined) flags.sqsDlqUrl = values['sqs-dlq-url'];
  if (values['source-type-map'] !== undefined) flags.sourceTypeMap = values['source-type-map'];
  return flags;
}

/** A numeric flag's value, or a ConfigError that names the flag, what it got and what it takes. */
function numericFlag(flag: string, raw: string): number {
  const spec = NUMERIC_FLAGS[flag as keyof typeof NUMERIC_FLAGS];
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (spec.unit === 'port') {
    if (Number.isInteger(value) && value >= 0 && value <= 65_535) return value;
    throw new ConfigError(`--${flag} must be a whole number from 0 to 65535, 0 for any free port (got '${raw}')`);
  }
  const range = spec.min === 'positive' ? 'above 0' : '0 or more';
  const expected = `--${flag} must be a number of ${spec.unit}, ${range} (got '${raw}')`;
  if (!Number.isFinite(value)) throw new ConfigError(expected);
  if (value < 0) throw new ConfigError(`${expected}: a negative ${spec.noun} is invalid`);
  if (value === 0 && spec.min === 'positive') throw new ConfigError(`${expected}: a ${spec.noun} of 0 is invalid`);
  return value;
}

/**
 * What went wrong with the flags, in one line that says what to do: parseArgs's own messages
 * are several lines, name the wrong thing for a negative number (`--lateness -5` reads as a
 * missing value) and offer no correction for a misspelt flag.
 */
function flagErrorMessage(error: Error & { code?: string }, argv: readonly string[]): string {
  const named = /Option '(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? /'(-{1,2}[^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && named !== undefined) {
    const flag = named.split('=')[0]!;
    const closest = closestFlag(flag.replace(/^-+/, ''));
    return `unknown flag ${flag}${closest === undefined ? '' : `: did you mean --${closest}?`} (\`letsflow --help\` lists the flags)`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && named !== undefined) {
    const name = named.replace(/^-+/, '');
    const at = argv.indexOf(named);
    const next = at >= 0 ? argv[at + 1] : undefined;
    if (next !== undefined && next.startsWith('-') && name in NUMERIC_FLAGS) {
      try {
        numericFlag(name, next);
      } catch (invalid) {
        return (invalid as Error).message;
      }
    }
    if (/does not take an argument/.test(error.message)) return `${named} is a switch and takes no value (\`letsflow --help\` lists the flags)`;
    if (next !== undefined && next.startsWith('-')) return `${named} needs a value, and '${next}' is read as a flag: write ${named}=${next} if it is the value`;
    return `${named} needs a value (\`letsflow --help\` lists the flags)`;
  }
  return `${error.message.split('\n')[0]} (\`letsflow --help\` lists the flags)`;
}

/** The known flag nearest to a misspelt one, when it is near enough to be what was meant. */
function closestFlag(name: string): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const flag of Object.keys(OPTIONS)) {
    const distance = flag.startsWith(name) && name.length >= 3 ? 1 : editDistance(name, flag);
    if (best === undefined || distance < best.distance) best = { flag, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(best.flag.length / 3)) ? best.flag : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

let stdoutGuarded = false;
/**
 * `letsflow errors | head` closes the pipe while letsflow still writes: that is the reader being
 * done, not a failure, so exit quietly instead of crashing on EPIPE with a stack trace.
 */
function exitQuietlyWhenStdoutCloses(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

function numberOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new LetsflowError('config_invalid', 'config', `--${name} must be a non-negative number (got '${raw}')`);
  return value;
}
