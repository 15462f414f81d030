import { describe, expect, it } from 'vitest';
import { LetsflowError } from '../../../src/core/errors.js';
import type { EventField } from '../../../src/formats/cloudfront/event.js';
import type { QueryStringMode } from '../../../src/formats/cloudfront/valueConverters.js';
import { cloudfrontFields, type CloudFrontLogKind } from '../../../src/formats/cloudfrontFields.js';

function convert(kind: CloudFrontLogKind, fields: Record<string, string>, options: { keepClientIp?: boolean; queryStrings?: QueryStringMode; select?: ReadonlySet<EventField> } = {}) {
  const plan = cloudfrontFields(kind, Object.keys(fields), { keepClientIp: options.keepClientIp ?? false, queryStrings: options.queryStrings, select: options.select });
  return plan.toEvent(plan.split(Object.values(fields).join('\t')));
}

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof LetsflowError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a LetsflowError');
}

describe('format: cloudfrontFields', () => {
  it('maps real-time host fields straight and standard host fields swapped', () => {
    // Prepare: host values of the AWS doc example, line 4 (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html,
    // awsdocs/amazon-cloudfront-developer-guide doc_source/AccessLogs.md)
    const distribution = 'd111111abcdef8.cloudfront.net';
    const viewerHost = 'www.example.com';

    // Act
    const realtime = convert('realtime', { timestamp: '1576272987.000', 'cs-host': viewerHost, 'x-host-header': distribution });
    const standard = convert('standard', { date: '2019-12-13', time: '22:36:27', 'cs(Host)': distribution, 'x-host-header': viewerHost });

    // Assess
    expect(realtime).toMatchObject({ cs_host: viewerHost, x_host_header: distribution });
    expect(standard).toMatchObject({ cs_host: viewerHost, x_host_header: distribution });
  });

  it('converts numbers, decimal seconds, 000 status and - to their types', () => {
    // Prepare
    const fields = {
      timestamp: '1600299221.087',
      'sc-status': '000',
      'sc-bytes': '2390282',
      'time-to-first-byte': '0.168',
      'origin-fbl': '-',
      asn: '3320',
    };

    // Act
    const event = convert('realtime', fields);

    // Assess
    expect(event).toEqual({ timestamp: 1600299221087, sc_status: 0, sc_bytes: 2390282, time_to_first_byte: 0.168, origin_fbl: null, asn: 3320 });
  });

  it('reads epoch seconds to whole milliseconds without float error', () => {
    // Prepare: 1600299221.087 * 1000 in floating point is 1600299221086.9998
    const values = ['1600299221.087', '1600299221.1', '1600299221.10', '1600299221'];

    // Act
    const times = values.map((timestamp) => convert('realtime', { timestamp }).timestamp);

    // Assess
    expect(times).toEqual([1600299221087, 1600299221100, 1600299221100, 1600299221000]);
  });

  it('splits a real-time cs-uri-stem at the first ? when the list has no cs-uri-query', () => {
    // Prepare: stem of claygregory/node-cloudfront-log-parser test/fixtures/kinesis-1-0.txt, shortened
    const stem = '/i%20x?stm=1607374321563&url=http%253A%252F%252Flocalhost%253A5000%252Fpage-2';

    // Act
    const whole = { queryStrings: 'whole' } as const;
    const withoutQueryColumn = convert('realtime', { timestamp: '1607374321.541', 'cs-uri-stem': stem }, whole);
    const withQueryColumn = convert('realtime', { timestamp: '1607374321.541', 'cs-uri-stem': stem, 'cs-uri-query': 'a=1' }, whole);
    const noQuery = convert('realtime', { timestamp: '1607374321.541', 'cs-uri-stem': '/index.html' }, whole);

    // Assess
    expect(withoutQueryColumn).toMatchObject({
      cs_uri_stem: '/i x',
      cs_uri_query: 'stm=1607374321563&url=http%253A%252F%252Flocalhost%253A5000%252Fpage-2',
    });
    expect(withQueryColumn).toMatchObject({ cs_uri_stem: '/i x', cs_uri_query: 'a=1' });
    expect(noQuery).toMatchObject({ cs_uri_stem: '/index.html', cs_uri_query: null });
  });

  it('derives only the query when only cs_uri_query is selected', () => {
    // Prepare
    const select = new Set<EventField>(['cs_uri_query']);

    // Act
    const event = convert('realtime', { timestamp: '1607374321.541', 'cs-uri-stem': '/a?b=c' }, { select, queryStrings: 'whole' });

    // Assess
    expect(event).toEqual({ timestamp: 1607374321541, cs_uri_query: 'b=c' });
  });

  it('decodes a user agent twice only when it holds the legacy %2520', () => {
    // Prepare: UAs of claygregory test/fixtures/web-1-0-2019-12.txt (2019, double-encoded) and the AWS doc example (single)
    const legacy = 'Mozilla/5.0%2520(Windows%2520NT%252010.0;%2520Win64;%2520x64)';
    const current = 'Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20100%2525';

    // Act
    const events = [legacy, current].map((ua) => convert('standard', { date: '2019-12-04', time: '21:02:31', 'cs(User-Agent)': ua }));

    // Assess
    expect(events.map((e) => e.cs_user_agent)).toEqual(['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) 100%25']);
  });

  it('drops c-ip and x-forwarded-for unless told to keep them', () => {
    // Prepare
    const fields = { timestamp: '1702852983.380', 'c-ip': '2600:1700:2328:7f60:fc5c:8867:7522:1bef', 'x-forwarded-for': '81.2.69.142', 'c-ip-version': 'IPv6' };

    // Act
    const dropped = convert('realtime', fields);
    const kept = convert('realtime', fields, { keepClientIp: true });

    // Assess
    expect(dropped).toEqual({ timestamp: 1702852983380, c_ip_version: 'IPv6' });
    expect(kept).toMatchObject({ c_ip: '2600:1700:2328:7f60:fc5c:8867:7522:1bef', x_forwarded_for: '81.2.69.142' });
  });

  it('puts unknown names into extra as raw strings, - as null', () => {
    // Prepare
    const fields = { timestamp: '1700000000.000', 'cmcd-session-id': '6e2fb550%20', 'r-host': '-' };

    // Act
    const event = convert('realtime', fields);

    // Assess
    expect(event.extra).toEqual({ 'cmcd-session-id': '6e2fb550%20', 'r-host': null });
  });

  it.each([
    ['sc-bytes', 'abc', 'not_a_number', "sc-bytes is not a whole number: 'abc'"],
    ['sc-bytes', '-12', 'not_a_number', "sc-bytes is not a whole number: '-12'"],
    ['sc-bytes', '', 'not_a_number', "sc-bytes is not a whole number: ''"],
    ['time-taken', '0.1.2', 'not_a_number', "time-taken is not a number of seconds: '0.1.2'"],
    ['time-taken', 'NaN', 'not_a_number', "time-taken is not a number of seconds: 'NaN'"],
    ['sc-status', '20', 'not_a_number', "sc-status is not a 3-digit HTTP status: '20'"],
    ['timestamp', 'NaN', 'timestamp_invalid', "timestamp is not epoch seconds with up to 3 decimals: 'NaN'"],
    ['timestamp', '-1600299221.087', 'timestamp_invalid', "timestamp is not epoch seconds with up to 3 decimals: '-1600299221.087'"],
    ['timestamp', '1600299221.0871', 'timestamp_invalid', "timestamp is not epoch seconds with up to 3 decimals: '1600299221.0871'"],
    ['timestamp', '946684799.999', 'timestamp_invalid', "timestamp '946684799.999' is outside the years 2000..2100"],
    ['timestamp', '4133980800.000', 'timestamp_invalid', "timestamp '4133980800.000' is outside the years 2000..2100"],
  ])('rejects %s %j with %s', (name, raw, code, message) => {
    // Prepare
    const fields = { timestamp: '1600299221.087', [name]: raw };

    // Act
    const error = failure(() => convert('realtime', fields));

    // Assess
    expect(error).toEqual({ code, message });
  });

  it('accepts the first and last millisecond of the years 2000..2100', () => {
    // Prepare
    const bounds = ['946684800.000', '4133980799.999'];

    // Act
    const times = bounds.map((timestamp) => convert('realtime', { timestamp }).timestamp);

    // Assess
    expect(times).toEqual([Date.UTC(2000, 0, 1), Date.UTC(2101, 0, 1) - 1]);
  });

  it.each([
    ['2019-02-30', '01:42:39', "date is not a date YYYY-MM-DD: '2019-02-30'"],
    ['1999-12-31', '23:59:59', "date '1999-12-31' is outside the years 2000..2100"],
    ['2019-12-04', '24:00:00', "time is not a time HH:MM:SS: '24:00:00'"],
    ['2019-12-04', '21:02:31.5', "time is not a time HH:MM:SS: '21:02:31.5'"],
  ])('rejects standard date %s time %s', (date, time, message) => {
    // Prepare
    const fields = { date, time };

    // Act
    const error = failure(() => convert('standard', fields));

    // Assess
    expect(error).toEqual({ code: 'timestamp_invalid', message });
  });

  it('reads standard v2 timestamp(ms) when there is no date and time', () => {
    // Prepare: values of the AWS standard logging v2 JSON example (formats.md §2.5)
    const fields = { 'timestamp(ms)': '1731699951183', 'x-edge-location': 'SOF50-P2', 'origin-fbl': '0.254', asn: '16509' };

    // Act
    const event = convert('standard', fields);

    // Assess
    expect(event).toEqual({ timestamp: 1731699951183, x_edge_location: 'SOF50-P2', origin_fbl: 0.254, asn: 16509 });
  });
});
