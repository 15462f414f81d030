import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { parseSourceTypeMap, type SourceTypeMap } from '../../sources/sqsS3Events/sourceTypeRouter.js';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// An empty variable is an unset one: the stack writes '' when it has nothing to say.
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

/**
 * The environment the processor function reads (infra/letsflowStack.ts sets the first, third and
 * fourth; seed 002 §3.5 names them). Only these variables are read, so no other value — the AWS
 * credentials live in the same environment — can reach a message. Format settings
 * (`LETSFLOW_FIELDS`, `LETSFLOW_KEEP_RAW`, `LETSFLOW_LATENESS_MINUTES`, …) are read as by
 * `loadConfig`.
 */
export const LambdaEnvSchema = z
  .object({
    CACHE__SERVICE__BUCKET_NAME: z
      .string({ error: 'CACHE__SERVICE__BUCKET_NAME is required: the cache service bucket letsflow writes to' })
      .regex(BUCKET_NAME, 'CACHE__SERVICE__BUCKET_NAME must be a bucket name (3 to 63 characters of [a-z0-9.-])')
      .describe('the cache service bucket: the store letsflow writes, and a bucket it never reads events from'),
    LETSFLOW_CACHE_PREFIX: optionalText
      .refine((prefix) => prefix === undefined || !prefix.startsWith('/'), 'LETSFLOW_CACHE_PREFIX must not start with "/"')
      .describe('folder inside the cache bucket holding the namespaces; the bucket root when unset'),
    LETS__SOURCE_TYPE_MAP: optionalText.describe('JSON {"s3://bucket/prefix/" or "prefix/": "source-type"} (SourceTypeMapSchema)'),
    SGRAPH_SEND__SA_LOGS_BUCKET: optionalText.describe('without LETS__SOURCE_TYPE_MAP: the bucket whose objects are cloudfront-realtime logs'),
    SGRAPH_SEND__SA_LOGS_PREFIX: optionalText.describe('with SGRAPH_SEND__SA_LOGS_BUCKET: the key prefix of those logs'),
  })
  .strict();

export interface LambdaEnv {
  readonly cacheBucket: string;
  readonly cachePrefix: string;
  readonly sourceTypeMap: SourceTypeMap;
}

/**
 * Reads and validates the processor's environment once. Without `LETS__SOURCE_TYPE_MAP`, the
 * seed's logs bucket and prefix become the one rule `{"s3://<bucket>/<prefix>":
 * "cloudfront-realtime"}`; with neither there is nothing to route, which is an error rather than
 * a function that silently skips every object.
 *
 * @example
 * ```ts
 * import { readLambdaEnv } from 'letsflow';
 * const env = readLambdaEnv({ CACHE__SERVICE__BUCKET_NAME: 'acme-cache', LETS__SOURCE_TYPE_MAP: '{"cloudfront-realtime/": "cloudfront-realtime"}' });
 * ```
 * @param env the environment, `process.env` in the function
 * @returns the cache bucket and prefix, and the validated source-type map
 * @throws ConfigError naming each variable that is missing or invalid, with what was expected
 */
export function readLambdaEnv(env: NodeJS.ProcessEnv): LambdaEnv {
  const picked = Object.fromEntries(Object.keys(LambdaEnvSchema.shape).flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
  const parsed = LambdaEnvSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = picked[name];
      return `${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(String(value).slice(0, 120))})`}`;
    });
    throw new ConfigError(`letsflow lambda: invalid environment: ${problems.join('; ')}`);
  }
  const { CACHE__SERVICE__BUCKET_NAME: cacheBucket, LETSFLOW_CACHE_PREFIX, LETS__SOURCE_TYPE_MAP, SGRAPH_SEND__SA_LOGS_BUCKET, SGRAPH_SEND__SA_LOGS_PREFIX } = parsed.data;
  let sourceTypeMap: SourceTypeMap;
  if (LETS__SOURCE_TYPE_MAP !== undefined) sourceTypeMap = parseSourceTypeMap(LETS__SOURCE_TYPE_MAP);
  else if (SGRAPH_SEND__SA_LOGS_BUCKET !== undefined) {
    sourceTypeMap = parseSourceTypeMap(
      { [`s3://${SGRAPH_SEND__SA_LOGS_BUCKET}/${(SGRAPH_SEND__SA_LOGS_PREFIX ?? '').replace(/^\/+/, '')}`]: 'cloudfront-realtime' },
      'SGRAPH_SEND__SA_LOGS_BUCKET/SGRAPH_SEND__SA_LOGS_PREFIX',
    );
  } else {
    throw new ConfigError(
      'letsflow lambda: nothing to route: set LETS__SOURCE_TYPE_MAP (JSON {"s3://bucket/prefix/" or "prefix/": "cloudfront-realtime"}) or SGRAPH_SEND__SA_LOGS_BUCKET',
    );
  }
  return { cacheBucket, cachePrefix: LETSFLOW_CACHE_PREFIX ?? '', sourceTypeMap };
}
