import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Period } from '../../core/periods.js';
import { writeDemoObjects } from '../../pipelines/cloudfront/demoData.js';
import { NAMESPACES } from '../../pipelines/cloudfront/layout.js';
import type { RunOutcome } from '../../pipelines/cloudfront/runPipeline.js';
import { cloudfrontService } from '../cloudfrontService.js';
import { startServe } from '../serve/serve.js';
import { fsCacheStore } from '../../sinks/fsCacheStore.js';
import { loadConfig } from '../config.js';
import { progressReporter } from './progress.js';
import { loadAggregates, renderReport } from './report.js';

export interface CommandInput {
  readonly flags: Record<string, unknown>;
  readonly configFile: string | undefined;
  readonly period: Period;
  readonly top: number;
  readonly demo: { readonly out: string | undefined; readonly seed: number; readonly days: number; readonly rate: number };
}

export type CommandName = 'start' | 'run' | 'ingest' | 'consolidate' | 'aggregate' | 'archive' | 'report' | 'demo' | 'serve';
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
  for (const q of outcome.quarantined) process.stderr.write(`quarantined: ${q.error?.message ?? q.name}\n`);
  return outcome.quarantined.length > 0 ? 3 : 0;
}

const service = async (input: CommandInput) => cloudfrontService(await loadConfig(input.flags, process.env, input.configFile));

const run: Command = async (input) => {
  const steps = await service(input);
  const progress = progressReporter();
  const started = performance.now();
  const outcome = await steps.run((p) => progress.update(p));
  progress.done();
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
  const store = fsCacheStore({ root: config.cache });
  const lateEvents = (await store.list(NAMESPACES.late, 'json')).length;
  out(renderReport(await loadAggregates(store, input.period), { period: input.period, top: input.top, ...(lateEvents > 0 && { lateEvents }) }));
  return 0;
};

const demo: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const dir = input.demo.out ?? config.source;
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
  if (!existsSync(config.source)) {
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
  const server = await startServe(config, process.env.LETSFLOW_API_TOKEN || undefined);
  out(`serve: listening on ${server.url} (ingest every ${config.ingestEverySeconds} s, aggregate every ${config.aggregateEverySeconds} s)\n`);
  if (!process.env.LETSFLOW_API_TOKEN) out('serve: LETSFLOW_API_TOKEN is not set, so the POST routes answer 401\n');
  await new Promise<void>((resolveSignal) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolveSignal());
  });
  out('serve: stopping — finishing the steps in flight\n');
  await server.stop();
  return 0;
};

export const commands: Record<CommandName, Command> = {
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
