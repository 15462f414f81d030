import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { cloudfrontRealtime } from '../../formats/cloudfrontRealtime.js';
import { cloudfrontStandard } from '../../formats/cloudfrontStandard.js';
import type { Period } from '../../core/periods.js';
import { aggregate } from '../../pipelines/cloudfront/aggregateStep.js';
import { consolidateObject } from '../../pipelines/cloudfront/consolidateStep.js';
import type { StepContext } from '../../pipelines/cloudfront/context.js';
import { writeDemoObjects } from '../../pipelines/cloudfront/demoData.js';
import { ingestObject } from '../../pipelines/cloudfront/ingest.js';
import { NAMESPACES } from '../../pipelines/cloudfront/layout.js';
import { listLedger, pendingObjects } from '../../pipelines/cloudfront/ledger.js';
import { runPipeline, type RunOutcome } from '../../pipelines/cloudfront/runPipeline.js';
import { fsCacheStore } from '../../sinks/fsCacheStore.js';
import { localObjects } from '../../sources/localObjects.js';
import { loadConfig, type Config } from '../config.js';
import { progressReporter } from './progress.js';
import { loadAggregates, renderReport } from './report.js';

export interface CommandInput {
  readonly flags: Record<string, unknown>;
  readonly configFile: string | undefined;
  readonly period: Period;
  readonly top: number;
  readonly demo: { readonly out: string | undefined; readonly seed: number; readonly days: number; readonly rate: number };
}

export type CommandName = 'start' | 'run' | 'ingest' | 'consolidate' | 'aggregate' | 'report' | 'demo';
type Command = (input: CommandInput) => Promise<number>;

const out = (text: string): void => {
  process.stdout.write(text);
};

function context(config: Config): StepContext {
  const fieldsOption = { fields: config.fields, keepClientIp: config.keepClientIp };
  return {
    store: fsCacheStore({ root: config.cache }),
    format: config.format === 'cloudfront-standard' ? cloudfrontStandard({ keepClientIp: config.keepClientIp }) : cloudfrontRealtime(fieldsOption),
    clock: () => new Date(),
    lateness: config.latenessMinutes * 60_000,
    keepRaw: config.keepRaw,
    maxLineLength: config.maxLineLength,
  };
}

async function listSource(config: Config) {
  if (!existsSync(config.source)) {
    throw new Error(`source folder ${resolve(config.source)} does not exist: run \`letsflow demo\` or pass --source`);
  }
  return localObjects(config.source, { prefix: config.prefix });
}

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

const run: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const objects = await listSource(config);
  const progress = progressReporter();
  const started = performance.now();
  const outcome = await runPipeline(objects, context(config), { onProgress: (p) => progress.update(p) });
  progress.done();
  return summarizeRun(outcome, (performance.now() - started) / 1000);
};

const ingest: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const ctx = { ...context(config), keepRaw: true };
  const pending = pendingObjects(await listSource(config), await listLedger(ctx.store));
  let quarantined = 0;
  for (const object of pending) if ((await ingestObject(object, ctx, { consolidate: false })).status === 'quarantined') quarantined++;
  out(`ingest: ${pending.length} objects ingested, ${quarantined} quarantined\n`);
  return quarantined > 0 ? 3 : 0;
};

const consolidate: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const ctx = context(config);
  const todo = (await listLedger(ctx.store)).filter((e) => e.status === 'done' && !e.consolidated);
  for (const entry of todo) await consolidateObject(entry, ctx);
  out(`consolidate: ${todo.length} objects consolidated\n`);
  return 0;
};

const aggregateCommand: Command = async (input) => {
  const config = await loadConfig(input.flags, process.env, input.configFile);
  const ctx = context(config);
  const ledger = await listLedger(ctx.store);
  const pending = existsSync(config.source) ? pendingObjects(await localObjects(config.source, { prefix: config.prefix }), ledger).length : 0;
  const outcome = await aggregate(ctx, ledger, { pending });
  out(`aggregate: ${outcome.windows} windows (${outcome.final} final, ${outcome.partial} partial), ${outcome.written} written` +
    (pending > 0 ? `; ${pending} objects still pending, so nothing new is final\n` : '\n'));
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

export const commands: Record<CommandName, Command> = {
  start,
  run,
  ingest,
  consolidate,
  aggregate: aggregateCommand,
  report,
  demo,
};
