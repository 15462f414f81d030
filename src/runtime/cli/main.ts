import { parseArgs } from 'node:util';
import { LetsflowError } from '../../core/errors.js';
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
  --since T --until T bound a backfill by arrival time (ISO; S3: the key's Firehose date)
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
  serve:   --host H [127.0.0.1]  --port N [8080]  --ingest-every S [60]  --aggregate-every S [3600]
           --sqs-queue-url URL  event-driven ingest from S3 notifications (--sqs-endpoint URL,
           --source-type-map JSON as LETS__SOURCE_TYPE_MAP)
  demo:    --out DIR [source]  --seed N [1]  --days N [3]  --rate N requests/hour [2000]
  -h, --help          this help

Exit codes: 0 done; 1 failed (nothing half-committed: re-run to resume); 2 bad usage or
configuration; 3 done, but some objects were quarantined (see sa-errors/quarantine).
`;

const COMMANDS = new Set<CommandName>(['start', 'run', 'ingest', 'consolidate', 'aggregate', 'archive', 'report', 'demo', 'serve', 'errors', 'replay', 'reopen']);
/** Commands that take words after their name. */
const ARITY: Partial<Record<CommandName, number>> = { reopen: 2 };

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
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
        out: { type: 'string' },
        seed: { type: 'string' },
        days: { type: 'string' },
        rate: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`letsflow: ${(error as Error).message}\nRun \`letsflow --help\` for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
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
  const flags: Record<string, unknown> = {};
  if (values.source !== undefined) flags.source = values.source;
  if (values.prefix !== undefined) flags.prefix = values.prefix;
  if (values.cache !== undefined) flags.cache = values.cache;
  if (values.archive !== undefined) flags.archive = values.archive;
  for (const name of ['region', 'endpoint', 'since', 'until'] as const) if (values[name] !== undefined) flags[name] = values[name];
  if (values.lease) flags.lease = true;
  if (values['no-lease']) flags.lease = false;
  if (values['lease-ttl'] !== undefined) flags.leaseTtlSeconds = Number(values['lease-ttl']);
  if (values.pipeline !== undefined) flags.pipeline = values.pipeline;
  if (values.format !== undefined) flags.format = values.format;
  if (values.idle !== undefined) flags.idleMinutes = Number(values.idle);
  if (values['clock-skew'] !== undefined) flags.clockSkewMinutes = Number(values['clock-skew']);
  if (values.horizon !== undefined) flags.horizonDays = Number(values.horizon);
  if (values.fields !== undefined) flags.fields = values.fields.includes(',') ? values.fields.split(',').map((f) => f.trim()) : values.fields;
  if (values.lateness !== undefined) flags.latenessMinutes = Number(values.lateness);
  if (values['no-raw']) flags.keepRaw = false;
  if (values.host !== undefined) flags.host = values.host;
  if (values.port !== undefined) flags.port = Number(values.port);
  if (values['ingest-every'] !== undefined) flags.ingestEverySeconds = Number(values['ingest-every']);
  if (values['sqs-queue-url'] !== undefined) flags.sqsQueueUrl = values['sqs-queue-url'];
  if (values['sqs-endpoint'] !== undefined) flags.sqsEndpoint = values['sqs-endpoint'];
  if (values['sqs-dlq-url'] !== undefined) flags.sqsDlqUrl = values['sqs-dlq-url'];
  if (values['source-type-map'] !== undefined) flags.sourceTypeMap = values['source-type-map'];
  if (values['aggregate-every'] !== undefined) flags.aggregateEverySeconds = Number(values['aggregate-every']);

  try {
    return await commands[command as CommandName]({
      args: positionals.slice(1),
      filter: { ...(values.object !== undefined && { object: values.object }), ...(values.code !== undefined && { code: values.code }), limit: numberOption('limit', values.limit, 50) },
      flags,
      configFile: values.config,
      period,
      top: numberOption('top', values.top, 10),
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

function numberOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new LetsflowError('config_invalid', 'config', `--${name} must be a non-negative number (got '${raw}')`);
  return value;
}
