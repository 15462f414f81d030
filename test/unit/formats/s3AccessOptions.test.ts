import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { emptyTally } from '../../../src/formats/logFormat.js';
import { decodeKey } from '../../../src/formats/s3access/decodeKey.js';
import { splitOperation } from '../../../src/formats/s3access/operation.js';
import { requestTime } from '../../../src/formats/s3access/requestTime.js';
import { DEFAULT_KEEP_REMOTE_IP, DEFAULT_KEEP_REQUESTER, S3AccessOptionsSchema, s3Access, type S3AccessOptions } from '../../../src/formats/s3Access.js';

// elastic/integrations test-s3-server-access.log line 1 (24 fields): an IAM role session as Requester.
const LINE =
  '36c1f05b76016b78528454e6e0c60e2b7ff7aa20c0a5e4c748276e5b0a2debd2 test-s3-ks [01/Aug/2019:00:24:41 +0000] 89.160.20.156 arn:aws:sts::123456:assumed-role/AWSServiceRoleForTrustedAdvisor/TrustedAdvisor_627959692251_784ab70b-8cc9-4d37-a2ec-2ff4d0c08af9 44EE8651683CB4DA REST.GET.LOCATION - "GET /test-s3-ks/?location&aws-account=627959692251 HTTP/1.1" 200 - 142 - 17 - "-" "AWS-Support-TrustedAdvisor, aws-internal/3 aws-sdk-java/1.11.590 Linux/4.9.137-0.1.ac.218.74.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.212-b03 java/1.8.0_212 vendor/Oracle_Corporation" - BsCfJedfuSnds2QFoxi+E/O7M6OEWzJnw4dUaes/2hyA363sONRJKzB7EOY+Bt9DTHYUn+HoHxI= SigV4 ECDHE-RSA-AES128-SHA AuthHeader s3.ap-southeast-1.amazonaws.com TLSv1.2';

function parseWith(options: S3AccessOptions | undefined, select?: ReadonlySet<string>) {
  const tally = emptyTally();
  const event = s3Access(options).createParser({ object: 'privacy', tally, ...(select && { select }) })(LINE, 1);
  expect(tally).toMatchObject({ events: 1, errors: 0 });
  return event!;
}

describe('format: s3Access options and privacy', () => {
  it('drops Remote IP and Requester by default', () => {
    // Act
    const event = parseWith(undefined);

    // Assess
    expect(event).not.toHaveProperty('remote_ip');
    expect(event).not.toHaveProperty('requester');
    expect(JSON.stringify(event)).not.toMatch(/89\.160\.20\.156|assumed-role/);
    expect(event).toMatchObject({ request_id: '44EE8651683CB4DA', operation_resource: 'LOCATION' });
  });

  it.each([
    [{ keepRemoteIp: true }, ['remote_ip']],
    [{ keepRequester: true }, ['requester']],
    [{ keepRemoteIp: true, keepRequester: true }, ['remote_ip', 'requester']],
  ])('keeps only what %j asks for', (options, kept) => {
    const event = parseWith(options);
    expect(['remote_ip', 'requester'].filter((name) => name in event)).toEqual(kept);
    if (kept.includes('remote_ip')) expect(event.remote_ip).toBe('89.160.20.156');
  });

  it('round-trips the default options through the schema', () => {
    expect(S3AccessOptionsSchema.parse({})).toEqual({ keepRemoteIp: DEFAULT_KEEP_REMOTE_IP, keepRequester: DEFAULT_KEEP_REQUESTER });
    expect(DEFAULT_KEEP_REMOTE_IP).toBe(false);
    expect(DEFAULT_KEEP_REQUESTER).toBe(false);
  });

  it('throws a ConfigError for an unknown or mistyped option when the format is built', () => {
    expect(() => s3Access({ keepClientIp: true } as unknown as S3AccessOptions)).toThrow(ConfigError);
    expect(() => s3Access({ keepRequester: 'yes' } as unknown as S3AccessOptions)).toThrow(/keepRequester/);
  });

  it('keeps only the selected fields and the timestamp with context.select', () => {
    const event = parseWith({ keepRemoteIp: true }, new Set(['operation', 'bytes_sent', 'remote_ip']));
    expect(event).toEqual({ timestamp: Date.UTC(2019, 7, 1, 0, 24, 41), operation: 'REST.GET.LOCATION', bytes_sent: 142, remote_ip: '89.160.20.156' });
  });

  it('is named s3-access', () => {
    expect(s3Access().name).toBe('s3-access');
  });
});

describe('format: s3Access helpers', () => {
  it.each([
    ['REST.GET.OBJECT', 'REST', 'GET', 'OBJECT'],
    ['REST.COPY.OBJECT_GET', 'REST', 'COPY', 'OBJECT_GET'],
    ['BATCH.DELETE.OBJECT', 'BATCH', 'DELETE', 'OBJECT'],
    ['S3.EXPIRE.OBJECT', 'S3', 'EXPIRE', 'OBJECT'],
    ['S3.CREATE.DELETEMARKER', 'S3', 'CREATE', 'DELETEMARKER'],
    ['WEBSITE.GET.OBJECT', 'WEBSITE', 'GET', 'OBJECT'],
    ['SOAP.CreateBucket', 'SOAP', 'CreateBucket', null],
    ['FUTURE', 'FUTURE', null, null],
  ])('splits %s into kind, method and resource', (operation, kind, method, resource) => {
    expect(splitOperation(operation)).toEqual({ kind, method, resource });
  });

  it('splits a - operation into three nulls', () => {
    expect(splitOperation(null)).toEqual({ kind: null, method: null, resource: null });
  });

  it.each([
    ['Screen+Shot+2019-09-09+at+9.08.44+AM.png', 'Screen Shot 2019-09-09 at 9.08.44 AM.png'],
    ['a%2Bb+c', 'a+b c'],
    ['%2522', '%22'],
    ['N703%253DDropSeq', 'N703%3DDropSeq'],
    ['SRR9154112/*.fastq*', 'SRR9154112/*.fastq*'],
    ['caf%C3%A9', 'café'],
    ['broken%2', 'broken%2'],
    ['bad%zz+x', 'bad%zz x'],
  ])('decodes the key %s once, + as a space', (raw, key) => {
    expect(decodeKey(raw)).toBe(key);
  });

  it.each([
    ['[06/Feb/2019:00:00:38 +0000]', Date.UTC(2019, 1, 6, 0, 0, 38)],
    ['[06/Feb/2019:00:00:38 +0200]', Date.UTC(2019, 1, 5, 22, 0, 38)],
    ['[31/Dec/2019:23:30:00 -0130]', Date.UTC(2020, 0, 1, 1, 0, 0)],
    ['[29/Feb/2020:12:00:00 +0000]', Date.UTC(2020, 1, 29, 12)],
  ])('reads the time %s', (raw, ms) => {
    expect(requestTime(`x ${raw} y`, 2)).toBe(ms);
  });

  it.each(['[29/Feb/2019:12:00:00 +0000]', '[06/feb/2019:00:00:38 +0000]', '[06/Feb/2019:24:00:00 +0000]', '[06/Feb/2019:00:00:38 0000 ]', '[06/Feb/1999:00:00:38 +0000]', '[06/Feb/2019T00:00:38 +0000]'])(
    'refuses the time %s as timestamp_invalid',
    (raw) => {
      expect(() => requestTime(raw, 0)).toThrow(expect.objectContaining({ code: 'timestamp_invalid' }));
    },
  );
});
