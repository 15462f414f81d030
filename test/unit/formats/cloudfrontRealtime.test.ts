import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { MAX_ERROR_LINE_CHARS } from '../../../src/core/records.js';
import { CloudFrontEventSchema, type CloudFrontEvent, type EventField } from '../../../src/formats/cloudfront/event.js';
import { CloudFrontRealtimeOptionsSchema, cloudfrontRealtime, type CloudFrontRealtimeOptions } from '../../../src/formats/cloudfrontRealtime.js';
import { AWS_CANONICAL_FIELDS, SGRAPH_27_FIELDS, SGRAPH_LIVE_26_FIELDS } from '../../../src/formats/fieldLists.js';
import { emptyTally, type ParseTally } from '../../../src/formats/logFormat.js';

// Real lines. Each is kept byte for byte as published (TABs written as \t).

// claygregory/node-cloudfront-log-parser, test/fixtures/kinesis-1-0.txt (a 2020 real-time record; the
// fixture's own '#Fields:' line lists the 40 fields of the 2020 default configuration, without s-ip).
const KINESIS_FIELDS = [
  'timestamp', 'c-ip', 'time-to-first-byte', 'sc-status', 'sc-bytes', 'cs-method', 'cs-protocol', 'cs-host', 'cs-uri-stem',
  'cs-bytes', 'x-edge-location', 'x-edge-request-id', 'x-host-header', 'time-taken', 'cs-protocol-version', 'c-ip-version',
  'cs-user-agent', 'cs-referer', 'cs-cookie', 'cs-uri-query', 'x-edge-response-result-type', 'x-forwarded-for', 'ssl-protocol',
  'ssl-cipher', 'x-edge-result-type', 'fle-encrypted-fields', 'fle-status', 'sc-content-type', 'sc-content-len', 'sc-range-start',
  'sc-range-end', 'c-port', 'x-edge-detailed-result-type', 'c-country', 'cs-accept-encoding', 'cs-accept',
  'cache-behavior-path-pattern', 'cs-headers', 'cs-header-names', 'cs-headers-count',
];
const KINESIS_LINE = 
  '1607374321.541\t127.0.0.1\t0.042\t200\t485\tGET\thttp\ttest.cloudfront.net\t/i?stm=1607374321563&e=pp&url=http%253A%252F%252Flocalhost%253A5000%252Fpage-2&refr=http%253A%252F%252Flocalhost%253A5000%252F&pp_mix=0&pp_max=0&pp_miy=0&pp_may=0&tv=js-2.6.2&tna=cf&aid=site&p=web&tz=America%252FNew_York&lang=en-US&cs=UTF-8&res=3840x1600&cd=24&cookie=1&eid=d778127d-4ddf-4c04-90af-ffccc980eee8&dtm=1607374321561&vp=2450x1431&ds=2450x1431&vid=5&sid=a88ec782-713b-4e0d-b2da-c408e5730834&duid=eaa664f5-8ba9-41e9-9c98-a2ad088ca440&fp=2033130908\t745\tEWR52-C4\t6PfZe0cc_AjXUjFuGnL9pGOmFdUx8xR8ZU8nr44JYJWi-DaeJjcxkw==\ttest.cloudfront.net\t0.042\tHTTP/1.1\tIPv4\tMozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010.15;%20rv:83.0)%20Gecko/20100101%20Firefox/83.0\thttp://localhost:5000/page-2\t-\tstm=1607374321563&e=pp&url=http%253A%252F%252Flocalhost%253A5000%252Fpage-2&refr=http%253A%252F%252Flocalhost%253A5000%252F&pp_mix=0&pp_max=0&pp_miy=0&pp_may=0&tv=js-2.6.2&tna=cf&aid=site&p=web&tz=America%252FNew_York&lang=en-US&cs=UTF-8&res=3840x1600&cd=24&cookie=1&eid=d778127d-4ddf-4c04-90af-ffccc980eee8&dtm=1607374321561&vp=2450x1431&ds=2450x1431&vid=5&sid=a88ec782-713b-4e0d-b2da-c408e5730834&duid=eaa664f5-8ba9-41e9-9c98-a2ad088ca440&fp=2033130908\tMiss\t-\t-\t-\tMiss\t-\t-\timage/gif\t35\t-\t-\t49323\tMiss\tUS\tgzip,%20deflate\timage/webp,*/*\t*\tHost:test.cloudfront.net%0AUser-Agent:Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010.15;%20rv:83.0)%20Gecko/20100101%20Firefox/83.0%0AAccept:image/webp,*/*%0AAccept-Language:en-US,en;q=0.5%0AAccept-Encoding:gzip,%20deflate%0ADNT:1%0AConnection:keep-alive%0AReferer:http://localhost:5000/page-2%0A\tHost%0AUser-Agent%0AAccept%0AAccept-Language%0AAccept-Encoding%0ADNT%0AConnection%0AReferer%0A\t8';

// ownstats/ownstats: the field list of backend/resources/cf-distribution.yml (CFRealtimeLogsConfig.Fields)
// and the records backend/tests/data/rawPageViewData.txt and backend/tests/data/rawRefererData.txt.
const OWNSTATS_FIELDS = [
  'timestamp', 'c-ip', 'sc-status', 'cs-uri-stem', 'cs-bytes', 'x-edge-location', 'time-taken', 'cs-user-agent', 'cs-referer',
  'cs-uri-query', 'x-edge-result-type', 'asn',
];
const OWNSTATS_PAGE_VIEW = 
  '1668968526.477\t91.48.244.135\t200\t/hello.gif?t=pv&ts=1668968526289&u=http%253A%252F%252Flocalhost%253A3000%252Fazure&hn=localhost&pa=%252Fazure&ua=Mozilla%252F5.0%2520(Macintosh%253B%2520Intel%2520Mac%2520OS%2520X%252010_15_7)%2520AppleWebKit%252F537.36%2520(KHTML%252C%2520like%2520Gecko)%2520Chrome%252F107.0.0.0%2520Safari%252F537.36&iw=1356&ih=902&ti=Map%2520the%2520Cloud%2520-%2520Azure%2520Services%2520%2526%2520Regions&w=3440&h=1440&d=24&l=de-DE&p=MacIntel&m=8&c=8&tz=Europe%252FBerlin\t319\tHAM50-C2\t0.000\tMozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/107.0.0.0%20Safari/537.36\thttp://localhost:3000/\tt=pv&ts=1668968526289&u=http%253A%252F%252Flocalhost%253A3000%252Fazure&hn=localhost&pa=%252Fazure&ua=Mozilla%252F5.0%2520(Macintosh%253B%2520Intel%2520Mac%2520OS%2520X%252010_15_7)%2520AppleWebKit%252F537.36%2520(KHTML%252C%2520like%2520Gecko)%2520Chrome%252F107.0.0.0%2520Safari%252F537.36&iw=1356&ih=902&ti=Map%2520the%2520Cloud%2520-%2520Azure%2520Services%2520%2526%2520Regions&w=3440&h=1440&d=24&l=de-DE&p=MacIntel&m=8&c=8&tz=Europe%252FBerlin\tHit\t3320';
const OWNSTATS_IPV6 = 
  '1702852983.380\t2600:1700:2328:7f60:fc5c:8867:7522:1bef\t200\t/hello.gif?t=pv&ts=1702852983288&u=https%253A%252F%252Fmapthe.cloud%252F&hn=mapthe.cloud&pa=%252F&ua=Mozilla%252F5.0%2520(Macintosh%253B%2520Intel%2520Mac%2520OS%2520X%252010_15_7)%2520AppleWebKit%252F537.36%2520(KHTML%252C%2520like%2520Gecko)%2520Chrome%252F120.0.0.0%2520Safari%252F537.36&r=https%253A%252F%252Fcloudsecdocs.com%252F&iw=1728&ih=995&ti=Map%2520the%2520Cloud&w=1728&h=1117&d=30&l=en-US&p=MacIntel&m=8&c=10&tz=America%252FLos_Angeles\t674\tSFO53-C1\t0.002\tMozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/120.0.0.0%20Safari/537.36\thttps://mapthe.cloud/\tt=pv&ts=1702852983288&u=https%253A%252F%252Fmapthe.cloud%252F&hn=mapthe.cloud&pa=%252F&ua=Mozilla%252F5.0%2520(Macintosh%253B%2520Intel%2520Mac%2520OS%2520X%252010_15_7)%2520AppleWebKit%252F537.36%2520(KHTML%252C%2520like%2520Gecko)%2520Chrome%252F120.0.0.0%2520Safari%252F537.36&r=https%253A%252F%252Fcloudsecdocs.com%252F&iw=1728&ih=995&ti=Map%2520the%2520Cloud&w=1728&h=1117&d=30&l=en-US&p=MacIntel&m=8&c=10&tz=America%252FLos_Angeles\tHit\t7018';

// the-cyber-boardroom/SGraph-AI__Service__Playwright,
// tests/unit/sgraph_ai_service_playwright__cli/elastic/lets/cf/events/service/test_CF__Realtime__Log__Parser.py
// (LINE_1 and LINE_2, "verbatim from the user's pasted CF log lines", 2026, the 26-field live configuration).
const SGRAPH_FUNCTION_302 =
  '1777075217.167\t0.001\t302\t246\tGET\thttps\tsgraph.ai\t/enhancecp\tHIO52-P4\t2TZI-f7L0PmDR-76lAEx4wdq-StamTTbisIdbMSYhB4eVeyTcPy0qw==\t0.001\tHTTP/2.0\tMozilla/5.0%20(compatible;%20wpbot/1.4;%20+https://forms.gle/ajBaxygz9jSR8p8G9)\t-\tFunctionGeneratedResponse\tTLSv1.3\tTLS_AES_128_GCM_SHA256\t-\t0\t-\t-\tUS\tgzip\t-\t-\t-';
const SGRAPH_ROBOTS_403 =
  '1777075217.160\t0.924\t403\t363\tGET\thttps\tsgraph.ai\t/robots.txt\tHIO52-P4\tBMtxwcXadQXVuawbKov5bSBaxNrAxnxuEI-8RU1AH4i5hUSarxBZwA==\t0.924\tHTTP/2.0\tMozilla/5.0%20(compatible;%20wpbot/1.4;%20+https://forms.gle/ajBaxygz9jSR8p8G9)\t-\tError\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tapplication/xml\t-\t-\t-\tUS\tgzip\t-\t0.424\t0.424';

interface Run {
  readonly events: CloudFrontEvent[];
  readonly tally: ParseTally;
}

function parseLines(options: CloudFrontRealtimeOptions, lines: readonly string[], context: { select?: ReadonlySet<EventField>; maxErrorRecords?: number } = {}): Run {
  const tally = emptyTally();
  const parse = cloudfrontRealtime(options).createParser({ object: 's3://logs/realtime/sgsend-cf-1.gz', tally, ...context });
  const events: CloudFrontEvent[] = [];
  lines.forEach((line, i) => {
    const event = parse(line, i + 1);
    if (event !== undefined) events.push(event);
  });
  return { events, tally };
}

function columns(line: string): string[] {
  return line.split('\t');
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

// Generated lines for the properties: each field gets values of its own kind, escapes and '-' included.
const INT_FIELDS = new Set(['sc-bytes', 'cs-bytes', 'fle-encrypted-fields', 'sc-content-len', 'sc-range-start', 'sc-range-end', 'c-port', 'cs-headers-count', 'asn']);
const SECONDS_FIELDS = new Set(['time-to-first-byte', 'time-taken', 'origin-fbl', 'origin-lbl']);
const textPiece = fc.constantFrom('a', 'Z', '0', '/', '.', ';', ',', '(', ')', '+', '*', '=', '&', ':', '%20', '%2520', '%0A', '%2', '%zz', '%C3%A9', '%E2%82', '%3F');
const text = (pieces = textPiece) => fc.array(pieces, { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
const orDash = (value: fc.Arbitrary<string>) => fc.oneof({ arbitrary: fc.constant('-'), weight: 1 }, { arbitrary: value, weight: 4 });
const timestampValue = fc
  .tuple(fc.integer({ min: 946684800, max: 4133980799 }), fc.integer({ min: 0, max: 999 }))
  .map(([s, ms]) => `${s}.${String(ms).padStart(3, '0')}`);
const pathPiece = textPiece.filter((p) => p !== '%3F');

function valueOf(name: string): fc.Arbitrary<string> {
  if (name === 'timestamp') return timestampValue;
  if (name === 'sc-status') return orDash(fc.integer({ min: 0, max: 599 }).map((n) => String(n).padStart(3, '0')));
  if (INT_FIELDS.has(name)) return orDash(fc.nat({ max: 2 ** 40 }).map(String));
  if (SECONDS_FIELDS.has(name)) return orDash(fc.tuple(fc.nat(99), fc.nat(999)).map(([s, ms]) => `${s}.${String(ms).padStart(3, '0')}`));
  if (name === 'cs-uri-stem') return orDash(fc.tuple(text(pathPiece), fc.option(text(), { nil: undefined })).map(([p, q]) => `/${p}${q === undefined ? '' : `?${q}`}`));
  return orDash(text());
}

const lineOf = (names: readonly string[]) => fc.tuple(...names.map(valueOf)).map((values) => values.join('\t'));
const SELECTABLE = Object.keys(CloudFrontEventSchema.shape).filter((k): k is EventField => k !== 'extra');

describe('format: cloudfrontRealtime', () => {
  it('parses a real 40-field record: numbers typed, text decoded once, - as null', () => {
    // Prepare
    const options = { fields: KINESIS_FIELDS, queryStrings: 'whole' as const };

    // Act
    const { events, tally } = parseLines(options, [KINESIS_LINE]);

    // Assess
    expect(tally).toMatchObject({ events: 1, errors: 0 });
    expect(events[0]).toMatchObject({
      timestamp: 1607374321541,
      time_to_first_byte: 0.042,
      sc_status: 200,
      sc_bytes: 485,
      cs_protocol: 'http',
      cs_host: 'test.cloudfront.net',
      cs_uri_stem: '/i',
      cs_bytes: 745,
      x_edge_location: 'EWR52-C4',
      x_host_header: 'test.cloudfront.net',
      cs_user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:83.0) Gecko/20100101 Firefox/83.0',
      cs_referer: 'http://localhost:5000/page-2',
      ssl_protocol: null,
      fle_encrypted_fields: null,
      sc_content_len: 35,
      sc_range_start: null,
      c_port: 49323,
      c_country: 'US',
      cs_accept_encoding: 'gzip, deflate',
      cs_accept: 'image/webp,*/*',
      cs_header_names: 'Host\nUser-Agent\nAccept\nAccept-Language\nAccept-Encoding\nDNT\nConnection\nReferer\n',
      cs_headers_count: 8,
    });
    expect(events[0]).not.toHaveProperty('c_ip');
    expect(events[0]).not.toHaveProperty('x_forwarded_for');
    expect(events[0]).not.toHaveProperty('cs_cookie');
    // With queryStrings 'whole' the query column is kept as logged: the client's own %3A arrives as %253A.
    expect(events[0]?.cs_uri_query).toBe(columns(KINESIS_LINE)[19]);
    expect(events[0]?.cs_uri_query).toContain('url=http%253A%252F%252Flocalhost');
  });

  it('keeps a literal + in the user agent and reads newer result types as text', () => {
    // Prepare
    const options = { fields: 'sgraph-live-26' };

    // Act
    const { events } = parseLines(options, [SGRAPH_FUNCTION_302, SGRAPH_ROBOTS_403]);

    // Assess
    expect(events.map((e) => e.cs_user_agent)).toEqual([
      'Mozilla/5.0 (compatible; wpbot/1.4; +https://forms.gle/ajBaxygz9jSR8p8G9)',
      'Mozilla/5.0 (compatible; wpbot/1.4; +https://forms.gle/ajBaxygz9jSR8p8G9)',
    ]);
    expect(events[0]).toMatchObject({ timestamp: 1777075217167, time_taken: 0.001, sc_status: 302, x_edge_detailed_result_type: 'FunctionGeneratedResponse', sc_content_len: 0, sc_content_type: null, origin_fbl: null });
    expect(events[1]).toMatchObject({ timestamp: 1777075217160, sc_status: 403, sc_content_type: 'application/xml', origin_fbl: 0.424, origin_lbl: 0.424 });
  });

  it('puts the query of cs-uri-stem into cs_uri_query only when the list has no cs-uri-query', () => {
    // Prepare: ownstats' list has cs-uri-query; drop that column to get a list without one
    const withoutQuery = OWNSTATS_FIELDS.filter((f) => f !== 'cs-uri-query');
    const lineWithoutQuery = columns(OWNSTATS_PAGE_VIEW).filter((_, i) => i !== 9).join('\t');

    // Act
    const withColumn = parseLines({ fields: OWNSTATS_FIELDS, queryStrings: 'whole' }, [OWNSTATS_PAGE_VIEW]).events[0];
    const derived = parseLines({ fields: withoutQuery, queryStrings: 'whole' }, [lineWithoutQuery]).events[0];

    // Assess
    expect(withColumn).toMatchObject({ cs_uri_stem: '/hello.gif', cs_uri_query: columns(OWNSTATS_PAGE_VIEW)[9], asn: 3320, time_taken: 0 });
    expect(derived?.cs_uri_stem).toBe('/hello.gif');
    expect(derived?.cs_uri_query).toBe(columns(OWNSTATS_PAGE_VIEW)[3]?.slice('/hello.gif?'.length));
  });

  it('drops an IPv6 c-ip unless keepClientIp is set', () => {
    // Prepare
    const lines = [OWNSTATS_IPV6];

    // Act
    const dropped = parseLines({ fields: OWNSTATS_FIELDS }, lines).events[0];
    const kept = parseLines({ fields: OWNSTATS_FIELDS, keepClientIp: true }, lines).events[0];

    // Assess
    expect(dropped).not.toHaveProperty('c_ip');
    expect(kept?.c_ip).toBe('2600:1700:2328:7f60:fc5c:8867:7522:1bef');
    expect(kept?.cs_referer).toBe('https://mapthe.cloud/');
  });

  it('reads 000 as status 0', () => {
    // Prepare: the 302 record with the status a viewer that hung up early gets (000, documented for sc-status)
    const cut = columns(SGRAPH_FUNCTION_302).map((v, i) => (i === 2 ? '000' : v)).join('\t');

    // Act
    const { events } = parseLines({ fields: 'sgraph-live-26' }, [cut]);

    // Assess
    expect(events[0]?.sc_status).toBe(0);
  });

  it('turns a line with another column count into a column_count error, never a shifted event', () => {
    // Prepare: the 26-column live record read with the 27-field preset, and the same record cut short
    const truncated = columns(SGRAPH_ROBOTS_403).slice(0, 24).join('\t');

    // Act
    const wrongList = parseLines({ fields: 'sgraph-27' }, [SGRAPH_ROBOTS_403]);
    const cutShort = parseLines({ fields: 'sgraph-live-26' }, [truncated]);

    // Assess
    expect(wrongList.events).toEqual([]);
    expect(wrongList.tally.errorRecords).toEqual([
      { object: 's3://logs/realtime/sgsend-cf-1.gz', line: 1, code: 'column_count', reason: 'expected 27 columns (field list sgraph-27), found 26', text: SGRAPH_ROBOTS_403 },
    ]);
    expect(cutShort.events).toEqual([]);
    expect(cutShort.tally.errorRecords[0]?.reason).toBe('expected 26 columns (field list sgraph-live-26), found 24');
  });

  it('rejects a non-numeric number with not_a_number naming the field', () => {
    // Prepare
    const bad = columns(SGRAPH_ROBOTS_403).map((v, i) => (i === 3 ? 'abc' : v)).join('\t');

    // Act
    const { events, tally } = parseLines({ fields: 'sgraph-live-26' }, [bad]);

    // Assess
    expect(events).toEqual([]);
    expect(tally.errorRecords[0]).toMatchObject({ code: 'not_a_number', reason: "sc-bytes is not a whole number: 'abc'" });
  });

  it('rejects a timestamp outside the years 2000..2100', () => {
    // Prepare
    const lines = ['946684799.999', '4133980800.000', '4133980799.999'].map((ts) => [ts, ...columns(SGRAPH_ROBOTS_403).slice(1)].join('\t'));

    // Act
    const { events, tally } = parseLines({ fields: 'sgraph-live-26' }, lines);

    // Assess
    expect(tally.errorRecords.map((r) => [r.line, r.code])).toEqual([[1, 'timestamp_invalid'], [2, 'timestamp_invalid']]);
    expect(events.map((e) => e.timestamp)).toEqual([4133980799999]);
  });

  it('keeps a broken percent escape as it is', () => {
    // Prepare: the Kinesis record with its cookie cut inside an escape, as the 800-byte limit does
    const cookie = 'session=a%20b%2';
    const line = columns(KINESIS_LINE).map((v, i) => (i === 18 ? cookie : v)).join('\t');

    // Act
    const { events } = parseLines({ fields: KINESIS_FIELDS, keepCookies: true }, [line]);

    // Assess
    expect(events[0]?.cs_cookie).toBe('session=a b%2');
  });

  it('counts blank lines, strips a trailing CR and counts # lines as headers', () => {
    // Prepare
    const lines = ['', '   ', `${SGRAPH_FUNCTION_302}\r`, '#Version: 1.0', SGRAPH_ROBOTS_403];

    // Act
    const { events, tally } = parseLines({ fields: 'sgraph-live-26' }, lines);

    // Assess
    expect(tally).toMatchObject({ events: 2, blank: 2, headers: 1, errors: 0 });
    expect(events[0]?.origin_lbl).toBeNull();
  });

  it('caps error records at maxErrorRecords but counts every error, and cuts the text', () => {
    // Prepare
    const long = `1777075217.160\t${'x'.repeat(2000)}`;
    const lines = [long, long, long, SGRAPH_ROBOTS_403];

    // Act
    const { tally } = parseLines({ fields: 'sgraph-live-26' }, lines, { maxErrorRecords: 2 });

    // Assess
    expect(tally.errors).toBe(3);
    expect(tally.events).toBe(1);
    expect(tally.errorRecords.map((r) => r.line)).toEqual([1, 2]);
    expect(tally.errorRecords[0]?.text).toHaveLength(MAX_ERROR_LINE_CHARS);
  });

  it('reads the 27-field sgraph preset in its own column order', () => {
    // Prepare: the values of the real 403 record placed in sgraph-27 order (that list adds cs-uri-query,
    // x-edge-result-type, x-edge-response-result-type and cs-accept, and drops c-country, detailed type, fle-status)
    const values: Record<string, string> = {
      timestamp: '1777075217.160', 'sc-status': '403', 'sc-bytes': '363', 'cs-method': 'GET', 'cs-uri-stem': '/robots.txt',
      'cs-uri-query': '-', 'cs-protocol': 'https', 'cs-protocol-version': 'HTTP/2.0', 'sc-content-type': 'application/xml',
      'sc-content-len': '-', 'cs-user-agent': 'Mozilla/5.0%20(compatible;%20wpbot/1.4;%20+https://forms.gle/ajBaxygz9jSR8p8G9)',
      'cs-referer': '-', 'x-edge-location': 'HIO52-P4', 'x-edge-result-type': 'Error', 'x-edge-response-result-type': 'Error',
      'x-edge-request-id': 'BMtxwcXadQXVuawbKov5bSBaxNrAxnxuEI-8RU1AH4i5hUSarxBZwA==', 'time-taken': '0.924',
      'time-to-first-byte': '0.924', 'sc-range-start': '-', 'sc-range-end': '-', 'ssl-protocol': 'TLSv1.3',
      'ssl-cipher': 'TLS_AES_128_GCM_SHA256', 'cs-accept': '*/*', 'cs-accept-encoding': 'gzip', 'cs-host': 'sgraph.ai',
      'origin-fbl': '0.424', 'origin-lbl': '0.424',
    };
    const line = SGRAPH_27_FIELDS.map((f) => values[f]).join('\t');

    // Act
    const { events } = parseLines({}, [line]);

    // Assess
    expect(SGRAPH_27_FIELDS).toHaveLength(27);
    expect(events[0]).toMatchObject({ sc_status: 403, cs_uri_query: null, x_edge_result_type: 'Error', cs_accept: '*/*', cs_host: 'sgraph.ai', origin_lbl: 0.424 });
    expect(Object.keys(events[0] ?? {})).toHaveLength(27);
  });

  it('reads the 26-field live preset and the 69-field canonical preset', () => {
    // Prepare: a canonical line where every field holds '-' except the timestamp, s-ip and one CMCD key
    const canonical = AWS_CANONICAL_FIELDS.map((f) => ({ timestamp: '1777075217.160', 's-ip': '65.8.177.136', 'cmcd-session-id': '6e2fb550-c457-11e9-bb97-0800200c9a66' })[f as string] ?? '-').join('\t');

    // Act
    const live = parseLines({ fields: 'sgraph-live-26' }, [SGRAPH_ROBOTS_403]);
    const full = parseLines({ fields: 'aws-canonical' }, [canonical]);

    // Assess
    expect(SGRAPH_LIVE_26_FIELDS).toHaveLength(26);
    expect(live.tally.events).toBe(1);
    expect(AWS_CANONICAL_FIELDS).toHaveLength(69);
    expect(full.events[0]).toMatchObject({ timestamp: 1777075217160, s_ip: '65.8.177.136', connection_id: null });
    expect(full.events[0]?.extra).toMatchObject({ 'cmcd-session-id': '6e2fb550-c457-11e9-bb97-0800200c9a66', 'r-host': null, 'x-edge-mqcs': null });
    expect(Object.keys(full.events[0]?.extra ?? {})).toHaveLength(21);
  });

  it('throws a ConfigError naming an unknown preset and listing the valid ones', () => {
    // Prepare
    const options = { fields: 'sgraph-28' };

    // Act
    const error = configError(() => cloudfrontRealtime(options));

    // Assess
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain("'sgraph-28'");
    expect(error.message).toContain('aws-canonical, sgraph-27, sgraph-live-26');
  });

  it.each([
    ['a list without timestamp', { fields: ['sc-status', 'sc-bytes'] }, "no 'timestamp'"],
    ['a list naming a field twice', { fields: ['timestamp', 'sc-status', 'sc-status'] }, "'sc-status' more than once"],
    ['an unknown option', { fields: 'sgraph-27', keepClientIP: true }, 'keepClientIP'],
    ['a wrong type', { keepClientIp: 'yes' }, 'keepClientIp'],
  ])('throws a ConfigError for %s', (_case, options, mention) => {
    // Prepare: options come from the table

    // Act
    const error = configError(() => cloudfrontRealtime(options as CloudFrontRealtimeOptions));

    // Assess
    expect(error.message).toContain(mention);
  });

  it('defaults to the sgraph-27 list without client IPs, and the defaults round-trip through the schema', () => {
    // Prepare
    const defaults = CloudFrontRealtimeOptionsSchema.parse({});

    // Act
    const again = CloudFrontRealtimeOptionsSchema.parse(defaults);

    // Assess
    expect(defaults).toEqual({ fields: 'sgraph-27', keepClientIp: false, keepCookies: false, queryStrings: 'off' });
    expect(again).toEqual(defaults);
    expect(cloudfrontRealtime().name).toBe('cloudfront-realtime');
  });

  it('parses only the selected fields, still checking the column count', () => {
    // Prepare
    const select = new Set<EventField>(['sc_status', 'cs_user_agent', 'origin_fbl']);
    const short = columns(SGRAPH_ROBOTS_403).slice(0, 25).join('\t');

    // Act
    const { events, tally } = parseLines({ fields: 'sgraph-live-26' }, [SGRAPH_ROBOTS_403, short], { select });

    // Assess
    expect(events).toEqual([{ timestamp: 1777075217160, sc_status: 403, cs_user_agent: 'Mozilla/5.0 (compatible; wpbot/1.4; +https://forms.gle/ajBaxygz9jSR8p8G9)', origin_fbl: 0.424 }]);
    expect(tally.errorRecords[0]?.reason).toBe('expected 26 columns (field list sgraph-live-26), found 25');
  });

  it('gives the same values for selected fields as a full parse (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(SGRAPH_27_FIELDS, SGRAPH_LIVE_26_FIELDS, AWS_CANONICAL_FIELDS, OWNSTATS_FIELDS).chain((names) => fc.tuple(fc.constant(names), lineOf(names))),
        fc.subarray(SELECTABLE),
        fc.boolean(),
        ([names, line], selected, keepClientIp) => {
          // Prepare
          const select = new Set(selected);
          const options = { fields: [...names], keepClientIp };

          // Act
          const full = parseLines(options, [line]).events[0];
          const partial = parseLines(options, [line], { select }).events[0];

          // Assess
          expect(full).toBeDefined();
          const expected = Object.fromEntries(Object.entries(full ?? {}).filter(([k]) => k === 'timestamp' || select.has(k as EventField)));
          expect(partial).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('only makes events that pass CloudFrontEventSchema (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(SGRAPH_27_FIELDS, SGRAPH_LIVE_26_FIELDS, AWS_CANONICAL_FIELDS, KINESIS_FIELDS).chain((names) => fc.tuple(fc.constant(names), lineOf(names))),
        fc.boolean(),
        ([names, line], keepClientIp) => {
          // Prepare
          const options = { fields: [...names], keepClientIp };

          // Act
          const { events } = parseLines(options, [line]);

          // Assess
          expect(events).toHaveLength(1);
          expect(CloudFrontEventSchema.parse(events[0])).toEqual(events[0]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts every line in exactly one tally bucket (property)', () => {
    const anyLine = fc.oneof(
      lineOf(SGRAPH_LIVE_26_FIELDS),
      fc.constantFrom('', ' ', '\r', '#Fields: timestamp', SGRAPH_ROBOTS_403, `${SGRAPH_FUNCTION_302}\r`, 'not\ta\tlog'),
      fc.string({ maxLength: 30 }),
      lineOf(SGRAPH_LIVE_26_FIELDS).map((l) => l.replace('\t', '\tabc\t')),
    );
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), fc.nat(5), (lines, maxErrorRecords) => {
        // Prepare: lines and the error record bound come from the generators

        // Act
        const { events, tally } = parseLines({ fields: 'sgraph-live-26' }, lines, { maxErrorRecords });

        // Assess
        expect(tally.events + tally.errors + tally.headers + tally.blank).toBe(lines.length);
        expect(tally.events).toBe(events.length);
        expect(tally.errorRecords).toHaveLength(Math.min(tally.errors, maxErrorRecords));
      }),
      { numRuns: 300 },
    );
  });
});
