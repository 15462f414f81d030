import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { cloudfrontFields } from '../../../src/formats/cloudfrontFields.js';
import { CloudFrontRealtimeOptionsSchema, cloudfrontRealtime } from '../../../src/formats/cloudfrontRealtime.js';
import { CloudFrontStandardOptionsSchema, cloudfrontStandard } from '../../../src/formats/cloudfrontStandard.js';
import type { LogFormat } from '../../../src/formats/logFormat.js';
import { emptyTally } from '../../../src/formats/logFormat.js';
import { cloudfrontPipeline } from '../../../src/pipelines/cloudfront/definition.js';
import { loadConfig } from '../../../src/runtime/config.js';
import { stepContext } from '../../../src/runtime/pipelineService.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';

// A request whose cookie and query carry secrets, as each log writes it.
const COOKIE = 'session=s3cr3t;%20theme=dark';
const QUERY = 'api_key=K123&page=2&flag';
const RT_FIELDS = ['timestamp', 'sc-status', 'cs-uri-stem', 'cs-cookie', 'cs-uri-query'];
const RT_LINE = ['1600299221.087', '200', '/login', COOKIE, QUERY].join('\t');
// Real-time cs-uri-stem carries the query too (formats.md §1.2 #10); this list has no cs-uri-query column.
const RT_STEM_FIELDS = ['timestamp', 'sc-status', 'cs-uri-stem'];
const RT_STEM_LINE = ['1600299221.087', '200', `/login?${QUERY}`].join('\t');
const STD_LINES = ['#Version: 1.0', '#Fields: date time sc-status cs-uri-stem cs-uri-query cs(Cookie)', ['2019-12-04', '21:02:31', '200', '/login', QUERY, COOKIE].join('\t')];

function parse(format: LogFormat<CloudFrontEvent>, lines: readonly string[]): CloudFrontEvent[] {
  const tally = emptyTally();
  const parser = format.createParser({ object: 'privacy.gz', tally });
  const events = lines.flatMap((line, i) => parser(line, i + 1) ?? []);
  expect(tally.errors).toBe(0);
  return events;
}

type Options = { keepCookies?: boolean; queryStrings?: 'off' | 'names' | 'whole' };
const KINDS: readonly [string, (options: Options) => CloudFrontEvent][] = [
  ['cloudfrontRealtime', (options) => parse(cloudfrontRealtime({ fields: RT_FIELDS, ...options }), [RT_LINE])[0]!],
  ['cloudfrontRealtime, query from cs-uri-stem', (options) => parse(cloudfrontRealtime({ fields: RT_STEM_FIELDS, ...options }), [RT_STEM_LINE])[0]!],
  ['cloudfrontStandard', (options) => parse(cloudfrontStandard(options), STD_LINES)[0]!],
];

describe('format: CloudFront cookies and query strings (privacy)', () => {
  describe.each(KINDS)('%s', (_, eventOf) => {
    it('drops the cookie and nulls the query string by default', () => {
      // Act
      const event = eventOf({});

      // Assess
      expect(event).not.toHaveProperty('cs_cookie');
      expect(event).toHaveProperty('cs_uri_query', null);
      expect(JSON.stringify(event)).not.toMatch(/s3cr3t|K123/);
      expect(event).toMatchObject({ sc_status: 200, cs_uri_stem: '/login' });
    });

    it('keeps only the parameter names with queryStrings: names', () => {
      expect(eventOf({ queryStrings: 'names' }).cs_uri_query).toBe('api_key&page&flag');
    });

    it('keeps the query as logged with queryStrings: whole', () => {
      expect(eventOf({ queryStrings: 'whole' }).cs_uri_query).toBe(QUERY);
    });
  });

  it.each([
    ['cloudfrontRealtime', (options: Options) => parse(cloudfrontRealtime({ fields: RT_FIELDS, ...options }), [RT_LINE])[0]!],
    ['cloudfrontStandard', (options: Options) => parse(cloudfrontStandard(options), STD_LINES)[0]!],
  ])('%s keeps the cookie, decoded once, only with keepCookies', (_, eventOf) => {
    expect(eventOf({ keepCookies: true }).cs_cookie).toBe('session=s3cr3t; theme=dark');
  });

  it('reduces any query to its names: no value survives and every parameter keeps its place (property)', () => {
    const piece = fc.stringMatching(/^[a-z0-9%_.-]{0,6}$/);
    const params = fc.array(fc.tuple(piece, fc.option(piece, { nil: undefined })), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(params, (pairs) => {
        // Prepare
        const query = pairs.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join('&');
        const plan = cloudfrontFields('standard', ['date', 'time', 'cs-uri-query'], { keepClientIp: false, queryStrings: 'names' });

        // Act
        const event = plan.toEvent(plan.split(`2019-12-04\t21:02:31\t${query}`));

        // Assess
        expect(event.cs_uri_query).toBe(pairs.map(([name]) => name).join('&'));
      }),
    );
  });

  it.each([
    ['cloudfrontRealtime', (options: object) => cloudfrontRealtime(options)],
    ['cloudfrontStandard', (options: object) => cloudfrontStandard(options)],
  ])('%s throws a ConfigError for an unknown queryStrings mode', (_, build) => {
    expect(() => build({ queryStrings: 'values' })).toThrow(ConfigError);
    expect(() => build({ queryStrings: 'values' })).toThrow(/queryStrings/);
  });

  it('defaults to no cookies and no query strings, and the defaults round-trip through both schemas', () => {
    expect(CloudFrontRealtimeOptionsSchema.parse({})).toMatchObject({ keepCookies: false, queryStrings: 'off' });
    expect(CloudFrontStandardOptionsSchema.parse({})).toMatchObject({ keepCookies: false, queryStrings: 'off' });
    const defaults = CloudFrontStandardOptionsSchema.parse({});
    expect(CloudFrontStandardOptionsSchema.parse(defaults)).toEqual(defaults);
  });
});

describe('pipeline: cloudfront formats pass keepCookies and queryStrings on', () => {
  it('gives both formats the privacy options of FormatOptions', () => {
    // Prepare
    const realtime = cloudfrontPipeline.formats['cloudfront-realtime']!;
    const standard = cloudfrontPipeline.formats['cloudfront-standard']!;

    // Act
    const byDefault = [parse(realtime({ keepClientIp: false, fields: RT_FIELDS }), [RT_LINE])[0]!, parse(standard({ keepClientIp: false }), STD_LINES)[0]!];
    const kept = [
      parse(realtime({ keepClientIp: false, keepCookies: true, queryStrings: 'names', fields: RT_FIELDS }), [RT_LINE])[0]!,
      parse(standard({ keepClientIp: false, keepCookies: true, queryStrings: 'names' }), STD_LINES)[0]!,
    ];

    // Assess
    for (const event of byDefault) {
      expect(event).not.toHaveProperty('cs_cookie');
      expect(event.cs_uri_query).toBeNull();
    }
    for (const event of kept) expect(event).toMatchObject({ cs_cookie: 'session=s3cr3t; theme=dark', cs_uri_query: 'api_key&page&flag' });
  });
});

describe('runtime: keepCookies and queryStrings configuration', () => {
  const NO_FILE = { LETSFLOW_CONFIG: '/nonexistent/letsflow.config.json' };

  it('defaults to keepCookies false and queryStrings off', async () => {
    const config = await loadConfig({}, NO_FILE);
    expect(config).toMatchObject({ keepCookies: false, queryStrings: 'off' });
  });

  it('reads LETSFLOW_KEEP_COOKIES and LETSFLOW_QUERY_STRINGS into the step context format', async () => {
    // Prepare
    const env = { ...NO_FILE, LETSFLOW_KEEP_COOKIES: 'true', LETSFLOW_QUERY_STRINGS: 'names', LETSFLOW_FIELDS: RT_FIELDS.join(',') };

    // Act
    const config = await loadConfig({}, env);
    const event = parse(stepContext(config, memoryCacheStore()).format as LogFormat<CloudFrontEvent>, [RT_LINE])[0];

    // Assess
    expect(config).toMatchObject({ keepCookies: true, queryStrings: 'names' });
    expect(event).toMatchObject({ cs_cookie: 'session=s3cr3t; theme=dark', cs_uri_query: 'api_key&page&flag' });
  });

  it('rejects an unknown LETSFLOW_QUERY_STRINGS, naming the variable', async () => {
    await expect(loadConfig({}, { ...NO_FILE, LETSFLOW_QUERY_STRINGS: 'all' })).rejects.toThrow(/queryStrings from env LETSFLOW_QUERY_STRINGS \(got "all"\)/);
  });
});
