import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { CloudFrontEventSchema, type CloudFrontEvent, type EventField } from '../../../src/formats/cloudfront/event.js';
import { CloudFrontStandardOptionsSchema, cloudfrontStandard, OLDEST_LAYOUT_COLUMNS, type CloudFrontStandardOptions } from '../../../src/formats/cloudfrontStandard.js';
import { emptyTally, type ParseTally } from '../../../src/formats/logFormat.js';

// Real lines. TABs are written as \t; each comment says where the line was published.

// The example log file of the CloudFront developer guide: awsdocs/amazon-cloudfront-developer-guide,
// doc_source/AccessLogs.md (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html),
// its #Fields line and data lines 1, 3 (which ends in a TAB), 4 and 6.
const AWS_HEADER = 
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end';
const AWS_LINE_1 = 
  '2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-';
const AWS_LINE_3 = 
  '2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tHit\tf37nTMVvnKvV2ZSvEsivup_c2kZ7VXzYdjC-GUQZ5qNs-89BlWazbw==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-\t';
const AWS_LINE_4 = 
  '2019-12-13\t22:36:27\tSEA19-C1\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/favicon.ico\t502\thttp://www.example.com/\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tError\t1pkpNfBQ39sYMnjjUQjmH2w1wdJnbHYTbag21o_3OfcQgPzdL2RSSQ==\twww.example.com\thttp\t675\t0.102\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t25260\t0.102\tOriginDnsError\ttext/html\t507\t-\t-';
const AWS_LINE_6 = 
  '2019-12-13\t22:37:02\tSEA19-C2\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/\t502\t-\tcurl/7.55.1\t-\t-\tError\tkBkDzGnceVtWHqSCqBUqtA_cEs2T3tFUBbnBNkB9El_uVRhHgcZfcw==\twww.example.com\thttp\t387\t0.103\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t12644\t0.103\tOriginDnsError\ttext/html\t507\t-\t-';

// claygregory/node-cloudfront-log-parser, test/fixtures/web-1-0-2019-12.txt: header lines with TABs, and a
// 2019 line whose user agent is double-encoded (%2520).
const CLAY_VERSION = '#Version:\t1.0';
const CLAY_HEADER = 
  '#Fields:\tdate\ttime\tx-edge-location\tsc-bytes\tc-ip\tcs-method\tcs(Host)\tcs-uri-stem\tsc-status\tcs(Referer)\tcs(User-Agent)\tcs-uri-query\tcs(Cookie)\tx-edge-result-type\tx-edge-request-id\tx-host-header\tcs-protocol\tcs-bytes\ttime-taken\tx-forwarded-for\tssl-protocol\tssl-cipher\tx-edge-response-result-type\tcs-protocol-version\tfle-status\tfle-encrypted-fields\tc-port\ttime-to-first-byte\tx-edge-detailed-result-type\tsc-content-type\tsc-content-len\tsc-range-start\tsc-range-end';
const CLAY_LINE_1 = 
  '2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%2520(Windows%2520NT%252010.0;%2520Win64;%2520x64)%2520AppleWebKit/537.36%2520(KHTML,%2520like%2520Gecko)%2520Chrome/78.0.3904.108%2520Safari/537.36\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-';

// claygregory/node-cloudfront-log-parser, test/fixtures/web-1-0.txt: the 24-field header of 2014 and its line 2.
const CLAY_24_HEADER = 
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version';
const CLAY_24_LINE_2 = 
  '2014-05-23\t01:13:12\tLAX1\t2390282\t192.0.2.202\tGET\td111111abcdef8.cloudfront.net\t/soundtrack/happy.mp3\t304\twww.unknownsingers.com\tMozilla/5.0%2520(iPhone;%2520CPU%2520iPhone%2520OS%252010_2_1%2520like%2520Mac%2520OS%2520X)%2520AppleWebKit/602.4.6%2520(KHTML,%2520like%2520Gecko)%2520Version/10.0%2520Mobile/14D27%2520Safari/602.1\ta=b&c=d\tzip=50158\tHit\txGN7KWpVEmB9Dp7ctcVFQC4E-nrcOcEKS3QyAez--06dV7TEXAMPLE==\td111111abcdef8.cloudfront.net\thttp\t-\t0.002\t-\t-\t-\tHit\tHTTP/1.1';

// logstash-plugins/logstash-input-s3 issue #158 (github.com/logstash-plugins/logstash-input-s3/issues/158),
// a 26-column line of 2018 posted without its header.
const LOGSTASH_158 = 
  '2018-07-24\t22:22:47\tSEA19\t557\t196.52.43.106\tGET\td2lv5my8ejglq4.cloudfront.net\t/\t301\t-\tMozilla/5.0%2520(compatible;%2520nsrbot/1.0;%2520&%2343;http://netsystemsresearch.com)\t-\t-\tRedirect\tIKaDjLqf5T8ptafxZk_HNJ49zZ1N4SuI8f_kdivoUvPNZFnzpuKhKA==\tjamespleger.com\thttp\t127\t0.000\t-\t-\t-\tRedirect\tHTTP/1.1\t-\t-';

// allinurl/goaccess issue #108 (github.com/allinurl/goaccess/issues/108): an 18-field header and line of 2014.
// The issue body shows the TABs expanded to spaces; they are restored here (no value holds a space).
const GOACCESS_108_HEADER = 
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes';
const GOACCESS_108 = 
  '2014-04-28\t09:59:49\tLHR50\t1658497\t212.95.254.154\tGET\td11bmwv5kte7kk.cloudfront.net\t/user-fsac5u7q/videos/2014-04-03/1-OptiGrill-TV-AD-OK_.mp4\t206\thttp://vidzor.com/media/projects/MR4CoTBKd7_.html?t=201404251321&embed=true\tMozilla/5.0%2520(Windows%2520NT%25206.2;%2520WOW64)%2520AppleWebKit/537.36%2520(KHTML,%2520like%2520Gecko)%2520Chrome/34.0.1847.116%2520Safari/537.36\t-\t-\tHit\tPz-E4NGyogTStvPI1N9HQeJtiULC-zB00Zmpe_CfeexP18FKMO5IXA==\t65.cdn.vidzor.com\thttp\t827';

// matomo-org/matomo-log-analytics issue #27 (github.com/matomo-org/matomo-log-analytics/issues/27): a 19-field
// header block repeated mid-file, and its first line. TABs restored from the spaces shown, as above.
const MATOMO_27_HEADER = 
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken';
const MATOMO_27 = 
  '2014-07-21\t01:58:45\tDFW3\t563\t180.76.5.149\tGET\td116n0k3gjrs63.cloudfront.net\t/robots.txt\t301\t-\tMozilla/5.0%2520(Windows%2520NT%25205.1;%2520rv:6.0.2)%2520Gecko/20100101%2520Firefox/6.0.2\t-\t-\tRedirect\tNLmAqKRfyqQreOK6jMmjVhh8vaUV-CbEM7m_Kta_eoZIxl0VWTEmcQ==\twww.moneypot.com\thttp\t188\t0.000';

// elastic/integrations, packages/aws/data_stream/cloudfront_logs/_dev/test/pipeline/test-cloudfront.log:
// line 4 (IPv6 c-ip) and line 10 (status 000; that fixture line is space-separated).
const ELASTIC_IPV6 = 
  '2019-12-04\t21:02:31\tLAX1\t392\t2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tHit\tk6WGMNkEzR5BEM_SaF47gjtX9zBDO2m349OY2an0QPEaUum1ZOLrow==\td111111abcdef8.cloudfront.net\thttps\t23\t0.000\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.000\tHit\ttext/html\t78\t-\t-';
const ELASTIC_000_SPACES = 
  '2022-04-19 12:29:36 SEA19-C2 10157 81.2.69.143 POST d111111abcdef8.cloudfront.net /getApplications 000 https://test.com/global Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/100.0.4896.127%20Safari/537.36 source=global - Miss hrsHM5OM6sTIXUleC1G20YtDxMf5Cq0Jbz0pwhVpod2kgEn_W6akCQ== test.com https 1057 0.238 - TLSv1.3 TLS_AES_128_GCM_SHA256 Miss HTTP/2.0 - - 4203 0.238 Miss application/json;charset=UTF-8 - - -';

// The Go module github.com/angelochecked/cloudfront-logs-report/v2, logshape package test TestLogFormatter
// (2024 lines): a PetalBot UA with a literal '+', and the next line, whose TAB between status and referer is lost.
const PETALBOT = 
  '2024-10-11\t22:33:27\tSIN2-P8\t808\t114.119.135.98\tGET\tdssqkj1981x2t.cloudfront.net\t/graph/link/are-developers-needed-in-the-age-of-ai-link\t302\thttps://angeloceccato.it/graph\tMozilla/5.0%20(Linux;%20Android%207.0;)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Mobile%20Safari/537.36%20(compatible;%20PetalBot;+https://webmaster.petalsearch.com/site/petalbot)\t-\t-\tMiss\t5fnl73FSgF4xlEgwShL_S0rJqoX2DYNzHSqDJV7QxiIGAH4rUj5zQQ==\tangeloceccato.it\thttps\t470\t0.382\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tMiss\tHTTP/1.1\t-\t-\t25751\t0.382\tMiss\ttext/html;%20charset=utf-8\t313\t-\t-';
const PETALBOT_JOINED = 
  '2024-10-11\t22:33:28\tSIN2-P8\t17006\t114.119.135.98\tGET\tdssqkj1981x2t.cloudfront.net\t/graph/link/are-developers-needed-in-the-age-of-ai-link/\t200https://angeloceccato.it/graph\tMozilla/5.0%20(Linux;%20Android%207.0;)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Mobile%20Safari/537.36%20(compatible;%20PetalBot;+https://webmaster.petalsearch.com/site/petalbot)\t-\t-\tMiss\tCR9FYMIxLVOQfCyrpmMfeiqdbqDprhsaRejfIe8i_6sNwGw63c0plQ==\tangeloceccato.it\thttps\t471\t0.663\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tMiss\tHTTP/1.1\t-\t-\t25753\t0.495\tMiss\ttext/html\t16557\t-\t-';

interface Run {
  readonly events: CloudFrontEvent[];
  readonly tally: ParseTally;
}

function parseLines(lines: readonly string[], options: CloudFrontStandardOptions = {}, context: { select?: ReadonlySet<EventField> } = {}): Run {
  const tally = emptyTally();
  const parse = cloudfrontStandard(options).createParser({ object: 'EMLARXS9EXAMPLE.2019-12-04-21.RT4KCN4SGK9.gz', tally, ...context });
  const events: CloudFrontEvent[] = [];
  lines.forEach((line, i) => {
    const event = parse(line, i + 1);
    if (event !== undefined) events.push(event);
  });
  return { events, tally };
}

function replaceColumn(line: string, index: number, value: string): string {
  return line.split('\t').map((v, i) => (i === index ? value : v)).join('\t');
}

// Generated headers and lines for the properties.
const KNOWN_NAMES = [
  'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status', 'cs(Referer)', 'cs(User-Agent)',
  'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type', 'x-edge-request-id', 'x-host-header', 'cs-protocol', 'cs-bytes', 'time-taken',
  'x-forwarded-for', 'ssl-protocol', 'ssl-cipher', 'x-edge-response-result-type', 'cs-protocol-version', 'fle-status',
  'fle-encrypted-fields', 'c-port', 'time-to-first-byte', 'x-edge-detailed-result-type', 'sc-content-type', 'sc-content-len',
  'sc-range-start', 'sc-range-end', 'distribution-tenant-id', 'connection-id', 'c-country', 'asn', 'origin-fbl', 'origin-lbl',
  'viewer-request-log-data',
];
const INT_FIELDS = new Set(['sc-bytes', 'cs-bytes', 'fle-encrypted-fields', 'sc-content-len', 'sc-range-start', 'sc-range-end', 'c-port', 'asn']);
const SECONDS_FIELDS = new Set(['time-to-first-byte', 'time-taken', 'origin-fbl', 'origin-lbl']);
const textPiece = fc.constantFrom('a', 'Z', '0', '/', '.', ';', ',', '(', ')', '+', '*', '=', '&', ':', '?', '%20', '%2520', '%2', '%zz', '%C3%A9', '%E2%82');
const text = fc.array(textPiece, { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
const orDash = (value: fc.Arbitrary<string>) => fc.oneof({ arbitrary: fc.constant('-'), weight: 1 }, { arbitrary: value, weight: 4 });
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2101, 0, 1) - 1 }).map((ms) => new Date(ms).toISOString());

function valueOf(name: string): fc.Arbitrary<string> {
  if (name === 'date') return instant.map((iso) => iso.slice(0, 10));
  if (name === 'time') return instant.map((iso) => iso.slice(11, 19));
  if (name === 'sc-status') return orDash(fc.integer({ min: 0, max: 599 }).map((n) => String(n).padStart(3, '0')));
  if (INT_FIELDS.has(name)) return orDash(fc.nat({ max: 2 ** 40 }).map(String));
  if (SECONDS_FIELDS.has(name)) return orDash(fc.tuple(fc.nat(99), fc.nat(999)).map(([s, ms]) => `${s}.${String(ms).padStart(3, '0')}`));
  return orDash(text);
}

/** A header naming date, time and any subset of the other fields in any order, then lines of 1..n extra columns' worth. */
const headerAndLines = fc
  .tuple(fc.shuffledSubarray(KNOWN_NAMES), fc.nat(3), fc.nat(3))
  .map(([names, dateAt, timeAt]) => {
    const all = [...names];
    all.splice(Math.min(dateAt, all.length), 0, 'date');
    all.splice(Math.min(timeAt, all.length), 0, 'time');
    return all;
  })
  .chain((names) =>
    fc.tuple(
      fc.constant(names),
      fc.array(
        fc.tuple(fc.tuple(...names.map(valueOf)), fc.integer({ min: -2, max: 2 })).map(([values, change]) => {
          // Shorter lines are truncated ones (column_count errors): see cloudfrontStandardLines.test.ts.
          const minimum = Math.max(names.indexOf('date') + 1, names.indexOf('time') + 1, Math.min(names.length, OLDEST_LAYOUT_COLUMNS));
          const length = Math.max(minimum, values.length + change);
          return [...values, 'x', '-'].slice(0, length).join('\t');
        }),
        { minLength: 1, maxLength: 5 },
      ),
    ),
  );

const SELECTABLE = Object.keys(CloudFrontEventSchema.shape).filter((k): k is EventField => k !== 'extra');

describe('format: cloudfrontStandard', () => {
  it('parses the AWS example file: date + time in UTC, hosts swapped, client IP dropped', () => {
    // Prepare
    const lines = ['#Version: 1.0', AWS_HEADER, AWS_LINE_1, AWS_LINE_4, AWS_LINE_6];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally).toMatchObject({ headers: 2, events: 3, errors: 0, blank: 0 });
    expect(events[0]).toMatchObject({
      timestamp: Date.UTC(2019, 11, 4, 21, 2, 31),
      x_edge_location: 'LAX1',
      sc_bytes: 392,
      x_host_header: 'd111111abcdef8.cloudfront.net',
      cs_host: 'd111111abcdef8.cloudfront.net',
      cs_uri_stem: '/index.html',
      cs_user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36',
      cs_referer: null,
      time_taken: 0.001,
      ssl_protocol: 'TLSv1.2',
      fle_status: null,
      c_port: 11040,
      sc_content_len: 78,
      sc_range_end: null,
    });
    expect(events[0]).not.toHaveProperty('c_ip');
    expect(events[1]).toMatchObject({ sc_status: 502, cs_referer: 'http://www.example.com/', cs_host: 'www.example.com', x_host_header: 'd111111abcdef8.cloudfront.net', x_edge_detailed_result_type: 'OriginDnsError' });
    expect(events[2]).toMatchObject({ cs_user_agent: 'curl/7.55.1', timestamp: Date.UTC(2019, 11, 13, 22, 37, 2) });
  });

  it('keeps a column past the header, like the trailing TAB of the AWS example line 3, as extra column-N', () => {
    // Prepare
    const lines = [AWS_HEADER, AWS_LINE_3];

    // Act
    const { events } = parseLines(lines);

    // Assess
    expect(events[0]?.extra).toEqual({ 'column-34': '' });
    expect(events[0]?.sc_range_end).toBeNull();
  });

  it('splits header names on TABs too and decodes a %2520 user agent to spaces', () => {
    // Prepare
    const lines = [CLAY_VERSION, CLAY_HEADER, CLAY_LINE_1];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally.headers).toBe(2);
    expect(events[0]?.cs_user_agent).toBe('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36');
  });

  it('leaves the missing trailing fields of an older 24-field log absent, and - as null', () => {
    // Prepare
    const lines = ['#Version: 1.0', CLAY_24_HEADER, CLAY_24_LINE_2];

    // Act
    const { events } = parseLines(lines, { keepCookies: true, queryStrings: 'whole' });

    // Assess
    expect(events[0]).toMatchObject({ sc_status: 304, sc_bytes: 2390282, cs_uri_query: 'a=b&c=d', cs_cookie: 'zip=50158', cs_bytes: null, time_taken: 0.002, cs_protocol_version: 'HTTP/1.1' });
    expect(events[0]).not.toHaveProperty('fle_status');
    expect(events[0]).not.toHaveProperty('extra');
  });

  it('reads a headerless 26-column line with the legacy 33-field order, later fields absent', () => {
    // Prepare
    const lines = [LOGSTASH_158];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally).toMatchObject({ events: 1, headers: 0 });
    expect(events[0]).toMatchObject({
      timestamp: Date.UTC(2018, 6, 24, 22, 22, 47),
      sc_status: 301,
      cs_host: 'jamespleger.com',
      // Decoded twice for the legacy %2520; the &%2343; (an encoded '#') comes out as the HTML entity the client sent.
      cs_user_agent: 'Mozilla/5.0 (compatible; nsrbot/1.0; &#43;http://netsystemsresearch.com)',
      fle_status: null,
      fle_encrypted_fields: null,
    });
    expect(events[0]).not.toHaveProperty('c_port');
    expect(events[0]).not.toHaveProperty('sc_range_end');
  });

  it('follows a #Fields header block that appears mid-file and changes the field list', () => {
    // Prepare: files joined together: the 33-field example, then a 19-field block, then an 18-field block
    const lines = [
      '#Version: 1.0', AWS_HEADER, AWS_LINE_1,
      '#Version: 1.0', MATOMO_27_HEADER, MATOMO_27, AWS_LINE_4,
      '#Version: 1.0', GOACCESS_108_HEADER, GOACCESS_108,
    ];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally).toMatchObject({ headers: 6, events: 4, errors: 0 });
    expect(events[0]).toHaveProperty('c_port', 11040);
    expect(events[1]).toMatchObject({ sc_status: 301, cs_host: 'www.moneypot.com', time_taken: 0, cs_user_agent: 'Mozilla/5.0 (Windows NT 5.1; rv:6.0.2) Gecko/20100101 Firefox/6.0.2' });
    expect(events[1]).not.toHaveProperty('c_port');
    // A 33-column line under the 19-field header: columns 20..33 are not guessed at but kept by position.
    expect(events[2]).not.toHaveProperty('ssl_protocol');
    expect(events[2]?.extra).toMatchObject({ 'column-20': null, 'column-24': 'HTTP/1.1', 'column-29': 'OriginDnsError' });
    expect(events[3]).toMatchObject({ sc_status: 206, cs_bytes: 827, cs_host: '65.cdn.vidzor.com', cs_referer: 'http://vidzor.com/media/projects/MR4CoTBKd7_.html?t=201404251321&embed=true' });
    expect(events[3]).not.toHaveProperty('time_taken');
  });

  it('keeps an IPv6 c-ip only with keepClientIp', () => {
    // Prepare
    const lines = [AWS_HEADER, ELASTIC_IPV6];

    // Act
    const dropped = parseLines(lines).events[0];
    const kept = parseLines(lines, { keepClientIp: true }).events[0];

    // Assess
    expect(dropped).not.toHaveProperty('c_ip');
    expect(kept?.c_ip).toBe('2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6');
  });

  it('reads status 000 as 0, and fails a line whose TABs became spaces', () => {
    // Prepare
    const withTabs = ELASTIC_000_SPACES.split(' ').join('\t');

    // Act
    const { events, tally } = parseLines([AWS_HEADER, withTabs, ELASTIC_000_SPACES]);

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ sc_status: 0, cs_method: 'POST', sc_content_type: 'application/json;charset=UTF-8', time_to_first_byte: 0.238 });
    expect(tally.errorRecords[0]).toMatchObject({
      line: 3,
      code: 'column_count',
      reason: 'expected 33 columns (#Fields header of line 1), found 1; at least 18 are needed (the oldest layout has 18, and the time fields must be reached)',
    });
  });

  it('keeps a literal + in the user agent', () => {
    // Prepare
    const lines = [AWS_HEADER, PETALBOT];

    // Act
    const { events } = parseLines(lines);

    // Assess
    expect(events[0]).toMatchObject({
      cs_user_agent: 'Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)',
      sc_content_type: 'text/html; charset=utf-8',
    });
  });

  it('rejects a non-numeric number with not_a_number, like a status run into its referer', () => {
    // Prepare
    const lines = [AWS_HEADER, PETALBOT_JOINED, replaceColumn(AWS_LINE_1, 3, 'abc')];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(events).toEqual([]);
    expect(tally.errorRecords.map((r) => [r.code, r.reason])).toEqual([
      ['not_a_number', "sc-status is not a 3-digit HTTP status: '200https://angeloceccato.it/graph'"],
      ['not_a_number', "sc-bytes is not a whole number: 'abc'"],
    ]);
  });

  it('rejects a date outside the years 2000..2100 and a malformed time', () => {
    // Prepare
    const lines = [replaceColumn(AWS_LINE_1, 0, '1999-12-31'), replaceColumn(AWS_LINE_1, 1, '21:02'), replaceColumn(AWS_LINE_1, 0, '2100-12-31')];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally.errorRecords.map((r) => [r.code, r.reason])).toEqual([
      ['timestamp_invalid', "date '1999-12-31' is outside the years 2000..2100"],
      ['timestamp_invalid', "time is not a time HH:MM:SS: '21:02'"],
    ]);
    expect(events.map((e) => e.timestamp)).toEqual([Date.UTC(2100, 11, 31, 21, 2, 31)]);
  });

  it('keeps a broken percent escape as it is', () => {
    // Prepare
    const line = replaceColumn(AWS_LINE_1, 12, 'session=a%20b%2');

    // Act
    const { events } = parseLines([line], { keepCookies: true });

    // Assess
    expect(events[0]?.cs_cookie).toBe('session=a b%2');
  });

  it('fails every line when the header names no date and time', () => {
    // Prepare
    const lines = ['#Fields: x-edge-location sc-status', 'LAX1\t200'];

    // Act
    const { tally } = parseLines(lines);

    // Assess
    expect(tally.errorRecords[0]).toMatchObject({ code: 'timestamp_invalid', reason: 'the field list has no date and time fields (or timestamp(ms))' });
  });

  it('counts blank lines, comments and CRLF line ends', () => {
    // Prepare
    const lines = ['#Version: 1.0\r', `${AWS_HEADER}\r`, '', '\t', `${AWS_LINE_1}\r`, '#Remark: joined here'];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally).toMatchObject({ headers: 3, blank: 2, events: 1, errors: 0 });
    expect(events[0]?.sc_range_end).toBeNull();
    expect(events[0]).not.toHaveProperty('extra');
  });

  it('parses only the selected fields', () => {
    // Prepare
    const select = new Set<EventField>(['sc_status', 'cs_host', 'cs_user_agent']);

    // Act
    const { events } = parseLines([AWS_HEADER, AWS_LINE_3, AWS_LINE_4], {}, { select });

    // Assess
    expect(events).toEqual([
      { timestamp: Date.UTC(2019, 11, 4, 21, 2, 31), sc_status: 200, cs_host: 'd111111abcdef8.cloudfront.net', cs_user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36' },
      { timestamp: Date.UTC(2019, 11, 13, 22, 36, 27), sc_status: 502, cs_host: 'www.example.com', cs_user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36' },
    ]);
  });

  it('throws a ConfigError for an unknown option, and the defaults round-trip through the schema', () => {
    // Prepare
    const defaults = CloudFrontStandardOptionsSchema.parse({});

    // Act
    const error = (() => {
      try {
        cloudfrontStandard({ keepClientIP: true } as CloudFrontStandardOptions);
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('keepClientIP');
    expect(CloudFrontStandardOptionsSchema.parse(defaults)).toEqual({ keepClientIp: false, keepCookies: false, queryStrings: 'off' });
    expect(cloudfrontStandard().name).toBe('cloudfront-standard');
  });

  it('gives the same values for selected fields as a full parse (property)', () => {
    fc.assert(
      fc.property(headerAndLines, fc.subarray(SELECTABLE), fc.boolean(), ([names, lines], selected, keepClientIp) => {
        // Prepare
        const input = [`#Fields: ${names.join(' ')}`, ...lines];
        const select = new Set(selected);

        // Act
        const full = parseLines(input, { keepClientIp });
        const partial = parseLines(input, { keepClientIp }, { select });

        // Assess
        expect(full.tally.errors).toBe(0);
        const expected = full.events.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k === 'timestamp' || select.has(k as EventField))));
        expect(partial.events).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('only makes events that pass CloudFrontEventSchema (property)', () => {
    fc.assert(
      fc.property(headerAndLines, fc.boolean(), ([names, lines], keepClientIp) => {
        // Prepare
        const input = [`#Fields: ${names.join(' ')}`, ...lines];

        // Act
        const { events } = parseLines(input, { keepClientIp });

        // Assess
        expect(events).toHaveLength(lines.length);
        for (const event of events) expect(CloudFrontEventSchema.parse(event)).toEqual(event);
      }),
      { numRuns: 300 },
    );
  });

  it('puts every line in exactly one tally bucket (property)', () => {
    const anyLine = fc.oneof(
      fc.constantFrom('', ' ', '\r', '#Version: 1.0', AWS_HEADER, CLAY_24_HEADER, AWS_LINE_1, AWS_LINE_3, CLAY_24_LINE_2, PETALBOT_JOINED, ELASTIC_000_SPACES),
      fc.string({ maxLength: 40 }),
      headerAndLines.map(([names, lines]) => [`#Fields: ${names.join(' ')}`, ...lines].join('\n')),
    );
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 20 }), (chunks) => {
        // Prepare
        const lines = chunks.join('\n').split('\n');

        // Act
        const { events, tally } = parseLines(lines);

        // Assess
        expect(tally.events + tally.errors + tally.headers + tally.blank).toBe(lines.length);
        expect(tally.events).toBe(events.length);
      }),
      { numRuns: 300 },
    );
  });
});
