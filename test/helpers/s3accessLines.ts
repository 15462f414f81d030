import fc from 'fast-check';

/** One generated S3 server access-log request, with the fields the storage summary reads. */
export interface AccessRecord {
  readonly time: number;
  readonly bucket: string;
  readonly requestId: string;
  readonly operation: string;
  readonly key: string | null;
  readonly status: number | null;
  readonly error: string | null;
  readonly bytes: number;
  readonly size: number | null;
  readonly totalMs: number;
  readonly turnAroundMs: number | null;
  readonly requester: string;
  readonly tls: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `[06/Feb/2019:00:00:38 +0000]` */
export function accessTime(ms: number): string {
  const d = new Date(ms);
  return `[${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000]`;
}

/** A 26-field line in the layout of AWS's documentation examples (formats.md §3.1). */
export function accessLine(r: AccessRecord): string {
  const copySource = r.operation.endsWith('_GET') && r.operation.startsWith('REST.COPY.');
  // Field 8 is form-encoded (space as `+`), the request URI percent-encoded (formats.md §3.1).
  const uriKey = r.key === null ? '' : encodeURIComponent(r.key).replace(/%2F/g, '/');
  const encodedKey = r.key === null ? '-' : uriKey.replace(/%20/g, '+');
  const method = r.operation.split('.')[1] === 'COPY' ? 'PUT' : (r.operation.split('.')[1] ?? 'GET');
  const uri = copySource ? '-' : `"${method} /${r.bucket}/${uriKey} HTTP/1.1"`;
  return [
    '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be', r.bucket, accessTime(r.time), '192.0.2.3', r.requester,
    r.requestId, r.operation, encodedKey, uri, r.status ?? '-', r.error ?? '-', r.bytes === 0 ? '-' : r.bytes, r.size ?? '-', r.totalMs,
    r.turnAroundMs ?? '-', copySource ? '-' : '"-"', copySource ? '-' : '"S3Console/0.4"', '-',
    's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=', 'SigV4', 'ECDHE-RSA-AES128-GCM-SHA256', 'AuthHeader',
    `${r.bucket}.s3.us-west-1.amazonaws.com`, r.tls, '-', '-',
  ].join(' ');
}

const OPERATIONS = ['REST.GET.OBJECT', 'REST.PUT.OBJECT', 'REST.HEAD.OBJECT', 'REST.DELETE.OBJECT', 'REST.GET.BUCKET', 'REST.COPY.OBJECT', 'REST.COPY.OBJECT_GET'];

/** Access records in one hour from `start`, with ids unique enough for `distinct` to matter only where a test duplicates them. */
export function arbAccessRecord(start: number, spanMs = 3_600_000): fc.Arbitrary<AccessRecord> {
  return fc.record({
    time: fc.integer({ min: 0, max: Math.floor(spanMs / 1000) - 1 }).map((s) => start + s * 1000),
    bucket: fc.constantFrom('transfers', 'cache'),
    requestId: fc.stringMatching(/^[0-9A-F]{16}$/),
    operation: fc.constantFrom(...OPERATIONS),
    key: fc.option(fc.constantFrom('a.txt', 'photos/cat one.jpg', 'photos/2026/dog.png', 'docs/x/y/z.pdf', 'big%file.bin'), { nil: null, freq: 8 }),
    status: fc.option(fc.constantFrom(200, 204, 206, 304, 403, 404, 500, 503), { nil: null, freq: 10 }),
    error: fc.option(fc.constantFrom('NoSuchKey', 'AccessDenied', 'SlowDown'), { nil: null, freq: 2 }),
    bytes: fc.nat({ max: 5_000_000 }),
    size: fc.option(fc.nat({ max: 50_000_000 }), { nil: null }),
    totalMs: fc.nat({ max: 20_000 }),
    turnAroundMs: fc.option(fc.nat({ max: 5_000 }), { nil: null }),
    requester: fc.constantFrom('arn:aws:iam::123456789012:user/alice', 'svc:cloudfront.amazonaws.com', '-', 'arn:aws:sts::123456789012:assumed-role/r/s'),
    tls: fc.constantFrom('TLSv1.2', 'TLSV1.2', 'TLSv1.3', '-'),
  });
}
