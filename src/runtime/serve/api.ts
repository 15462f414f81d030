import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeSummary } from '../../core/describeSummary.js';
import { InvalidKeyError, LetsflowError } from '../../core/errors.js';
import { parseTimeKey, PERIODS, type Period } from '../../core/periods.js';
import { mergeAll, summaryFromJson } from '../../core/summary.js';
import { AggregateDocSchema, readJson } from '../../pipelines/cloudfront/documents.js';
import { NAMESPACES, refs } from '../../pipelines/cloudfront/layout.js';
import type { CacheStore, FileType } from '../../sinks/cacheStore.js';
import type { PipelineStatus } from '../cloudfrontService.js';
import type { StepScheduler } from './stepScheduler.js';

export interface ApiOptions {
  readonly store: CacheStore;
  readonly scheduler: StepScheduler;
  readonly status: () => Promise<PipelineStatus>;
  readonly metrics: { registry: { metrics(): Promise<string>; contentType: string } };
  /** Counts of event-driven ingest (messages, objects, routes), when it runs. */
  readonly events?: () => unknown;
  /** Bearer token for mutating routes; without one they all answer 401. */
  readonly token: string | undefined;
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

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The REST API of `letsflow serve`, following seed 001's routes: step triggers (POST, bearer
 * token), status, aggregates by period and time key, a time series and top paths over a
 * range, cache browsing, health and Prometheus metrics. Inputs are validated with zod and
 * answered with a clear 4xx; log content is only ever returned JSON-encoded.
 */
export function buildApi(options: ApiOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send({ error: error.message });
    if (error instanceof InvalidKeyError) return reply.code(400).send({ error: error.message });
    if (typeof error.statusCode === 'number' && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message });
    return reply.code(500).send({ error: error instanceof LetsflowError ? error.message : 'internal error' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const requireToken = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (options.token === undefined || !sameSecret(given, options.token)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: options.token === undefined ? 'mutating routes are disabled: set LETSFLOW_API_TOKEN' : 'missing or wrong bearer token' });
    }
  };

  for (const step of ['ingest', 'consolidate', 'aggregate', 'archive']) {
    app.post(`/api/sa/cloudfront/${step}`, { preHandler: requireToken }, async (_request, reply) => {
      if (!options.scheduler.has(step)) throw new HttpError(404, `step ${step} is not configured`);
      try {
        return { step, result: await options.scheduler.trigger(step) };
      } catch (error) {
        return reply.code(error instanceof LetsflowError && error.stage === 'config' ? 409 : 500).send({ step, error: (error as Error).message });
      }
    });
  }

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.header('content-type', options.metrics.registry.contentType).send(await options.metrics.registry.metrics()));
  app.get('/api/sa/cloudfront/status', async () => ({
    pipeline: await options.status(),
    steps: options.scheduler.status(),
    ...(options.events && { events: options.events() }),
  }));

  app.get('/api/sa/traffic/aggregate/:period/:timeKey', async (request) => {
    const params = parseWith(z.object({ period, timeKey: z.string() }), request.params, 'path');
    const start = parseTimeKey(params.period, params.timeKey);
    if (start === undefined) throw new HttpError(400, `'${params.timeKey}' is not a ${params.period} time key`);
    const doc = await readJson(options.store, refs.aggregate(params.period, start), AggregateDocSchema);
    if (!doc) throw new HttpError(404, `no ${params.period} aggregate for ${params.timeKey} yet`);
    return doc;
  });

  app.get('/api/sa/traffic/timeseries', async (request) => {
    const query = parseWith(rangeQuery, request.query, 'query');
    return (await aggregatesIn(options.store, query.period, query.from, query.to)).map((doc) => {
      const view = describeSummary(summaryFromJson(doc.summary));
      return {
        time_key: doc.time_key,
        status: doc.status,
        total_requests: view.total_requests,
        total_bytes: view.total_bytes,
        status_breakdown: view.status_breakdown,
        cache_hit_rate: view.cache_hit_rate,
        time_taken_p95: view.time_taken.p95,
      };
    });
  });

  app.get('/api/sa/traffic/top-paths', async (request) => {
    const query = parseWith(rangeQuery, request.query, 'query');
    const docs = await aggregatesIn(options.store, query.period, query.from, query.to);
    // Summaries are merged, never their readable views, so top paths over a range are exact.
    const merged = mergeAll(docs.map((d) => summaryFromJson(d.summary)));
    const paths = [...merged.paths.entries()].sort(([pa, a], [pb, b]) => b.count - a.count || (pa < pb ? -1 : 1)).slice(0, query.limit);
    return { period: query.period, windows: docs.length, paths: paths.map(([path, s]) => ({ path, count: s.count, bytes: s.bytes })) };
  });

  app.get('/api/sa/cache/namespaces', async () =>
    Promise.all(Object.values(NAMESPACES).map(async (namespace) => ({ namespace, entries: (await options.store.list(namespace, 'json')).length + (await options.store.list(namespace, 'binary')).length }))),
  );

  app.get('/api/sa/cache/entries', async (request) => {
    const query = parseWith(entriesQuery, request.query, 'query');
    const keys = await options.store.list(query.namespace, query.type, query.prefix);
    return { namespace: query.namespace, type: query.type, keys: keys.slice(0, MAX_LISTED), truncated: keys.length > MAX_LISTED };
  });

  app.get('/api/sa/cache/entry', async (request, reply) => {
    const query = parseWith(entryQuery, request.query, 'query');
    const body = await options.store.get({ namespace: query.namespace, key: query.key, fileType: query.type as FileType });
    if (body === undefined) throw new HttpError(404, `no ${query.type} entry ${query.key} in ${query.namespace}`);
    return reply.header('content-type', query.type === 'json' ? 'application/json; charset=utf-8' : 'application/octet-stream').send(Buffer.from(body));
  });

  return app;
}

async function aggregatesIn(store: CacheStore, p: Period, from: string | undefined, to: string | undefined) {
  for (const [name, key] of [['from', from], ['to', to]] as const) {
    if (key !== undefined && parseTimeKey(p, key) === undefined) throw new HttpError(400, `${name} '${key}' is not a ${p} time key`);
  }
  const keys = (await store.list(NAMESPACES.aggregate, 'json', `${p}/`)).filter((k) => {
    const timeKey = k.slice(p.length + 1);
    return (from === undefined || timeKey >= from) && (to === undefined || timeKey <= to);
  });
  if (keys.length > MAX_LISTED) throw new HttpError(400, `${keys.length} ${p} windows in that range; narrow it to ${MAX_LISTED} or fewer`);
  const docs = [];
  for (const key of keys) {
    const doc = await readJson(store, { namespace: NAMESPACES.aggregate, key, fileType: 'json' }, AggregateDocSchema);
    if (doc) docs.push(doc);
  }
  return docs;
}
