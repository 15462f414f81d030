import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ConfigError, LetsflowError, type ErrorStage } from '../core/errors.js';

/**
 * The S3 client letsflow's S3 source and store use, and how their failures become one clear
 * line. Internal: shared by `s3Objects` and `s3CacheStore`.
 */

export const S3ClientOptionsSchema = z
  .object({
    region: z.string().min(1).optional().describe('AWS region of the bucket; the SDK default chain (AWS_REGION, profile) when absent'),
    endpoint: z.url().optional().describe('an S3-compatible endpoint such as http://127.0.0.1:9000; AWS when absent'),
    forcePathStyle: z.boolean().optional().describe('address buckets as /bucket/key (emulators); defaults to true with an endpoint, false without'),
  })
  .strict()
  .describe('how to reach S3; credentials always come from the SDK default chain and are never part of the configuration');

export type S3ClientOptions = z.input<typeof S3ClientOptionsSchema>;

/**
 * Builds an S3 client for letsflow: the SDK's default credential chain, and, for a custom
 * endpoint (an emulator or an S3-compatible store), path-style addressing and checksums only
 * where S3 requires them, since several emulators store the aws-chunked framing of a checksummed
 * streaming upload as the object's bytes.
 *
 * @example
 * ```ts
 * import { s3Client, s3Objects } from 'letsflow';
 * const client = s3Client({ region: 'eu-west-1' });
 * const objects = await s3Objects({ bucket: 'my-logs', prefix: 'cloudfront/', client });
 * ```
 * @param options region, endpoint and addressing
 * @returns an S3Client
 * @throws ConfigError when the options are invalid
 */
export function s3Client(options: S3ClientOptions = {}): S3Client {
  const parsed = S3ClientOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(`s3Client: invalid options: ${z.prettifyError(parsed.error)}`);
  const { region, endpoint, forcePathStyle } = parsed.data;
  return new S3Client({
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined
      ? { forcePathStyle: forcePathStyle ?? false }
      : { endpoint, forcePathStyle: forcePathStyle ?? true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
  });
}

/** What an S3 failure was about, for its message. */
export interface S3Target {
  readonly bucket: string;
  /** The object key or listing prefix. */
  readonly key?: string;
  /** The S3 API operation (`GetObject`, `ListObjectsV2`, …); names the IAM action to grant. */
  readonly operation: string;
  readonly client: S3Client;
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly Region?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
  readonly $response?: { readonly headers?: Record<string, string | undefined> };
}

const shape = (error: unknown): SdkErrorShape => (typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {});

/** The S3 error code (`NoSuchKey`, `PreconditionFailed`, …), or the error's name. */
export const s3ErrorName = (error: unknown): string => String(shape(error).name ?? '');

/** The HTTP status of an S3 response error, when there was a response. */
export const s3HttpStatus = (error: unknown): number | undefined => shape(error).$metadata?.httpStatusCode;

/** Whether a GetObject/HeadObject failed because the key does not exist (not the bucket). */
export const isMissingKey = (error: unknown): boolean => ['NoSuchKey', 'NotFound'].includes(s3ErrorName(error));

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TimeoutError',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** Whether retrying the same request later may succeed: throttling, 5xx, a dropped or refused connection. */
export function isTransientS3Error(error: unknown): boolean {
  const { code, message, $retryable } = shape(error);
  const status = s3HttpStatus(error);
  return (
    $retryable !== undefined ||
    TRANSIENT_NAMES.has(s3ErrorName(error)) ||
    (typeof code === 'string' && TRANSIENT_CODES.has(code)) ||
    message === 'aborted' ||
    status === 429 ||
    (status !== undefined && status >= 500)
  );
}

/**
 * The cause to attach to a letsflow error: the S3 code, message, status and request id only.
 * SDK errors carry more (for SignatureDoesNotMatch, the access key id and the string to sign),
 * which must not reach logs.
 */
export function sanitizedCause(error: unknown): Error {
  const { message } = shape(error);
  const status = s3HttpStatus(error);
  const requestId = shape(error).$metadata?.requestId;
  const details = [status === undefined ? undefined : `HTTP ${status}`, requestId === undefined ? undefined : `request id ${requestId}`].filter(Boolean);
  const cause = new Error(`${typeof message === 'string' ? message : String(error)}${details.length > 0 ? ` (${details.join(', ')})` : ''}`);
  cause.name = s3ErrorName(error) || 'Error';
  return cause;
}

const CREDENTIAL_ERRORS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'CredentialsProviderError']);

const IAM_ACTIONS: Readonly<Record<string, string>> = {
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  CopyObject: 's3:GetObject and s3:PutObject',
  DeleteObject: 's3:DeleteObject',
  ListObjectsV2: 's3:ListBucket',
};

/**
 * Turns an S3 failure that needs a configuration fix into one clear LetsflowError line: a
 * missing bucket (`s3_bucket_missing`), access denied (`s3_access_denied`), a bucket in another
 * region (`s3_wrong_region`), refused credentials (`s3_credentials_invalid`). Returns
 * `undefined` for any other failure. Never includes credentials.
 */
export async function s3ConfigurationError(error: unknown, target: S3Target, stage: ErrorStage): Promise<LetsflowError | undefined> {
  const name = s3ErrorName(error);
  const status = s3HttpStatus(error);
  const where = target.key === undefined ? `s3://${target.bucket}` : `s3://${target.bucket}/${target.key}`;
  const options = { cause: sanitizedCause(error) };
  if (name === 'NoSuchBucket') {
    return new LetsflowError('s3_bucket_missing', stage, `${where}: bucket ${target.bucket} does not exist (NoSuchBucket): create it, or correct the bucket name`, options);
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) {
    const headerRegion = shape(error).$response?.headers?.['x-amz-bucket-region'];
    const bodyRegion = shape(error).Region;
    const bucketRegion = headerRegion ?? (typeof bodyRegion === 'string' ? bodyRegion : undefined);
    const clientRegion = await target.client.config.region().catch(() => undefined);
    const fix = bucketRegion === undefined ? 'set the region the bucket was created in' : `set the region to ${bucketRegion}`;
    return new LetsflowError(
      's3_wrong_region',
      stage,
      `${where}: bucket ${target.bucket} is in ${bucketRegion ?? 'another region'}, not in ${clientRegion ?? 'the client region'} (${name || status}): ${fix}`,
      options,
    );
  }
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || (status === 403 && !CREDENTIAL_ERRORS.has(name))) {
    const action = IAM_ACTIONS[target.operation] ?? `the permission for ${target.operation}`;
    return new LetsflowError(
      's3_access_denied',
      stage,
      `${where}: access denied to ${target.operation} (${name || status}): grant ${action} on bucket ${target.bucket} to the credentials in use, or check the bucket policy`,
      options,
    );
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new LetsflowError(
      's3_credentials_invalid',
      stage,
      `${where}: S3 refused the credentials (${name}): check AWS_PROFILE or the access key in the environment (credentials are never logged)`,
      options,
    );
  }
  return undefined;
}


/**
 * Any S3 failure as a LetsflowError: a configuration problem as by `s3ConfigurationError`,
 * anything else as `s3_request_failed` naming the operation and the object, with a sanitized cause.
 */
export async function s3Failure(error: unknown, target: S3Target, stage: ErrorStage): Promise<LetsflowError> {
  if (error instanceof LetsflowError) return error;
  const known = await s3ConfigurationError(error, target, stage);
  if (known !== undefined) return known;
  if (error instanceof Error && error.message === 'Region is missing') {
    return new ConfigError(`no AWS region for s3://${target.bucket}: set --region, LETSFLOW_REGION or AWS_REGION`);
  }
  const where = target.key === undefined ? `s3://${target.bucket}` : `s3://${target.bucket}/${target.key}`;
  const cause = sanitizedCause(error);
  return new LetsflowError('s3_request_failed', stage, `${target.operation} ${where} failed: ${cause.name}: ${cause.message}`, { cause });
}
