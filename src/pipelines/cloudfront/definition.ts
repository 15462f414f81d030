import type { FormatOptions, PipelineDefinition } from '../../engine/definition.js';
import { CloudFrontEventSchema, type CloudFrontEvent, type EventField } from '../../formats/cloudfront/event.js';
import { cloudfrontRealtime } from '../../formats/cloudfrontRealtime.js';
import { cloudfrontStandard } from '../../formats/cloudfrontStandard.js';
import { NAMESPACES } from './namespaces.js';
import { trafficSummary } from './trafficKind.js';
import type { TrafficSummary } from './trafficSummary.js';
import { trafficViews } from './trafficViews.js';
import { readingViewerIp } from './viewerIp.js';

/** The fields the traffic summary reads: all a run without raw events parses. */
export const SUMMARY_FIELDS: ReadonlySet<EventField> = new Set<EventField>([
  'timestamp', 'sc_status', 'sc_bytes', 'cs_uri_stem', 'x_edge_location', 'x_edge_result_type', 'cs_user_agent',
  'time_taken', 'time_to_first_byte', 'origin_fbl', 'origin_lbl',
  // c_ip for the visitor count only: `readingViewerIp` takes it off the event unless IPs are kept.
  'c_ip', 'cs_referer', 'c_country', 'cs_method', 'cs_protocol', 'cs_protocol_version', 'ssl_protocol', 'ssl_cipher',
  'sc_content_type', 'x_edge_response_result_type', 'x_edge_detailed_result_type', 'cache_behavior_path_pattern',
]);

/** The privacy options both formats take: viewer IPs, cookies and query strings are kept only as configured. */
function privacyOf(options: FormatOptions, keepClientIp: boolean): { keepClientIp: boolean; keepCookies?: boolean; queryStrings?: 'off' | 'names' | 'whole' } {
  return {
    keepClientIp,
    ...(options.keepCookies !== undefined && { keepCookies: options.keepCookies }),
    ...(options.queryStrings !== undefined && { queryStrings: options.queryStrings }),
  };
}

/** Real-time logs reach S3 within minutes; this default leaves room for Firehose buffering and retries. */
export const DEFAULT_LATENESS_MS = 15 * 60_000;

/**
 * The CloudFront pipeline: real-time logs (via Firehose) and standard logs into traffic
 * aggregates. Its idle bound is a day because standard logs may be delivered up to a day late
 * (real-time ones within minutes): past it, yesterday is final even with nothing new.
 */
export const cloudfrontPipeline: PipelineDefinition<CloudFrontEvent, TrafficSummary> = {
  name: 'cloudfront',
  namespaces: NAMESPACES,
  formats: {
    // Both read viewer IPs for the visitor count; `readingViewerIp` keeps them off stored events unless configured.
    'cloudfront-realtime': (options) =>
      readingViewerIp((keep) => cloudfrontRealtime({ ...privacyOf(options, keep), ...(options.fields !== undefined && { fields: options.fields as string | string[] }) }), options.keepClientIp),
    'cloudfront-standard': (options) => readingViewerIp((keep) => cloudfrontStandard(privacyOf(options, keep)), options.keepClientIp),
  },
  defaultFormat: 'cloudfront-realtime',
  summary: trafficSummary,
  events: CloudFrontEventSchema,
  summaryFields: SUMMARY_FIELDS,
  finality: { latenessMs: DEFAULT_LATENESS_MS, idleMs: 24 * 3_600_000, skewMs: 5 * 60_000 },
  views: trafficViews,
};
