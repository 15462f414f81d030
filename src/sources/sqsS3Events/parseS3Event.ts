import { z } from 'zod';

/**
 * One S3 object an `ObjectCreated` notification names: what the event says of it, with the key
 * decoded. `size` and `eTag` are absent when the event did not carry them (some S3-compatible
 * stores leave the ETag out of copy events); whoever reads the object then asks S3.
 */
export interface S3ObjectRef {
  readonly bucket: string;
  /** The object key, decoded (`a+b%2Bc.gz` in the event is `a b+c.gz`). */
  readonly key: string;
  readonly size: number | undefined;
  /** The ETag without quotes, as notified. */
  readonly eTag: string | undefined;
  /** Such as `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`. */
  readonly eventName: string;
  /** When S3 saw the write, epoch ms; `undefined` when the event has no valid `eventTime`. */
  readonly eventTime: number | undefined;
  readonly versionId?: string;
  /** Orders events of one key: a larger sequencer (compared as hex, padded) is a later write. */
  readonly sequencer?: string;
}

/** A record the event held that names no object to process, and why. */
export interface IgnoredRecord {
  /** `test_event`: the `s3:TestEvent` S3 sends when a notification is configured; `not_object_created`: another event type. */
  readonly reason: 'test_event' | 'not_object_created';
  readonly eventName: string;
}

/**
 * What a message body says: the objects to process and the records left out, or, when the body
 * is no S3 event at all, that it is poison and why. `objects` may be empty (a test event).
 */
export type S3EventContent =
  | { readonly kind: 'objects'; readonly objects: readonly S3ObjectRef[]; readonly ignored: readonly IgnoredRecord[] }
  | { readonly kind: 'poison'; readonly reason: string };

// AWS's record shape (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html);
// extra fields are allowed, since S3 adds some over time (eventVersion 2.1 → 2.3).
const S3RecordSchema = z.object({
  eventSource: z.string().optional(),
  eventName: z.string(),
  eventTime: z.string().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
const S3EventSchema = z.object({ Records: z.array(z.unknown()) });

/**
 * Decodes an object key as S3 event notifications encode it: the form encoding of
 * `application/x-www-form-urlencoded`, where a space is `+` and everything else unsafe is
 * percent-encoded. `+` must become a space before percent-decoding, or a literal `+` (sent as
 * `%2B`) would turn into a space too.
 *
 * @example
 * ```ts
 * import { decodeS3Key } from 'letsflow';
 * decodeS3Key('logs/a+b%2Bc.gz'); // 'logs/a b+c.gz'
 * ```
 * @param encoded the key as the event carries it
 * @returns the key, or `undefined` when the percent-encoding is malformed
 */
export function decodeS3Key(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

const describeValue = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

/**
 * Reads an SQS message body (or a parsed object) as an S3 event notification and returns the
 * objects it names.
 *
 * `ObjectCreated:*` records become object references, keys decoded as by {@link decodeS3Key}.
 * The `s3:TestEvent` S3 sends when a notification is set up, and records of other event types
 * (`ObjectRemoved:*`, `ObjectRestore:*`, …), are listed in `ignored`, never processed. An S3
 * event delivered through SNS (an SNS `Notification` envelope, raw delivery off) is unwrapped.
 * Anything else — not JSON, no `Records`, a record without bucket or key, a key that is not
 * valid percent-encoding — makes the whole body poison, with a reason that says what is wrong:
 * such a message can never succeed, and retrying it only delays the dead-letter queue. Pure: no
 * I/O, never throws.
 *
 * @example
 * ```ts
 * import { parseS3Event } from 'letsflow';
 * const content = parseS3Event(message.Body ?? '');
 * if (content.kind === 'poison') console.error(content.reason);
 * else for (const ref of content.objects) console.log(ref.bucket, ref.key);
 * ```
 * @param body the message body text, or an already parsed event (a direct S3 → Lambda event)
 * @returns the objects and ignored records, or `{ kind: 'poison', reason }`
 * @see sourceTypeRouter
 * @see sqsS3Consumer
 */
export function parseS3Event(body: unknown): S3EventContent {
  let event: unknown = body;
  if (typeof body === 'string') {
    try {
      event = JSON.parse(body);
    } catch (error) {
      return { kind: 'poison', reason: `not_s3_event: the body is not JSON (${(error as Error).message}): ${describeValue(body)}` };
    }
  }
  if (typeof event !== 'object' || event === null) return { kind: 'poison', reason: `not_s3_event: the body is ${describeValue(event)}, not an S3 event object` };
  const envelope = event as Record<string, unknown>;
  // S3 → SNS → SQS without raw delivery: the S3 event is the SNS Message, as text.
  if (envelope.Type === 'Notification' && typeof envelope.Message === 'string' && !('Records' in envelope)) return parseS3Event(envelope.Message);
  if (envelope.Event === 's3:TestEvent') return { kind: 'objects', objects: [], ignored: [{ reason: 'test_event', eventName: 's3:TestEvent' }] };

  const parsed = S3EventSchema.safeParse(event);
  if (!parsed.success) {
    const keys = Object.keys(envelope).slice(0, 8).join(', ');
    return { kind: 'poison', reason: `not_s3_event: no Records array (an S3 event notification has one); the body has keys [${keys}]` };
  }
  const objects: S3ObjectRef[] = [];
  const ignored: IgnoredRecord[] = [];
  for (const [index, raw] of parsed.data.Records.entries()) {
    const eventName = typeof (raw as { eventName?: unknown } | null)?.eventName === 'string' ? (raw as { eventName: string }).eventName : '';
    if (eventName !== '' && !/^(s3:)?ObjectCreated:/.test(eventName)) {
      ignored.push({ reason: 'not_object_created', eventName });
      continue;
    }
    const record = S3RecordSchema.safeParse(raw);
    if (!record.success) {
      const problems = record.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; ');
      return { kind: 'poison', reason: `s3_record_invalid: Records[${index}] is not an S3 ObjectCreated record (${problems})` };
    }
    const { s3, eventTime } = record.data;
    const key = decodeS3Key(s3.object.key);
    if (key === undefined) return { kind: 'poison', reason: `s3_key_invalid: Records[${index}] key ${JSON.stringify(s3.object.key)} is not valid percent-encoding` };
    const time = eventTime === undefined ? Number.NaN : Date.parse(eventTime);
    objects.push({
      bucket: s3.bucket.name,
      key,
      size: s3.object.size,
      eTag: s3.object.eTag === undefined || s3.object.eTag === '' ? undefined : s3.object.eTag.replace(/^"(.*)"$/, '$1'),
      eventName: record.data.eventName,
      eventTime: Number.isFinite(time) ? time : undefined,
      ...(s3.object.versionId !== undefined && { versionId: s3.object.versionId }),
      ...(s3.object.sequencer !== undefined && { sequencer: s3.object.sequencer }),
    });
  }
  return { kind: 'objects', objects, ignored };
}
