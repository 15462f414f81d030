import { weightedOf } from '../../cloudfront/demo/WeightedIndex.js';
import { ACTORS, type Actor } from './actors.js';
import type { AccessLogSource } from './demoBuckets.js';

/** What one draw of the traffic model does; some scenarios write several records. */
export type Scenario =
  | 'get'
  | 'put'
  | 'head'
  | 'list'
  | 'delete'
  /** REST.COPY.OBJECT_GET + REST.COPY.OBJECT, one request id. */
  | 'copy'
  /** REST.POST.MULTI_OBJECT_DELETE + one BATCH.DELETE.OBJECT per key, one request id. */
  | 'multi-delete'
  /** REST.POST.UPLOADS, REST.PUT.PART × n, REST.POST.UPLOAD. */
  | 'multipart'
  /** S3.EXPIRE.OBJECT by `AmazonS3`. */
  | 'expire'
  /** REST.GET.LIFECYCLE → 404 NoSuchLifecycleConfiguration (the console looking). */
  | 'get-lifecycle'
  /** An unsigned request from a scanner → 403 AccessDenied. */
  | 'probe';

export interface TrafficProfile {
  readonly scenarios: ReturnType<typeof weightedOf<Scenario>>;
  /** Who reads objects (GET, HEAD) and who writes them (PUT, DELETE, copy, multipart). */
  readonly readers: ReturnType<typeof weightedOf<Actor>>;
  readonly writers: ReturnType<typeof weightedOf<Actor>>;
  /** Share of GETs of keys that are not there (404 NoSuchKey). */
  readonly missRate: number;
}

/**
 * The transfers bucket holds users' uploads: browsers PUT and GET through presigned URLs,
 * CloudFront reads it as an origin, the Lambdas copy, list and batch-delete, lifecycle expires.
 * The cache bucket is the cache service's: the Lambdas read (often missing) and write JSON.
 */
export const TRAFFIC_PROFILES: Readonly<Record<AccessLogSource, TrafficProfile>> = {
  transfers: {
    scenarios: weightedOf<Scenario>([
      ['get', 40], ['put', 18], ['head', 15], ['list', 3], ['delete', 3], ['copy', 4], ['multi-delete', 2],
      ['multipart', 2], ['expire', 3], ['get-lifecycle', 0.5], ['probe', 1.5],
    ]),
    readers: weightedOf<Actor>([[ACTORS.browser, 60], [ACTORS['cloudfront-oai'], 20], [ACTORS['user-lambda'], 12], [ACTORS.operator, 3], [ACTORS.partner, 3], [ACTORS.console, 2]]),
    writers: weightedOf<Actor>([[ACTORS.browser, 55], [ACTORS['user-lambda'], 30], [ACTORS['admin-lambda'], 10], [ACTORS.operator, 5]]),
    missRate: 0.04,
  },
  cache: {
    scenarios: weightedOf<Scenario>([
      ['get', 50], ['put', 24], ['head', 12], ['list', 4], ['delete', 3], ['copy', 2], ['multi-delete', 1], ['expire', 3], ['get-lifecycle', 0.5], ['probe', 0.5],
    ]),
    readers: weightedOf<Actor>([[ACTORS['user-lambda'], 55], [ACTORS['admin-lambda'], 40], [ACTORS.console, 5]]),
    writers: weightedOf<Actor>([[ACTORS['user-lambda'], 50], [ACTORS['admin-lambda'], 50]]),
    missRate: 0.15,
  },
};
