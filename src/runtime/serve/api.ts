import { createHash, timingSafeEqual } from 'node:crypto';
import { parse as parsePath } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidKeyError, LetsflowError } from '../../core/errors.js';
import { parseTimeKey, PERIODS, type Period } from '../../core/periods.js';
import { mergeAllOf } from '../../core/summaryKind.js';
import type { AnyPipeline, FinalityPolicy } from '../../engine/definition.js';
import { readWindow, storedWindowsIn, windowsIn } from '../../engine/windowQueries.js';
import type { CacheStore, FileType } from '../../sinks/cacheStore.js';
import type { PipelineStatus } from '../pipelineService.js';
import type { StepScheduler } from './stepScheduler.js';
import { estimateDistinct } from '../../core/distinctSketch.js';
import { trafficSummary } from '../../pipelines/cloudfront/trafficKind.js';
import type { TrafficSummary } from '../../pipelines/cloudfront/trafficSummary.js';
import { BREAKDOWNS, breakdownNamed, SECTION_ALIASES, trafficBreakdown } from '../../pipelines/cloudfront/trafficViews.js';

export interface ApiOptions {
  readonly store: CacheStore;
  /** The pipeline served: its name is its routes' segment, `/api/sa/<name>/…`. */
  readonly pipeline: AnyPipeline;
  /** The finality policy as configured, for answering empty windows; the pipeline's by default. */
  readonly finality?: FinalityPolicy;
  readonly scheduler: StepScheduler;
  readonly status: () => Promise<PipelineStatus>;
  readonly metrics: { registry: { metrics(): Promise<string>; contentType: string } };
  /** Counts of event-driven ingest (messages, objects, routes), when it runs. */
  readonly events?: () => unknown;
  /** Bearer token for mutating routes and raw reads (cache entries and listings); without one they all answer 401. */
  readonly token: string | undefined;
  /**
   * Absolute local folders (the source folder, the cache root) and the placeholder each is
   * shown as, e.g. `{ path: '/srv/logs', as: '<source>' }`: no answer names where they are.
   */
  readonly redact?: readonly LocalRoot[];
}

/** A local folder an answer must not name, and what it names instead. */
export interface LocalRoot {
  readonly path: string;
  readonly as: string;
}

/** Request bodies are never needed: anything larger than this is refused before it is read. */
const BODY_LIMIT = 16 * 1024;
const MAX_LISTED = 1000;

const period = z.enum(PERIODS);
const rangeQuery = z
  .object({
    period: period.default('hourly'),
    from: z.string().optional().describe('first time key, inclusive (e.g. 2026-04-20 or 2026-04-20-14)'),
    to: z.string().optional().describe('last time key, inclusive'),
    limit: z.coerce.number().int().min(1).max(MAX_LISTED).default(20),
  })
  .strict();
const entryQuery = z.object({ namespace: z.string(), key: z.string(), type: z.enum(['json', 'binary']).default('json') }).strict();
const entriesQuery = z.object({ namespace: z.string(), prefix: z.string().default(''), type: z.enum(['json', 'binary']).default('json') }).strict();

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new HttpError(400, `invalid ${what}: ${result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`);
  return result.data;
}

// Digests have one length whatever was sent, so the comparison's time says nothing of the token, not even its length.
const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

/** The credentials of a `Bearer` authorization, whose scheme is case-insensitive (RFC 9110 §11.1). */
const bearerCredentials = (header: string): string | undefined => /^bearer +(\S+) *$/i.exec(header)?.[1];

/** How to configure a step that serve does not run, so a request for it can say what to do. */
const CONFIGURE_STEP: Readonly<Record<string, string>> = {
  archive: 'set --archive or LETSFLOW_ARCHIVE (where committed objects go) and restart serve',
};

/**
 * A function that replaces the given local folders in an answer by their placeholders: in
 * JSON text as JSON escapes them (a Windows path's backslashes are doubled), elsewhere as is.
 * A folder is replaced only where its name ends, so `/srv/logs` leaves `/srv/logs-old` alone;
 * a filesystem root (`/`, `C:\\`) is never a folder to replace, or every path would go.
 */
function localPathRedactor(roots: readonly LocalRoot[]): (text: string, json: boolean) => string {
  const usable = roots.filter((r) => r.path !== '' && parsePath(r.path).root !== r.path).sort((a, b) => b.path.length - a.path.length);
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = (text: string): RegExp => new RegExp(`${escape(text)}(?=$|[\\s/\\\\"'\`:;,()[\\]{}<>|])`, 'g');
  const raw = usable.map((r) => ({ pattern: pattern(r.path), as: r.as }));
  const json = usable.map((r) => ({ pattern: pattern(JSON.stringify(r.path).slice(1, -1)), as: r.as }));
  return (text, isJson) => (isJson ? json : raw).reduce((out, r) => out.replace(r.pattern, r.as), text);
}

/**
 * The REST API of `letsflow serve`, following seed 001's routes, for the pipeline served
 * (`/api/sa/<name>/…`): step triggers (POST, bearer token), status, aggregates by period and
 * time key, a time series and top keys over a range, cache browsing, health and Prometheus
 * metrics. The CloudFront pipeline also answers seed 001's `/api/sa/traffic/*`. A window
 * with no data is answered empty with the finality its time implies; a range reads the
 * windows in it, never every key. Inputs are validated with zod and answered with a clear
 * 4xx; log content is only ever returned JSON-encoded. Cache entries and listings (raw
 * events, ledger records) take the bearer token like the triggers; aggregates, series, top
 * keys, status, health and metrics stay open. No text answer names a `redact` folder. CloudFront
 * also answers `/breakdown?dimension=…` (browsers, referrers, 404s, countries, TLS, …) over a range.
 */
export function buildApi(options: ApiOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false });
  const { pipeline, store } = options;
  const answer = (limit?: number) => ({ finality: options.finality ?? pipeline.finality, ...(limit !== undefined && { limit }) });
  const base = `/api/sa/${pipeline.name}`;
  // Seed 001 named CloudFront's read routes after traffic; other pipelines read under their own name.
  const readBases = pipeline.name === 'cloudfront' ? [base, '/api/sa/traffic'] : [base];

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send({ error: error.message });
    if (error instanceof InvalidKeyError) return reply.code(400).send({ error: error.message });
    if (typeof error.statusCode === 'number' && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message });
    return reply.code(500).send({ error: error instanceof LetsflowError ? error.message : 'internal error' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const requireToken = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const given = bearerCredentials(request.headers.authorization ?? '');
    if (options.token === undefined || given === undefined || !sameSecret(given, options.token)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: options.token === undefined ? 'mutating routes and raw reads are disabled: set LETSFLOW_API_TOKEN' : 'missing or wrong bearer token' });
    }
  };

  // Every answer that is text (JSON, errors, metrics) goes through here; binary entries are the stored bytes.
  const redact = localPathRedactor(options.redact ?? []);
  app.addHook('onSend', async (_request, reply, payload) =>
    typeof payload === 'string' ? redact(payload, String(reply.getHeader('content-type') ?? '').includes('json')) : payload,
  );

  for (const step of ['ingest', 'consolidate', 'aggregate', 'archive']) {
    app.post(`${base}/${step}`, { preHandler: requireToken }, async (_request, reply) => {
      // The route exists for every step; one serve does not run is a conflict with its configuration.
      if (!options.scheduler.has(step)) throw new HttpError(409, `step ${step} is not configured${CONFIGURE_STEP[step] ? `: ${CONFIGURE_STEP[step]}` : ''}`);
      try {
        return { step, result: await options.scheduler.trigger(step) };
      } catch (error) {
        return reply.code(error instanceof LetsflowError && error.stage === 'config' ? 409 : 500).send({ step, error: (error as Error).message });
      }
    });
  }

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.header('content-type', options.metrics.registry.contentType).send(await options.metrics.registry.metrics()));
  app.get(`${base}/status`, async () => ({
    pipeline: await options.status(),
    steps: options.scheduler.status(),
    ...(options.events && { events: options.events() }),
  }));

  for (const read of readBases) {
    app.get(`${read}/aggregate/:period/:timeKey`, async (request) => {
      const params = parseWith(z.object({ period, timeKey: z.string() }), request.params, 'path');
      const start = parseTimeKey(params.period, params.timeKey);
      if (start === undefined) throw new HttpError(400, `'${params.timeKey}' is not a ${params.period} time key`);
      const window = await readWindow(store, pipeline, params.period, start, answer());
      return window.doc ?? { period: params.period, time_key: window.timeKey, status: window.status, stored: false, ...pipeline.summary.describe(window.summary) };
    });

    app.get(`${read}/timeseries`, async (request) => {
      const query = parseWith(rangeQuery, request.query, 'query');
      return (await windowsInRange(query.period, query.from, query.to)).map((w) => ({ time_key: w.timeKey, status: w.status, ...pipeline.views.point(w.summary) }));
    });

    // CloudFront's breakdowns (browsers, referrers, 404 paths, countries, TLS, …) over a range, merged from its windows' summaries.
    if (pipeline.summary.name === trafficSummary.name) {
      app.get(`${read}/breakdown`, async (request) => {
        const { dimension, ...range } = parseWith(rangeQuery.extend({ dimension: z.string().describe('a breakdown or alias, e.g. browsers, referrers, 404s') }), request.query, 'query');
        const name = breakdownNamed(dimension);
        if (name === undefined) throw new HttpError(400, `unknown dimension '${dimension}': use one of ${[...BREAKDOWNS, ...Object.keys(SECTION_ALIASES)].join(', ')}`);
        const windows = (await windowsInRange(range.period, range.from, range.to)).filter((w) => w.stored);
        const merged = mergeAllOf(trafficSummary, windows.map((w) => w.summary as TrafficSummary));
        return {
          period: range.period,
          ...(range.from !== undefined && { from: range.from }),
          ...(range.to !== undefined && { to: range.to }),
          windows: windows.length,
          requests: merged.requests,
          unique_visitors: estimateDistinct(merged.visitors),
          ...trafficBreakdown(merged, name, range.limit),
        };
      });
    }

    const top = pipeline.views.top;
    if (top) {
      app.get(`${read}/top${read === '/api/sa/traffic' ? '-paths' : ''}`, async (request) => {
        const query = parseWith(rangeQuery, request.query, 'query');
        const windows = (await windowsInRange(query.period, query.from, query.to)).filter((w) => w.stored);
        // Summaries are merged, never their readable views, so top keys over a range are as exact as the summaries.
        const merged = mergeAllOf(pipeline.summary, windows.map((w) => w.summary));
        const items = top.items(merged, query.limit).map(({ key, ...figures }) => ({ [top.keyName]: key, ...figures }));
        return { period: query.period, windows: windows.length, [top.label]: items };
      });
    }
  }

  app.get('/api/sa/cache/namespaces', async () =>
    Promise.all(Object.values(pipeline.namespaces).map(async (namespace) => ({ namespace, entries: (await store.list(namespace, 'json')).length + (await store.list(namespace, 'binary')).length }))),
  );

  // Entries hold raw events and ledger records, so reading them takes the token; the counts above stay open.
  app.get('/api/sa/cache/entries', { preHandler: requireToken }, async (request) => {
    const query = parseWith(entriesQuery, request.query, 'query');
    const keys = await options.store.list(query.namespace, query.type, query.prefix);
    return { namespace: query.namespace, type: query.type, keys: keys.slice(0, MAX_LISTED), truncated: keys.length > MAX_LISTED };
  });

  app.get('/api/sa/cache/entry', { preHandler: requireToken }, async (request, reply) => {
    const query = parseWith(entryQuery, request.query, 'query');
    const body = await options.store.get({ namespace: query.namespace, key: query.key, fileType: query.type as FileType });
    if (body === undefined) throw new HttpError(404, `no ${query.type} entry ${query.key} in ${query.namespace}`);
    // A JSON entry is sent as text, so the onSend hook takes local paths (a ledger's source folder) out of it.
    if (query.type === 'json') return reply.header('content-type', 'application/json; charset=utf-8').send(Buffer.from(body).toString('utf8'));
    return reply.header('content-type', 'application/octet-stream').send(Buffer.from(body));
  });

  /**
   * The windows of a range, empty ones answered (at most MAX_LISTED); without a range, the
   * stored windows of the period — those with data — as before there were empty answers.
   */
  async function windowsInRange(p: Period, from: string | undefined, to: string | undefined) {
    const bound = (name: string, key: string | undefined): number | undefined => {
      if (key === undefined) return undefined;
      const start = parseTimeKey(p, key);
      if (start === undefined) throw new HttpError(400, `${name} '${key}' is not a ${p} time key`);
      return start;
    };
    const first = bound('from', from);
    const last = bound('to', to);
    if (first !== undefined && last !== undefined && first > last) throw new HttpError(400, `from '${from}' is after to '${to}'`);
    try {
      if (first === undefined && last === undefined) {
        const stored = await storedWindowsIn(store, pipeline, p, -Infinity, Infinity);
        if (stored.length > MAX_LISTED) throw new RangeError(`${stored.length} ${p} windows stored; give from and to to narrow it to ${MAX_LISTED} or fewer`);
        return stored.map((doc) => ({ timeKey: doc.time_key, status: doc.status, stored: true, summary: pipeline.summary.fromJson(doc.summary) }));
      }
      const storedBounds = first === undefined || last === undefined ? await storedWindowsIn(store, pipeline, p, first ?? -Infinity, last ?? Infinity) : [];
      const starts = storedBounds.map((d) => parseTimeKey(p, d.time_key)!);
      return await windowsIn(store, pipeline, p, first ?? Math.min(last!, ...starts), last ?? Math.max(first!, ...starts), answer(MAX_LISTED));
    } catch (error) {
      if (error instanceof RangeError) throw new HttpError(400, error.message);
      throw error;
    }
  }

  return app;
}
