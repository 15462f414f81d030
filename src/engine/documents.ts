import { z } from 'zod';
import { PERIODS } from '../core/periods.js';
import { PreconditionFailedError } from '../core/errors.js';
import type { CacheStore, EntryRef } from '../sinks/cacheStore.js';

/** The ledger entry of a source object: its commit record, written last. */
export const LedgerEntrySchema = z
  .object({
    object: z.object({ source: z.enum(['file', 's3']), container: z.string(), key: z.string(), etag: z.string(), size: z.number() }).strict(),
    name: z.string().describe('display name of the object'),
    status: z.enum(['done', 'quarantined']),
    consolidated: z.boolean().describe('its 30-minute partials are written'),
    lines: z.number().int().nonnegative(),
    events: z.number().int().nonnegative(),
    parse_errors: z.number().int().nonnegative(),
    headers: z.number().int().nonnegative(),
    blank: z.number().int().nonnegative(),
    min_event_time: z.number().nullable().describe('epoch ms'),
    max_event_time: z.number().nullable().describe('epoch ms'),
    windows: z.record(z.string(), z.number().int().nonnegative()).describe('30-minute time key → events'),
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
  })
  .strict();
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** A window's stored aggregate: seed 001's aggregate-window shape plus the mergeable summary (the pipeline's kind reads it). */
export const AggregateDocSchema = z
  .object({
    period: z.enum(PERIODS),
    time_key: z.string(),
    status: z.enum(['partial', 'final']),
    computed_at: z.string(),
    period_start: z.string(),
    period_end: z.string(),
    source_count: z.number().int().nonnegative(),
    sources_final: z.boolean(),
    sources: z.array(z.string()),
    summary: z.unknown(),
  })
  .passthrough();
export type AggregateDoc = z.infer<typeof AggregateDocSchema>;

export const PartialDocSchema = z.object({ object: z.string(), object_id: z.string(), summary: z.unknown() }).passthrough();

/** Stored JSON is indented and ends with a newline, for people reading it in the cache. */
export function jsonBytes(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A JSON entry as read: its parsed value, its exact text and its store version. */
export interface StoredJson<T> {
  readonly value: T;
  readonly text: string;
  readonly version: string;
}

/** Reads and validates a JSON entry with its version, or `undefined` when absent. */
export async function readStoredJson<T>(store: CacheStore, ref: EntryRef, schema: z.ZodType<T>): Promise<StoredJson<T> | undefined> {
  const entry = await store.getVersioned(ref);
  if (entry === undefined) return undefined;
  const text = Buffer.from(entry.body).toString('utf8');
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`${ref.namespace}/${ref.key} is not a valid entry: ${z.prettifyError(result.error)}`);
  return { value: result.data, text, version: entry.version };
}

/** Reads and validates a JSON entry, or `undefined` when absent. */
export async function readJson<T>(store: CacheStore, ref: EntryRef, schema: z.ZodType<T>): Promise<T | undefined> {
  return (await readStoredJson(store, ref, schema))?.value;
}

/**
 * Writes a JSON entry unless `basis` — what the caller read and decided on — already says
 * the same. Fields named in `ignore` (such as `computed_at`) do not count as a change, so a
 * re-run over unchanged inputs changes no byte. The write is conditional on `basis`'s version
 * (or on absence), so a concurrent worker's write since then — a window turned final — is
 * never overwritten with an older view. Says whether it wrote, found nothing to change, or
 * lost to a concurrent writer (whose entry then stands).
 */
export async function writeJsonIfChanged(
  store: CacheStore,
  ref: EntryRef,
  doc: Record<string, unknown>,
  basis: StoredJson<unknown> | undefined,
  ignore: readonly string[] = [],
): Promise<'written' | 'unchanged' | 'conflict'> {
  if (basis !== undefined) {
    const old = JSON.parse(basis.text) as Record<string, unknown>;
    const comparable = { ...doc };
    for (const field of ignore) if (field in old) comparable[field] = old[field];
    if (basis.text === jsonBytes(comparable)) return 'unchanged';
  }
  try {
    await store.putIf(ref, jsonBytes(doc), basis ? { ifMatch: basis.version } : { ifNoneMatch: '*' });
    return 'written';
  } catch (error) {
    if (error instanceof PreconditionFailedError) return 'conflict';
    throw error;
  }
}
