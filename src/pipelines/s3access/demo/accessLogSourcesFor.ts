import type { AccessLogSource } from './demoBuckets.js';

const BY_FORMAT: Readonly<Record<string, readonly AccessLogSource[]>> = {
  's3-access': ['transfers', 'cache'],
  's3-access-transfers': ['transfers'],
  's3-access-cache': ['cache'],
};

/**
 * The demo buckets `letsflow demo --format <format>` writes access logs for: both for
 * `s3-access`, one for `s3-access-transfers` or `s3-access-cache`; `undefined` for any other
 * format (a CloudFront one).
 */
export function accessLogSourcesFor(format: string | undefined): readonly AccessLogSource[] | undefined {
  return format !== undefined && Object.hasOwn(BY_FORMAT, format) ? BY_FORMAT[format] : undefined;
}
