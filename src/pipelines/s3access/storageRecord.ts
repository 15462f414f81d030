import { createHash } from 'node:crypto';
import { z } from 'zod';
import { distinctCode } from '../../core/distinctSketch.js';
import { truncateKey } from '../../core/topKeys.js';
import type { S3AccessEvent } from '../../formats/s3access/event.js';

/**
 * What one access-log record contributes to a storage summary: the figures the summary reads,
 * and nothing else. The requester is kept only as its HyperLogLog code (register index and
 * rank, 18 bits: no requester can be read back from it); keys are cut to `MAX_KEY_CHARS`.
 * A summary holds these for the records it can still de-duplicate (see `StorageSummary`).
 */
export interface StorageRecord {
  readonly operation: string | null;
  readonly status: number | null;
  readonly error: string | null;
  readonly bytes: number;
  readonly size: number | null;
  readonly totalMs: number | null;
  readonly turnAroundMs: number | null;
  readonly key: string | null;
  /** `distinctCode(requester)`, or `null` when the line had none (or the format did not keep it). */
  readonly requester: number | null;
  readonly auth: string | null;
  readonly signature: string | null;
  /** Normalised to `TLSv1.2` whatever the case logged (`TLSV1.2` in AWS's examples, `TLSv1.2` in real lines). */
  readonly tls: string | null;
}

/** The width of the slot a record's id can repeat in: its 30-minute window (the id holds its time). */
export const SLOT_MS = 30 * 60_000;

export const slotOf = (timestamp: number): number => timestamp - (((timestamp % SLOT_MS) + SLOT_MS) % SLOT_MS);

/**
 * A record's identity for de-duplication: a 96-bit digest of `(bucket, request_id, operation,
 * key, time)`. The operation is part of it because a copy's two records can share a request id
 * (formats.md §3.2); the time because a request id is not unique over time. Digests, not the
 * fields, so a summary's ids have a fixed size whatever the keys.
 */
export function recordIdOf(event: S3AccessEvent): string {
  return createHash('sha1')
    .update(`${event.bucket ?? '-'}\u0000${event.request_id ?? '-'}\u0000${event.operation ?? '-'}\u0000${event.key ?? '-'}\u0000${event.timestamp}`)
    .digest('base64url')
    .slice(0, 16);
}

const tlsOf = (tls: string | null | undefined): string | null => (tls ? tls.replace(/^tlsv/i, 'TLSv') : null);

/** The record of an event (fields a selective parse left out count as absent); `requesterCode` maps a requester to its sketch code (callers memoise it). */
export function storageRecordOf(event: S3AccessEvent, requesterCode: (requester: string) => number = distinctCode): StorageRecord {
  return {
    operation: event.operation ?? null,
    status: event.http_status ?? null,
    error: event.error_code ?? null,
    bytes: event.bytes_sent ?? 0,
    size: event.object_size ?? null,
    totalMs: event.total_time_ms ?? null,
    turnAroundMs: event.turn_around_time_ms ?? null,
    key: event.key == null ? null : truncateKey(event.key),
    requester: event.requester ? requesterCode(event.requester) : null,
    auth: event.authentication_type ?? null,
    signature: event.signature_version ?? null,
    tls: tlsOf(event.tls_version),
  };
}

/** The source side of a copy (`REST.COPY.OBJECT_GET`, `REST.COPY.PART_GET`): S3 logs it beside the copy itself. */
export const isCopySource = (operation: string | null): boolean => operation !== null && operation.startsWith('REST.COPY.') && operation.endsWith('_GET');
/** The copy itself (`REST.COPY.OBJECT`, `REST.COPY.PART`): what a copy is counted by. */
export const isCopy = (operation: string | null): boolean => operation !== null && operation.startsWith('REST.COPY.') && !operation.endsWith('_GET');

/** The stored form, fields in a fixed order so equal records serialise to equal bytes. */
export function storageRecordToJson(r: StorageRecord) {
  return {
    operation: r.operation,
    status: r.status,
    error: r.error,
    bytes: r.bytes,
    size: r.size,
    total_ms: r.totalMs,
    turn_around_ms: r.turnAroundMs,
    key: r.key,
    requester: r.requester,
    auth: r.auth,
    signature: r.signature,
    tls: r.tls,
  };
}

const nat = z.number().int().nonnegative();
export const StorageRecordJsonSchema = z
  .object({
    operation: z.string().nullable(),
    status: z.number().int().min(0).max(999).nullable(),
    error: z.string().nullable(),
    bytes: nat,
    size: nat.nullable(),
    total_ms: nat.nullable(),
    turn_around_ms: nat.nullable(),
    key: z.string().nullable(),
    requester: nat.nullable(),
    auth: z.string().nullable(),
    signature: z.string().nullable(),
    tls: z.string().nullable(),
  })
  .strict();

export function storageRecordFromJson(json: unknown): StorageRecord {
  const j = StorageRecordJsonSchema.parse(json);
  return {
    operation: j.operation, status: j.status, error: j.error, bytes: j.bytes, size: j.size, totalMs: j.total_ms,
    turnAroundMs: j.turn_around_ms, key: j.key, requester: j.requester, auth: j.auth, signature: j.signature, tls: j.tls,
  };
}
