import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SOURCE_TYPE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * `LETS__SOURCE_TYPE_MAP`: which parser reads the objects under a bucket and key prefix (seed
 * 002 R2, "single Lambda, multiple parsers"). A JSON object whose keys are either
 *
 * - `s3://<bucket>/<prefix>`: objects of that bucket whose key starts with `<prefix>`
 *   (`s3://<bucket>` or `s3://<bucket>/` is the whole bucket), or
 * - `<prefix>`: objects of any bucket whose key starts with it (`""` matches every key),
 *
 * and whose values are source types such as `cloudfront-realtime`. The `s3://` form is the one
 * letsflow names objects with, and it keeps a bucket apart from a prefix (`logs/` alone is a
 * prefix, never a bucket). The rule with the longest key prefix wins; on a tie, the rule naming
 * the bucket wins. Example: `{"cloudfront-realtime/": "cloudfront-realtime",
 * "s3://acme-access-logs/transfers-bucket/": "s3-access"}`.
 */
export const SourceTypeMapSchema = z
  .record(
    z
      .string()
      .max(1100)
      .refine((key) => !key.startsWith('s3://') || BUCKET_NAME.test(key.slice(5).split('/')[0] ?? ''), {
        message: 'an s3:// key must name a bucket: s3://bucket-name/optional/prefix/',
      })
      .describe('s3://bucket/prefix (one bucket) or a bare key prefix (any bucket)'),
    z.string().regex(SOURCE_TYPE, 'a source type is lower-case letters, digits and "-", such as cloudfront-realtime').describe('the parser for those objects'),
  )
  .describe('bucket/prefix → source type; the longest matching prefix wins, a rule naming the bucket wins a tie');

export type SourceTypeMap = z.infer<typeof SourceTypeMapSchema>;

/** What to do with one object: hand it to the parser of `sourceType`, or leave it and why. */
export type RouteDecision =
  | { readonly action: 'process'; readonly sourceType: string; /** The map key that matched. */ readonly rule: string }
  | {
      readonly action: 'skip';
      /** `cache_bucket`: the object is letsflow's own output (circular trigger); `no_route`: no rule matches it. */
      readonly reason: 'cache_bucket' | 'no_route';
    };

/** How many objects went where since the router was built. */
export interface RouterCounts {
  /** Source type → objects routed to it. */
  readonly routed: Readonly<Record<string, number>>;
  readonly skipped: { readonly cache_bucket: number; readonly no_route: number };
}

export interface SourceTypeRouter {
  route(object: { readonly bucket: string; readonly key: string }): RouteDecision;
  counts(): RouterCounts;
  /** The source types the map can route to, sorted. */
  readonly sourceTypes: readonly string[];
}

export interface SourceTypeRouterOptions {
  /** The map, or its JSON text (as in `LETS__SOURCE_TYPE_MAP`). */
  readonly map: string | Readonly<Record<string, string>>;
  /**
   * The bucket letsflow writes its cache to: never processed, whatever the map says. Required;
   * `undefined` only when the cache is not in S3 (a folder), so a guard is never left out by accident.
   */
  readonly cacheBucket: string | undefined;
  /** Names the map's origin in error messages; `LETS__SOURCE_TYPE_MAP` by default. */
  readonly option?: string;
}

interface Rule {
  readonly text: string;
  readonly bucket: string | undefined;
  readonly prefix: string;
  readonly sourceType: string;
}

/** Parses and validates a source-type map (see `SourceTypeMapSchema`), throwing a ConfigError that names `option`. */
export function parseSourceTypeMap(map: string | Readonly<Record<string, string>>, option = 'LETS__SOURCE_TYPE_MAP'): SourceTypeMap {
  let value: unknown = map;
  if (typeof map === 'string') {
    try {
      value = JSON.parse(map);
    } catch (error) {
      throw new ConfigError(
        `${option} is not JSON (${(error as Error).message}); got ${JSON.stringify(map.slice(0, 200))}, expected an object such as {"cloudfront-realtime/": "cloudfront-realtime"}`,
      );
    }
  }
  const parsed = SourceTypeMapSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? JSON.stringify(issue.path.join('.')) : '(map)';
      // A bad key is reported as one "Invalid key in record" issue; its own issues say why.
      const why = issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join(', ') : issue.message;
      return `${where}: ${why}`;
    });
    throw new ConfigError(`${option} is invalid: ${problems.join('; ')}; got ${JSON.stringify(value)?.slice(0, 300)}, expected {"s3://bucket/prefix/" or "prefix/": "source-type"}`);
  }
  return parsed.data;
}

/**
 * Routes S3 objects to a source type by bucket and key prefix, from `LETS__SOURCE_TYPE_MAP`
 * (format in `SourceTypeMapSchema`), and refuses the cache bucket.
 *
 * The map is validated once, when the router is built: bad JSON, a bad key or source type, or a
 * rule naming the cache bucket throws a ConfigError saying which. `route` then answers from
 * memory: an object in the cache bucket is skipped as `cache_bucket` before any rule is
 * consulted (letsflow never reads its own output, so a notification wrongly set on the cache
 * bucket cannot loop, seed 002 §4.5); otherwise the longest matching prefix decides, and an
 * object no rule matches is skipped as `no_route`. Every decision is counted (`counts()`), so
 * skipped objects are never silent. The counters are bounded by the map's source types.
 *
 * @example
 * ```ts
 * import { sourceTypeRouter } from 'letsflow';
 * const router = sourceTypeRouter({ map: process.env.LETS__SOURCE_TYPE_MAP ?? '{}', cacheBucket: 'acme-cache' });
 * router.route({ bucket: 'acme-cf-logs', key: 'cloudfront-realtime/2026/02/16/a.gz' });
 * // { action: 'process', sourceType: 'cloudfront-realtime', rule: 'cloudfront-realtime/' }
 * ```
 * @param options.map the map or its JSON text
 * @param options.cacheBucket the bucket holding letsflow's cache (`undefined` for a cache in a folder)
 * @param options.option the map's name in error messages
 * @returns the router
 * @throws ConfigError when the map or the cache bucket is invalid
 * @see parseS3Event
 */
export function sourceTypeRouter(options: SourceTypeRouterOptions): SourceTypeRouter {
  const option = options.option ?? 'LETS__SOURCE_TYPE_MAP';
  const { cacheBucket } = options;
  if (cacheBucket !== undefined && !BUCKET_NAME.test(cacheBucket)) throw new ConfigError(`the cache bucket ${JSON.stringify(cacheBucket)} is not a bucket name (3 to 63 characters of [a-z0-9.-])`);
  const rules: Rule[] = Object.entries(parseSourceTypeMap(options.map, option)).map(([text, sourceType]) => {
    if (!text.startsWith('s3://')) return { text, bucket: undefined, prefix: text, sourceType };
    const [bucket = '', ...rest] = text.slice('s3://'.length).split('/');
    return { text, bucket, prefix: rest.join('/'), sourceType };
  });
  const circular = cacheBucket === undefined ? undefined : rules.find((rule) => rule.bucket === cacheBucket);
  if (circular !== undefined) {
    throw new ConfigError(
      `${option} rule ${JSON.stringify(circular.text)} names the cache bucket ${cacheBucket}: letsflow would process its own output (circular trigger); remove the rule`,
    );
  }
  // Longest prefix first; on a tie the rule naming a bucket first. The first rule that matches wins.
  rules.sort((a, b) => b.prefix.length - a.prefix.length || Number(b.bucket !== undefined) - Number(a.bucket !== undefined));

  const routed = new Map<string, number>(rules.map((rule) => [rule.sourceType, 0]));
  const skipped = { cache_bucket: 0, no_route: 0 };
  return {
    sourceTypes: [...routed.keys()].sort(),
    route({ bucket, key }) {
      if (cacheBucket !== undefined && bucket === cacheBucket) {
        skipped.cache_bucket += 1;
        return { action: 'skip', reason: 'cache_bucket' };
      }
      const rule = rules.find((r) => (r.bucket === undefined || r.bucket === bucket) && key.startsWith(r.prefix));
      if (rule === undefined) {
        skipped.no_route += 1;
        return { action: 'skip', reason: 'no_route' };
      }
      routed.set(rule.sourceType, (routed.get(rule.sourceType) ?? 0) + 1);
      return { action: 'process', sourceType: rule.sourceType, rule: rule.text };
    },
    counts: () => ({ routed: Object.fromEntries(routed), skipped: { ...skipped } }),
  };
}
