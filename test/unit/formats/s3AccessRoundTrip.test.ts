import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyTally } from '../../../src/formats/logFormat.js';
import type { S3AccessEvent } from '../../../src/formats/s3access/event.js';
import { S3AccessEventSchema } from '../../../src/formats/s3access/event.js';
import { s3Access } from '../../../src/formats/s3Access.js';

// Operations as S3 logs them, with the split the parser must give.
const OPERATIONS: readonly [string, string, string, string | null][] = [
  ['REST.GET.OBJECT', 'REST', 'GET', 'OBJECT'],
  ['REST.COPY.OBJECT_GET', 'REST', 'COPY', 'OBJECT_GET'],
  ['REST.PUT.PART', 'REST', 'PUT', 'PART'],
  ['BATCH.DELETE.OBJECT', 'BATCH', 'DELETE', 'OBJECT'],
  ['S3.EXPIRE.OBJECT', 'S3', 'EXPIRE', 'OBJECT'],
  ['S3.TRANSITION_SIA.OBJECT', 'S3', 'TRANSITION_SIA', 'OBJECT'],
  ['WEBSITE.GET.OBJECT', 'WEBSITE', 'GET', 'OBJECT'],
  ['SOAP.CreateBucket', 'SOAP', 'CreateBucket', null],
];
const OAI = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLEID';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const token = fc.stringMatching(/^[A-Za-z0-9+/=._:@-]{1,24}$/).filter((t) => t !== '-');
const orNull = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof(arb, fc.constant(null));
// Free text with the characters that break other parsers: quotes, spaces, commas, brackets, `-`.
const textChar = fc.constantFrom('a', 'Z', '0', ' ', '"', ',', '(', ')', ';', '/', '-', '[', ']', '\\', 'é');
const text = fc.array(textChar, { minLength: 1, maxLength: 30 }).map((cs) => cs.join('')).filter((t) => t !== '-');
// Quoted, it holds no `" ` before its closing quote (at its start, `"` + ` "…` would make one).
const plainText = text.filter((t) => !`"${t}`.includes('" '));
// A request line has at most two spaces; its target may hold a raw quote.
const requestUri = fc
  .tuple(fc.constantFrom('GET', 'PUT', 'HEAD'), fc.array(fc.constantFrom('a', '/', '"', '%2F', '?', '=', '&', '-'), { minLength: 1, maxLength: 20 }), fc.boolean())
  .map(([method, path, version]) => `${method} /${path.join('')}${version ? ' HTTP/1.1' : ''}`);
const notSignature = token.filter((t) => !t.startsWith('SigV'));

/** Which optional fields a record carries, by layout: 18 (2014), 24 (2019), 25, 26, 27, 27 + extras. */
const LAYOUT_FIELDS = [18, 24, 25, 26, 27, 29] as const;

function arbEvent(referer: fc.Arbitrary<string>, userAgent: fc.Arbitrary<string>): fc.Arbitrary<{ event: S3AccessEvent; offsetMinutes: number; quoteNulls: boolean }> {
  return fc
    .record({
      seconds: fc.integer({ min: Date.UTC(2000, 0, 2) / 1000, max: Date.UTC(2100, 11, 30) / 1000 }),
      offsetMinutes: fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15),
      bucket_owner: orNull(token),
      bucket: orNull(token),
      remote_ip: orNull(fc.oneof(fc.ipV4(), fc.ipV6())),
      requester: orNull(fc.oneof(token, fc.constant(OAI))),
      request_id: orNull(token),
      operation: orNull(fc.constantFrom(...OPERATIONS)),
      key: orNull(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((k) => k !== '-')),
      request_uri: orNull(requestUri),
      quoteNulls: fc.boolean(),
      http_status: orNull(fc.integer({ min: 100, max: 599 })),
      error_code: orNull(token),
      bytes_sent: fc.nat({ max: 10 ** 12 }),
      object_size: orNull(fc.nat({ max: 5 * 10 ** 12 })),
      total_time_ms: orNull(fc.nat({ max: 10 ** 7 })),
      turn_around_time_ms: orNull(fc.nat({ max: 10 ** 7 })),
      referer: orNull(referer),
      user_agent: orNull(userAgent),
      version_id: orNull(token),
      host_id: orNull(fc.oneof(token, fc.tuple(token, notSignature).map(([a, b]) => `${a} ${b}`))),
      signature_version: orNull(fc.constantFrom('SigV2', 'SigV4', 'SigV4a')),
      cipher_suite: orNull(token),
      authentication_type: orNull(fc.constantFrom('AuthHeader', 'QueryString')),
      host_header: orNull(token),
      tls_version: orNull(fc.constantFrom('TLSv1.2', 'TLSV1.1', 'TLSv1.3')),
      access_point_arn: orNull(token),
      acl_required: fc.constantFrom(true, null),
      source_region: orNull(token),
      extra: fc.array(token, { minLength: 1, maxLength: 3 }),
      layout: fc.constantFrom(...LAYOUT_FIELDS),
    })
    .map((r) => {
      const [operation, kind, method, resource] = r.operation ?? [null, null, null, null];
      const event: S3AccessEvent = {
        timestamp: r.seconds * 1000,
        bucket_owner: r.bucket_owner,
        bucket: r.bucket,
        remote_ip: r.remote_ip,
        requester: r.requester,
        request_id: r.request_id,
        operation,
        operation_kind: kind,
        operation_method: method,
        operation_resource: resource,
        key: r.key,
        request_uri: r.request_uri,
        http_status: r.http_status,
        error_code: r.error_code,
        bytes_sent: r.bytes_sent,
        object_size: r.object_size,
        total_time_ms: r.total_time_ms,
        turn_around_time_ms: r.turn_around_time_ms,
        referer: r.referer,
        user_agent: r.user_agent,
        version_id: r.version_id,
      };
      if (r.layout >= 24) {
        Object.assign(event, {
          host_id: r.host_id, signature_version: r.signature_version, cipher_suite: r.cipher_suite,
          authentication_type: r.authentication_type, host_header: r.host_header, tls_version: r.tls_version,
        });
      }
      if (r.layout >= 25) event.access_point_arn = r.access_point_arn;
      if (r.layout >= 26) event.acl_required = r.acl_required;
      if (r.layout >= 27) event.source_region = r.source_region;
      if (r.layout > 27) event.extra = r.extra;
      return { event, offsetMinutes: r.offsetMinutes, quoteNulls: r.quoteNulls };
    });
}

/** Writes an event as S3 writes a record: the layout its fields imply, `-` for null, the key form-encoded. */
function formatLine(event: S3AccessEvent, offsetMinutes: number, quoteNulls: boolean): string {
  const dash = (v: string | null | undefined): string => v ?? '-';
  const num = (v: number | null): string => (v === null ? '-' : String(v));
  const quote = (v: string | null, bare = !quoteNulls): string => (v === null ? (bare ? '-' : '"-"') : `"${v}"`);
  const local = new Date(event.timestamp + offsetMinutes * 60_000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const abs = Math.abs(offsetMinutes);
  const time = `[${pad(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}]`;
  const key = event.key === null ? '-' : encodeURIComponent(event.key).replaceAll('%20', '+');
  const fields = [
    dash(event.bucket_owner), dash(event.bucket), time, dash(event.remote_ip), dash(event.requester), dash(event.request_id),
    dash(event.operation), key, quote(event.request_uri), num(event.http_status), dash(event.error_code),
    event.bytes_sent === 0 ? '-' : String(event.bytes_sent), num(event.object_size), num(event.total_time_ms), num(event.turn_around_time_ms),
    // S3 writes absent headers as `"-" "-"`, and `- -` for its own operations: a bare `-` User-Agent only after a bare Referer.
    quote(event.referer), quote(event.user_agent, !quoteNulls && event.referer === null), dash(event.version_id),
  ];
  if ('host_id' in event) {
    fields.push(dash(event.host_id), dash(event.signature_version), dash(event.cipher_suite), dash(event.authentication_type), dash(event.host_header), dash(event.tls_version));
  }
  if ('access_point_arn' in event) fields.push(dash(event.access_point_arn));
  if ('acl_required' in event) fields.push(event.acl_required ? 'Yes' : '-');
  if ('source_region' in event) fields.push(dash(event.source_region));
  if (event.extra) fields.push(...event.extra);
  return fields.join(' ');
}

function parse(line: string): { event: S3AccessEvent | undefined; codes: string[] } {
  const tally = emptyTally();
  const event = s3Access({ keepRemoteIp: true, keepRequester: true }).createParser({ object: 'prop', tally }).call(undefined, line, 1);
  expect(tally.events + tally.errors).toBe(1);
  return { event, codes: tally.errorRecords.map((r) => r.code) };
}

describe('format: s3Access round trip (property)', () => {
  it('parses back any event written the way S3 writes it, when Referer and User-Agent hold no quote-space', () => {
    fc.assert(
      fc.property(arbEvent(plainText, plainText), ({ event, offsetMinutes, quoteNulls }) => {
        // Act
        const { event: parsed, codes } = parse(formatLine(event, offsetMinutes, quoteNulls));

        // Assess
        expect(codes).toEqual([]);
        expect(parsed).toEqual(event);
        expect(S3AccessEventSchema.parse(parsed)).toEqual(event);
      }),
      { numRuns: 500 },
    );
  });

  it('never gives a wrong event: any Referer and User-Agent text parses back exactly or is an error', () => {
    fc.assert(
      fc.property(arbEvent(text, text), ({ event, offsetMinutes, quoteNulls }) => {
        const line = formatLine(event, offsetMinutes, quoteNulls);
        const { event: parsed, codes } = parse(line);
        if (parsed === undefined) {
          expect(codes).toHaveLength(1);
          expect(`${event.referer ?? ''}\n${event.user_agent ?? ''}`).toContain('"');
        } else {
          expect(parsed).toEqual(event);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
