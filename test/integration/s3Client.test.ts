import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { isMissingKey, isTransientS3Error, s3Client, s3Failure, sanitizedCause } from '../../src/sources/s3Client.js';
import { s3Objects } from '../../src/sources/s3Objects.js';
import { freshBucket, testS3Client } from './support/s3.js';

/** An error shaped like the SDK's, as deserialised from an S3 error response. */
const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} message`), { name, $fault: 'client', $metadata: { httpStatusCode: status, requestId: 'REQ1' }, ...extra });

describe('s3Client', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('addresses an endpoint path-style and sends checksums only when required', async () => {
    // Act
    const custom = s3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' });
    const aws = s3Client({ region: 'eu-west-1' });

    // Assess
    expect(custom.config.forcePathStyle).toBe(true);
    expect(await custom.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await custom.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(aws.config.forcePathStyle).toBe(false);
    expect(await aws.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    expect(await aws.config.region()).toBe('eu-west-1');
  });

  it('reads a bucket with credentials from the default chain', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLETSFLOWTEST0000');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'letsflow-test-secret-not-a-real-one');
    const setup = testS3Client(inject('fauxqsEndpoint'));
    const bucket = await freshBucket(setup, 's3-client');
    await setup.send(new PutObjectCommand({ Bucket: bucket, Key: 'logs/a.log', Body: 'a\n' }));
    const client = s3Client({ region: 'us-east-1', endpoint: inject('fauxqsEndpoint') });

    // Act
    const objects = await s3Objects({ bucket, prefix: 'logs/', client });

    // Assess
    expect(objects.map((object) => [object.key, object.size])).toEqual([['logs/a.log', 2]]);
    client.destroy();
    setup.destroy();
  });

  it('refuses invalid options with ConfigError naming the option', () => {
    // Act
    const act = () => s3Client({ endpoint: 'not a url' });
    const unknown = () => s3Client({ bucket: 'x' } as never);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/endpoint/);
    expect(unknown).toThrow(ConfigError);
  });
});

describe('s3Client error helpers', () => {
  it('keeps only the code, message, status and request id of an SDK error', () => {
    // Prepare
    const error = sdkError('SignatureDoesNotMatch', 403, { AWSAccessKeyId: 'AKIDSECRETISH', StringToSign: 'AWS4-HMAC-SHA256 secret-bits', SignatureProvided: 'abc' });

    // Act
    const cause = sanitizedCause(error);

    // Assess
    expect(cause.name).toBe('SignatureDoesNotMatch');
    expect(cause.message).toBe('SignatureDoesNotMatch message (HTTP 403, request id REQ1)');
    expect(JSON.stringify({ ...cause, message: cause.message })).not.toMatch(/AKIDSECRETISH|secret-bits/);
  });

  it.each([
    [sdkError('SlowDown', 503), true],
    [sdkError('InternalError', 500), true],
    [sdkError('Whatever', 429), true],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), true],
    [sdkError('NoSuchKey', 404), false],
    [sdkError('AccessDenied', 403), false],
    [sdkError('PreconditionFailed', 412), false],
    [new Error('plain'), false],
  ])('classifies %s as transient: %s', (error, transient) => {
    expect(isTransientS3Error(error)).toBe(transient);
  });

  it('tells a missing key from a missing bucket', () => {
    expect(isMissingKey(sdkError('NoSuchKey', 404))).toBe(true);
    expect(isMissingKey(sdkError('NotFound', 404))).toBe(true);
    expect(isMissingKey(sdkError('NoSuchBucket', 404))).toBe(false);
  });

  it('turns other failures into s3_request_failed naming the operation and object', async () => {
    // Prepare
    const client = s3Client({ region: 'us-east-1' });

    // Act
    const failure = await s3Failure(sdkError('InternalError', 500), { bucket: 'b', key: 'k', operation: 'GetObject', client }, 'reading');

    // Assess
    expect(failure).toMatchObject({ code: 's3_request_failed', stage: 'reading', message: 'GetObject s3://b/k failed: InternalError: InternalError message (HTTP 500, request id REQ1)' });
    client.destroy();
  });
});
