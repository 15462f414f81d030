/**
 * The demo's buckets (seed 002 §3.1): two source buckets whose server access logs land in one
 * access-logs bucket, each under a prefix of its own. Names, owner and region are made up.
 */

/** Which source bucket a record is about. */
export type AccessLogSource = 'transfers' | 'cache';

export interface DemoAccessBucket {
  readonly source: AccessLogSource;
  /** The bucket the requests were made to (field 2 of every record). */
  readonly bucket: string;
  /** Where its access logs land in the access-logs bucket (the logging `TargetPrefix`). */
  readonly prefix: string;
}

/** The access-logs bucket the objects would be delivered to (`s3://<this>/<prefix>…`). */
export const DEMO_ACCESS_LOGS_BUCKET = 'letsflow-demo-s3-access-logs';
export const DEMO_ACCOUNT_ID = '123456789012';
export const DEMO_REGION = 'eu-west-2';
/** The buckets' owner: a canonical user id is 64 hex digits (field 1). */
export const DEMO_BUCKET_OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

export const DEMO_ACCESS_BUCKETS: Readonly<Record<AccessLogSource, DemoAccessBucket>> = {
  transfers: { source: 'transfers', bucket: 'letsflow-demo-transfers', prefix: 'transfers-bucket/' },
  cache: { source: 'cache', bucket: 'letsflow-demo-cache', prefix: 'cache-bucket/' },
};
