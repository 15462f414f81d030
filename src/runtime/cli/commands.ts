import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPeriod, parseTimeKey, type Period } from '../../core/periods.js';
import { ConfigError } from '../../core/errors.js';
import { listLedger } from '../../engine/ledger.js';
import { listErrors, replayQuarantined, resetObjects } from '../../engine/operatorTools.js';
import { reopenWindow } from '../../engine/reopenWindow.js';
import type { RunOutcome } from '../../engine/runPipeline.js';
import { writeDemoObjects } from '../../pipelines/cloudfront/demoData.js';
import { accessLogSourcesFor } from '../../pipelines/s3access/demo/accessLogSourcesFor.js';
import { writeAccessLogObjects } from '../../pipelines/s3access/demo/writeAccessLogObjects.js';
import { pipelineNamed } from '../../pipelines/registry.js';
import { cacheStoreFor, countLateEvents, pipelineService } from '../pipelineService.js';
import { sqsClientFor, startServe } from '../serve/serve.js';
import { redriveDlq } from '../../sources/sqsS3Events/redriveDlq.js';
import { loadConfig, type Config } from '../config.js';
import { parseLocation } from '../location.js';
import { progressReporter } from './progress.js';
import { escapeForTerminal, loadAggregates, renderReport, reportBound, reportJson, reportSections } from './report.js';

export interface CommandInput {
  /** Words after the command: `reopen daily 2026-04-20`. */
  readonly args: readonly string[];
  /** `--object`, `--code`, `--limit`, and `--all` (reset). */
  readonly filter: { readonly object?: string; readonly code?: string; readonly limit: number; readonly all?: boolean };
  readonly flags: Record<string, unknown>;
  readonly configFile: string | undefined;
  readonly period: Period;
  readonly top: number;
  /** report: `--from`/`--to` (time keys or ISO), `--json`, `--section a,b`. */
  readonly report?: { readonly from?: string; readonly to?: string; readonly json?: boolean; readonly sections?: readonly string[] };
  readonly demo: { readonly out: string | undefined; readonly seed: number; readonly days: number; readonly rate: number };
}

export type CommandName = 'start' | 'run' | 'ingest' | 'consolidate' | 'aggregate' | 'archive' | 'report' | 'demo' | 'serve' | 'errors' | 'replay' | 'reset' | 'reopen';
type Command = (input: CommandInput) => Promise<number>;

const out = (text: string): void => {
  process.stdout.write(text);
};

function summarizeRun(outcome: RunOutcome, seconds: number): number {
  const rate = outcome.events / Math.max(seconds, 0.001);
  out(
    `run: ${outcome.processed} of ${outcome.listed} objects processed, ${outcome.events.toLocaleString('en-US')} events` +
      ` (${outcome.parseErrors} bad lines) in ${seconds.toFixed(2)} s, ${Math.round(rate).toLocaleString('en-US')} events/s\n` +
      `aggregate: ${outcome.aggregate.windows} windows (${outcome.aggregate.final} final, ${outcome.aggregate.partial} partial), ${outcome.aggregate.written} written\n`,
  );
  for (const q of outcome.quarantined) process.stderr.write(`quarantined: ${escapeForTerminal(q.error?.message ?? q.name)}\n`);
  for (const f of outcome.failed) process.stderr.write(`failed (still pending, run again): ${escapeForTerminal(f.message)}\n`);
  return outcome.failed.length > 0 ? 1 : outcome.quarantined.length > 0 ? 3 : 0;
}

const service = async (input: CommandInput) => pipelineService(await loadConfig(input.flags, process.env, input.configFile));

/** A source that lists nothing is most often a wrong --source or --prefix: say so, though it is no failure. */
function warnIfNothingListed(config: Config, listed: number): void {
  if (listed > 0) return;
  const location = parseLocation(config.source, 'source');
  const where = location.kind === 's3' ? `s3://${location.bucket}/${location.prefix}` : `${resolve(location.path)} with prefix '${config.prefix}' (hidden files and symlinks are skipped)`;
  const bounds = config.since !== undefined || config.until !== undefined ? ' within --since/--until' : '';
  process.stderr.write(`letsflow: warning: no objects were found under ${escapeForTerminal(where)}${bounds}: check --source and --prefix\n`);
}

const run: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const steps = pipelineService(config);
  const progress = progressReporter();
  const started = performance.now();
  const outcome = await steps.run((p) => progress.update(p));
  progress.done();
  warnIfNothingListed(config, outcome.listed);
  return summarizeRun(outcome, (performance.now() - started) / 1000);
};

const ingest: Command = async (input) => {
  const { ingested, quarantined } = await (await service(input)).ingest();
  out(`ingest: ${ingested} objects ingested, ${quarantined} quarantined\n`);
  return quarantined > 0 ? 3 : 0;
};

const consolidate: Command = async (input) => {
  out(`consolidate: ${(await (await service(input)).consolidate()).consolidated} objects consolidated\n`);
  return 0;
};

const aggregateCommand: Command = async (input) => {
  const outcome = await (await service(input)).aggregate();
  out(
    `aggregate: ${outcome.windows} windows (${outcome.final} final, ${outcome.partial} partial), ${outcome.written} written` +
      (outcome.pending > 0 ? `; ${outcome.pending} objects still pending, so nothing new is final\n` : '\n'),
  );
  return 0;
};

const archive: Command = async (input) => {
  out(`archive: ${(await (await service(input)).archive()).archived} committed objects archived\n`);
  return 0;
};

const report: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const store = cacheStoreFor(config);
  const pipeline = pipelineNamed(config.pipeline);
  // Each late-event document holds a window's late events; the report counts events, as status does.
  const lateEvents = await countLateEvents(store, pipeline.namespaces.late);
  const { from, to, json, sections } = input.report ?? {};
  const range = {
    ...(from !== undefined && { from: reportBound('from', from, input.period) }),
    ...(to !== undefined && { to: reportBound('to', to, input.period) }),
  };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) throw new ConfigError(`--from '${from}' is after --to '${to}'`);
  const chosen = sections === undefined ? undefined : reportSections(sections);
  const docs = await loadAggregates(store, pipeline, input.period, range);
  if (json) out(reportJson(pipeline, docs, { period: input.period, ...(lateEvents > 0 && { lateEvents }) }));
  else out(renderReport(pipeline, docs, { period: input.period, top: input.top, ...(lateEvents > 0 && { lateEvents }), ...(chosen && { sections: chosen }) }));
  return 0;
};

const demo: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const dir = input.demo.out ?? config.source;
  // S3 server access logs: plain-text objects under transfers-bucket/ and cache-bucket/.
  const sources = accessLogSourcesFor(config.format);
  if (sources !== undefined) {
    const written = await writeAccessLogObjects({ dir, sources, seed: input.demo.seed, days: input.demo.days, requestsPerHour: input.demo.rate });
    const repeats = written.duplicates > 0 ? ` (${written.duplicates.toLocaleString('en-US')} delivery repeats)` : '';
    out(`demo: wrote ${written.files.length} plain-text S3 access-log objects, ${written.lines.toLocaleString('en-US')} records${repeats}, under ${resolve(dir)}\n`);
    return 0;
  }
  const result = await writeDemoObjects({
    dir,
    seed: input.demo.seed,
    days: input.demo.days,
    requestsPerHour: input.demo.rate,
    fields: config.fields,
    format: config.format === 'cloudfront-standard' ? 'standard' : 'realtime',
  });
  out(`demo: wrote ${result.files.length} gzip objects, ${result.events.toLocaleString('en-US')} requests, under ${resolve(dir)}\n`);
  return 0;
};

const start: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  if (!config.source.startsWith('s3://') && !existsSync(config.source)) {
    const code = await demo(input);
    if (code !== 0) return code;
  }
  const runCode = await run(input);
  if (runCode === 1) return runCode;
  out('\n');
  await report(input);
  out(`\nBrowse the cache under ${resolve(config.cache)}; \`letsflow report --period hourly\` for more.\n`);
  return runCode;
};

const serve: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const server = await startServe(config, process.env.LETSFLOW_API_TOKEN || undefined).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`port ${config.port} on ${config.host} is in use: stop what listens there, or pick another with --port (0 = any free port)`);
    if (code === 'EACCES') throw new ConfigError(`port ${config.port} on ${config.host} needs privileges this process lacks: pick a port above 1023 with --port`);
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(`--host ${config.host} is no address of this machine: use 127.0.0.1, or 0.0.0.0 for every interface`);
    throw error;
  });
  const ingestMode = config.sqsQueueUrl ? `event-driven from ${config.sqsQueueUrl}` : `ingest every ${config.ingestEverySeconds} s`;
  out(`serve: listening on ${server.url} (${ingestMode}, aggregate every ${config.aggregateEverySeconds} s)\n`);
  if (!process.env.LETSFLOW_API_TOKEN) out('serve: LETSFLOW_API_TOKEN is not set, so the POST routes answer 401\n');
  await new Promise<void>((resolveSignal) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolveSignal());
  });
  out('serve: stopping — finishing the steps in flight\n');
  await server.stop();
  return 0;
};

const errors: Command = async (input) => {
  const { ctx } = await service(input);
  const ns = ctx.pipeline.namespaces;
  const found = await listErrors(ctx.store, ns, await listLedger(ctx.store, ns), input.filter);
  out(`${found.quarantined.length} quarantined objects\n`);
  for (const q of found.quarantined) out(`  ${escapeForTerminal(q.object)}  [${q.code}]  ${escapeForTerminal(q.message)}\n`);
  out(`${found.totalBadLines} bad lines${found.lines.length < found.totalBadLines ? ` (first ${found.lines.length} kept)` : ''}\n`);
  for (const e of found.lines.slice(0, input.filter.limit)) {
    out(`  ${escapeForTerminal(e.object)} line ${e.line}  [${e.code}]  ${escapeForTerminal(e.reason)}\n    ${escapeForTerminal(e.text.slice(0, 160))}\n`);
  }
  if (found.lines.length > input.filter.limit) out(`  … ${found.lines.length - input.filter.limit} more (--limit)\n`);
  return 0;
};

const replay: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  if (config.sqsDlqUrl !== undefined) {
    if (config.sqsQueueUrl === undefined) throw new ConfigError('replay --sqs-dlq-url needs --sqs-queue-url: the queue the messages go back to');
    const moved = await redriveDlq({ sqs: sqsClientFor(config), dlqUrl: config.sqsDlqUrl, queueUrl: config.sqsQueueUrl });
    out(`replay: ${moved} dead-lettered messages sent back to ${config.sqsQueueUrl}\n`);
  }
  const { ctx } = pipelineService(config);
  const ns = ctx.pipeline.namespaces;
  const replayed = await replayQuarantined(ctx.store, ns, await listLedger(ctx.store, ns), input.filter);
  out(`replay: ${replayed.length} quarantined objects are pending again; \`letsflow run\` processes them\n`);
  for (const name of replayed) out(`  ${escapeForTerminal(name)}\n`);
  return 0;
};

const reset: Command = async (input) => {
  const { object, all } = input.filter;
  if (Boolean(all) === (object !== undefined)) throw new ConfigError('reset needs --object SUBSTR (objects whose name contains it) or --all, not both: it makes done objects pending again');
  const { ctx } = await service(input);
  const ns = ctx.pipeline.namespaces;
  const names = await resetObjects(ctx.store, ns, await listLedger(ctx.store, ns), all ? { all: true } : { object: object! });
  out(`reset: ${names.length} objects are pending again; \`letsflow run\` redoes them (final windows keep their values: \`letsflow reopen\` recomputes one)\n`);
  for (const name of names.slice(0, input.filter.limit)) out(`  ${escapeForTerminal(name)}\n`);
  if (names.length > input.filter.limit) out(`  … ${names.length - input.filter.limit} more (--limit)\n`);
  return 0;
};

const reopen: Command = async (input) => {
  const [periodArg, key] = input.args;
  const start = periodArg !== undefined && isPeriod(periodArg) && key !== undefined ? parseTimeKey(periodArg, key) : undefined;
  if (start === undefined) throw new ConfigError('usage: letsflow reopen <30min|hourly|daily|monthly> <time-key>, e.g. letsflow reopen daily 2026-04-20');
  const steps = await service(input);
  const reopened = await reopenWindow(steps.ctx, periodArg as Period, start);
  const outcome = await steps.aggregate();
  out(`reopen: ${reopened.length} windows recomputed from every partial, late ones included (${outcome.written} written)\n`);
  return 0;
};

export const commands: Record<CommandName, Command> = {
  errors,
  replay,
  reset,
  reopen,
  serve,
  archive,
  start,
  run,
  ingest,
  consolidate,
  aggregate: aggregateCommand,
  report,
  demo,
};
