import { z } from 'zod';
import { PERIODS } from '../../core/periods.js';
import { SummaryJsonSchema } from '../../core/summary.js';
import type { CacheStore, EntryRef } from '../../sinks/cacheStore.js';

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

/** A window's stored aggregate: seed 001's aggregate-window shape plus the mergeable summary. */
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
    summary: SummaryJsonSchema,
  })
  .passthrough();
export type AggregateDoc = z.infer<typeof AggregateDocSchema>;

export const PartialDocSchema = z.object({ object: z.string(), object_id: z.string(), summary: SummaryJsonSchema }).passthrough();

/** Stored JSON is indented and ends with a newline, for people reading it in the cache. */
export function jsonBytes(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Reads and validates a JSON entry, or `undefined` when absent. */
export async function readJson<T>(store: CacheStore, ref: EntryRef, schema: z.ZodType<T>): Promise<T | undefined> {
  const bytes = await store.get(ref);
  if (bytes === undefined) return undefined;
  const text = Buffer.from(bytes).toString('utf8');
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`${ref.namespace}/${ref.key} is not a valid entry: ${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * Writes a JSON entry unless the stored one already says the same. Fields named in
 * `ignore` (such as `computed_at`) do not count as a change, so re-running a step over
 * unchanged inputs changes no byte in the store. Returns whether it wrote.
 */
export async function writeJsonIfChanged(store: CacheStore, ref: EntryRef, doc: Record<string, unknown>, ignore: readonly string[] = []): Promise<boolean> {
  const existing = await store.get(ref);
  if (existing !== undefined) {
    const old = JSON.parse(Buffer.from(existing).toString('utf8')) as Record<string, unknown>;
    const comparable = { ...doc };
    for (const field of ignore) if (field in old) comparable[field] = old[field];
    if (Buffer.from(existing).toString('utf8') === jsonBytes(comparable)) return false;
  }
  await store.put(ref, jsonBytes(doc));
  return true;
}
