import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/core/errors.js';
import { parseSourceTypeMap, sourceTypeRouter, SourceTypeMapSchema } from '../../../../src/sources/sqsS3Events/sourceTypeRouter.js';

const CACHE = 'acme-cache';

describe('source: sourceTypeRouter', () => {
  it('routes by the longest matching prefix', () => {
    // Prepare
    const router = sourceTypeRouter({
      map: JSON.stringify({ 'logs/': 'cloudfront-standard', 'logs/realtime/': 'cloudfront-realtime', '': 'catch-all' }),
      cacheBucket: CACHE,
    });

    // Act + Assess
    expect(router.route({ bucket: 'a', key: 'logs/realtime/x.gz' })).toEqual({ action: 'process', sourceType: 'cloudfront-realtime', rule: 'logs/realtime/' });
    expect(router.route({ bucket: 'a', key: 'logs/std/x.gz' })).toEqual({ action: 'process', sourceType: 'cloudfront-standard', rule: 'logs/' });
    expect(router.route({ bucket: 'a', key: 'other/x.gz' })).toEqual({ action: 'process', sourceType: 'catch-all', rule: '' });
    expect(router.counts()).toEqual({ routed: { 'cloudfront-realtime': 1, 'cloudfront-standard': 1, 'catch-all': 1 }, skipped: { cache_bucket: 0, no_route: 0 } });
  });

  it('matches s3://bucket/prefix rules in their bucket only; a bucket rule wins a tie with a bare prefix', () => {
    // Prepare
    const router = sourceTypeRouter({
      map: { 's3://acme-access-logs/transfers-bucket/': 's3-access', 'transfers-bucket/': 'other', 's3://acme-cf-logs': 'cloudfront-realtime', 's3://acme-cf-logs/std/x/': 'cloudfront-standard' },
      cacheBucket: CACHE,
    });

    // Act + Assess
    expect(router.route({ bucket: 'acme-access-logs', key: 'transfers-bucket/2026-02-16' })).toMatchObject({ sourceType: 's3-access' });
    expect(router.route({ bucket: 'elsewhere', key: 'transfers-bucket/2026-02-16' })).toMatchObject({ sourceType: 'other' });
    expect(router.route({ bucket: 'acme-cf-logs', key: 'anything.gz' })).toMatchObject({ sourceType: 'cloudfront-realtime', rule: 's3://acme-cf-logs' });
    expect(router.route({ bucket: 'acme-cf-logs', key: 'std/x/1.gz' })).toMatchObject({ sourceType: 'cloudfront-standard' });
    expect(router.route({ bucket: 'elsewhere', key: 'anything.gz' })).toEqual({ action: 'skip', reason: 'no_route' });
    expect(router.counts().skipped.no_route).toBe(1);
    expect(router.sourceTypes).toEqual(['cloudfront-realtime', 'cloudfront-standard', 'other', 's3-access']);
  });

  it('refuses every object of the cache bucket, even under a catch-all rule, and counts it', () => {
    // Prepare
    const router = sourceTypeRouter({ map: { '': 'cloudfront-realtime' }, cacheBucket: CACHE });

    // Act
    const decisions = ['sa-ledger/objects/a.json', 'cloudfront-realtime/x.gz'].map((key) => router.route({ bucket: CACHE, key }));

    // Assess
    expect(decisions).toEqual([
      { action: 'skip', reason: 'cache_bucket' },
      { action: 'skip', reason: 'cache_bucket' },
    ]);
    expect(router.counts()).toEqual({ routed: { 'cloudfront-realtime': 0 }, skipped: { cache_bucket: 2, no_route: 0 } });
  });

  it('takes an explicit undefined cache bucket when the cache is a folder', () => {
    const router = sourceTypeRouter({ map: { '': 'cloudfront-realtime' }, cacheBucket: undefined });
    expect(router.route({ bucket: 'acme-cache', key: 'x.gz' })).toMatchObject({ action: 'process' });
  });

  it('accepts the map the deployed stack writes (prefix-only keys)', () => {
    // The LETS__SOURCE_TYPE_MAP infra/letsflowStack.ts builds from DEFAULT_SOURCE_BUCKETS.
    const map = '{"cloudfront-realtime/":"cloudfront-realtime","transfers-bucket/":"s3-access","cache-bucket/":"s3-access"}';
    expect(sourceTypeRouter({ map, cacheBucket: CACHE }).route({ bucket: 'acme-cf-logs', key: 'cloudfront-realtime/2026/02/16/a.gz' })).toMatchObject({
      sourceType: 'cloudfront-realtime',
    });
    expect(SourceTypeMapSchema.parse(JSON.parse(map))).toEqual(JSON.parse(map));
  });

  it.each([
    ['not JSON', '{cloudfront', /LETS__SOURCE_TYPE_MAP is not JSON .*got "\{cloudfront"/],
    ['an array', '["a"]', /LETS__SOURCE_TYPE_MAP is invalid/],
    ['a bad source type', '{"logs/":"CloudFront Realtime"}', /"logs\/": a source type is lower-case/],
    ['an s3:// key without a bucket', '{"s3:///logs/":"cloudfront-realtime"}', /an s3:\/\/ key must name a bucket/],
    ['a rule naming the cache bucket', `{"s3://${CACHE}/x/":"cloudfront-realtime"}`, /names the cache bucket acme-cache: .*circular trigger/],
  ])('throws a ConfigError for %s', (_, map, message) => {
    expect(() => sourceTypeRouter({ map, cacheBucket: CACHE })).toThrow(ConfigError);
    expect(() => sourceTypeRouter({ map, cacheBucket: CACHE })).toThrow(message);
  });

  it('names the option the map came from', () => {
    expect(() => parseSourceTypeMap('nope', 'serve --source-type-map')).toThrow(/^serve --source-type-map is not JSON/);
  });
});
