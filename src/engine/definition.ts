import type { z } from 'zod';
import type { SummaryKind, TimedEvent } from '../core/summaryKind.js';
import type { LogFormat } from '../formats/logFormat.js';
import type { CacheStore } from '../sinks/cacheStore.js';

/** The cache namespaces a pipeline writes; see `pipelineNamespaces` for the defaults. */
export interface PipelineNamespaces {
  /** Per source object: its typed events, gzip NDJSON. */
  readonly raw: string;
  /** Per 30-minute window × object: the partial summary. */
  readonly consolidated: string;
  /** Per window of every period: the aggregate. */
  readonly aggregate: string;
  /** Per object: its commit record; also leases, change markers and the aggregate checkpoint. */
  readonly ledger: string;
  /** Parse errors, quarantined objects, poison messages. */
  readonly errors: string;
  /** Events that reached a window after it was final. */
  readonly late: string;
}

/** The namespaces of pipeline `name`: `sa-<name>-raw`, `sa-<name>-consolidated`, … */
export function pipelineNamespaces(name: string): PipelineNamespaces {
  return {
    raw: `sa-${name}-raw`,
    consolidated: `sa-${name}-consolidated`,
    aggregate: `sa-${name}-aggregate`,
    ledger: `sa-${name}-ledger`,
    errors: `sa-${name}-errors`,
    late: `sa-${name}-late-events`,
  };
}

/**
 * When a window may be called final. A 30-minute window is final once its end plus
 * `latenessMs` is behind the watermark and no pending object can still hold its events; the
 * watermark is the newest event time, capped at now plus `skewMs`, and at least now minus
 * `idleMs`, so an idle source's windows still settle.
 */
export interface FinalityPolicy {
  /** How long after a window's end its events may still arrive. */
  readonly latenessMs: number;
  /** How long a source may be silent before the wall clock moves the watermark on. */
  readonly idleMs: number;
  /** How far ahead of this machine's clock an event may be dated; later is `timestamp_in_future`. */
  readonly skewMs: number;
  /** Events older than this (before now minus it) are `timestamp_too_old`; none when absent. */
  readonly horizonMs?: number;
}

/** The options every format factory is given; a format takes what it understands. */
export interface FormatOptions {
  /** Keep viewer IPs (and like personal data) in events; off by default. */
  readonly keepClientIp: boolean;
  /** Keep cookies (sessions, tokens) in events; off (dropped) when absent. */
  readonly keepCookies?: boolean;
  /** How much of query strings to keep: `off` (null, when absent), `names` (parameter names only) or `whole`. */
  readonly queryStrings?: 'off' | 'names' | 'whole';
  /** A field list (a preset name or the names in order) for formats that name no columns. */
  readonly fields?: string | readonly string[];
}

/** A column of the pipeline's report table. */
export interface ReportColumn<S> {
  readonly header: string;
  readonly value: (summary: S) => string;
  /** Right-aligned (numbers). */
  readonly numeric?: boolean;
}

/** One line of a "top" list: a key with its count and, where the kind has them, bytes. */
export interface TopItem {
  readonly key: string;
  readonly count: number;
  readonly bytes?: number;
}

/** What the pipeline's report and API show. */
export interface PipelineViews<S> {
  readonly columns: readonly ReportColumn<S>[];
  /** The summary in one line, for the report's total. */
  readonly total: (summary: S) => string;
  /** The top keys of a summary (paths, keys, topics), for the report and `/top`. */
  readonly top?: {
    /** What the list is of, plural (`paths`): the report's heading and the API's field. */
    readonly label: string;
    /** What one key is (`path`): its field name in the API's answer. */
    readonly keyName: string;
    readonly items: (summary: S, limit: number) => TopItem[];
  };
  /** The figures of one window in a time series (JSON). */
  readonly point: (summary: S) => Record<string, unknown>;
}

/**
 * A pipeline: the formats it reads (by source type), the events they give, the summary kind
 * it aggregates them into, where it writes and when its windows are final. The engine runs
 * any definition; adding a pipeline is a definition plus one registry line.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { pipelineNamespaces, type LogFormat, type PipelineDefinition, type SummaryKind } from 'letsflow';
 * type Hit = { timestamp: number };
 * declare const hits: LogFormat<Hit>;
 * declare const count: SummaryKind<Hit, { n: number }>;
 * const definition: PipelineDefinition<Hit, { n: number }> = {
 *   name: 'hits', namespaces: pipelineNamespaces('hits'), formats: { hits: () => hits }, defaultFormat: 'hits',
 *   summary: count, events: z.object({ timestamp: z.number() }),
 *   finality: { latenessMs: 60_000, idleMs: 3_600_000, skewMs: 300_000 },
 *   views: { columns: [{ header: 'events', value: (s) => String(s.n), numeric: true }], total: (s) => `${s.n} events`, point: (s) => ({ events: s.n }) },
 * };
 * ```
 */
export interface PipelineDefinition<E extends TimedEvent = TimedEvent, S = unknown> {
  /** Names the pipeline in the CLI (`--pipeline`), the routes (`/api/sa/<name>/…`) and the registry. */
  readonly name: string;
  readonly namespaces: PipelineNamespaces;
  /** Source type → the format that reads it, e.g. `cloudfront-realtime`. */
  readonly formats: Readonly<Record<string, (options: FormatOptions) => LogFormat<E>>>;
  readonly defaultFormat: string;
  readonly summary: SummaryKind<E, S>;
  /** The schema of the stored raw events, read back by the consolidate step. */
  readonly events: z.ZodType<E>;
  /** The event fields the summary reads: all a run without raw events parses. All fields when absent. */
  readonly summaryFields?: ReadonlySet<string>;
  readonly finality: FinalityPolicy;
  readonly views: PipelineViews<S>;
}

/** A definition of any event and summary type, as registries and runtimes hold them. */
export type AnyPipeline = PipelineDefinition<any, any>;

/** What every LETS step needs: the pipeline, where to write, how to read, and what time it is. */
export interface StepContext<E extends TimedEvent = TimedEvent, S = unknown> {
  readonly pipeline: PipelineDefinition<E, S>;
  readonly store: CacheStore;
  readonly format: LogFormat<E>;
  /** Wall clock: `computed_at`, the future-event check and idle finality; injected so tests are repeatable. */
  readonly clock: () => Date;
  /** The pipeline's finality policy, as configured. */
  readonly finality: FinalityPolicy;
  /** Store every object's typed events (raw namespace); off parses only what aggregates need. */
  readonly keepRaw: boolean;
  readonly maxLineLength?: number;
  readonly maxDecodedBytes?: number;
  readonly maxCompressionRatio?: number;
}

/** A step context of any pipeline, as code that serves several (the event-driven dispatcher) takes them. */
export type AnyStepContext = StepContext<any, any>;

/**
 * A step context for a pipeline with its defaults: its default format, its finality policy,
 * raw events kept, the wall clock.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, memoryCacheStore, stepContextFor } from 'letsflow';
 * const ctx = stepContextFor(cloudfrontPipeline, memoryCacheStore(), { keepRaw: false });
 * ```
 */
export function stepContextFor<E extends TimedEvent, S>(
  pipeline: PipelineDefinition<E, S>,
  store: CacheStore,
  overrides: Partial<Omit<StepContext<E, S>, 'pipeline' | 'store'>> & { formatOptions?: FormatOptions } = {},
): StepContext<E, S> {
  const { formatOptions, ...rest } = overrides;
  const makeFormat = pipeline.formats[pipeline.defaultFormat];
  if (makeFormat === undefined) throw new Error(`pipeline ${pipeline.name}: its default format ${pipeline.defaultFormat} is not among its formats`);
  return {
    pipeline,
    store,
    format: makeFormat(formatOptions ?? { keepClientIp: false }),
    clock: () => new Date(),
    finality: pipeline.finality,
    keepRaw: true,
    ...rest,
  };
}

/** The part of a definition that readers of its outputs need: names, namespaces, summary kind, views, finality. */
export interface PipelineOutputs<S> {
  readonly name: string;
  readonly namespaces: PipelineNamespaces;
  readonly finality: FinalityPolicy;
  readonly summary: SummaryKind<never, S>;
  readonly views: PipelineViews<S>;
}

/** The least a step that only reads and writes documents needs: the store and where the pipeline's documents live. */
export interface StoreAndLayout {
  readonly store: CacheStore;
  readonly pipeline: { readonly namespaces: PipelineNamespaces };
}
