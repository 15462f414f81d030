import { z } from 'zod';

/**
 * One Amazon S3 server access log record, with real types: numbers as numbers, the time as
 * epoch milliseconds (UTC, when the request was received), `-` as `null`, the key URL-decoded
 * (`+` as a space, in keys only). The operation is split into its kind (`REST`, `SOAP`,
 * `WEBSITE`, `BATCH`, `S3`), method and resource. Fields a line did not carry (a record of an
 * older, shorter layout) are absent; trailing tokens letsflow has no name for are kept in
 * `extra`. The remote IP and the requester are personal data: kept only when configured.
 */
export const S3AccessEventSchema = z
  .object({
    timestamp: z.number().int().describe('epoch milliseconds, UTC: when the request was received'),
    bucket_owner: z.string().nullable(),
    bucket: z.string().nullable(),
    remote_ip: z.string().nullable().optional().describe('kept only when configured'),
    requester: z.string().nullable().optional().describe('canonical id, ARN or service principal; kept only when configured'),
    request_id: z.string().nullable(),
    operation: z.string().nullable().describe('as logged, e.g. REST.GET.OBJECT'),
    operation_kind: z.string().nullable().describe('REST, SOAP, WEBSITE, BATCH or S3'),
    operation_method: z.string().nullable().describe('GET, PUT, COPY, DELETE, EXPIRE, …'),
    operation_resource: z.string().nullable().describe('OBJECT, BUCKET, PART, OBJECT_GET, …'),
    key: z.string().nullable().describe('object key, URL-decoded'),
    request_uri: z.string().nullable().describe('"METHOD /path?query HTTP/1.1" without the quotes'),
    http_status: z.number().int().min(0).max(999).nullable(),
    error_code: z.string().nullable(),
    bytes_sent: z.number().int().nonnegative().describe('`-` means zero'),
    object_size: z.number().int().nonnegative().nullable(),
    total_time_ms: z.number().int().nonnegative().nullable(),
    turn_around_time_ms: z.number().int().nonnegative().nullable(),
    referer: z.string().nullable(),
    user_agent: z.string().nullable(),
    version_id: z.string().nullable(),
    host_id: z.string().nullable().optional(),
    signature_version: z.string().nullable().optional(),
    cipher_suite: z.string().nullable().optional(),
    authentication_type: z.string().nullable().optional(),
    host_header: z.string().nullable().optional(),
    tls_version: z.string().nullable().optional(),
    access_point_arn: z.string().nullable().optional(),
    acl_required: z.boolean().nullable().optional().describe('`Yes` → true, `-` → null'),
    source_region: z.string().nullable().optional(),
    extra: z.array(z.string()).optional().describe('trailing tokens after the known fields, as logged'),
  })
  .strict();

export type S3AccessEvent = z.infer<typeof S3AccessEventSchema>;
