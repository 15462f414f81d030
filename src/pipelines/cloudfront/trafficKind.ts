import type { SummaryKind } from '../../core/summaryKind.js';
import type { CloudFrontEvent } from '../../formats/cloudfront/event.js';
import { describeTraffic } from './describeTraffic.js';
import { emptySummary, mergeSummaries, summaryFromJson, summaryToJson, trafficAdder, type TrafficSummary } from './trafficSummary.js';

/**
 * CloudFront's traffic summary as a summary kind: what the CloudFront pipeline aggregates,
 * and what a user's own pipeline over CloudFront events can reuse.
 */
export const trafficSummary: SummaryKind<CloudFrontEvent, TrafficSummary> = {
  name: 'cloudfront-traffic',
  empty: emptySummary,
  adder: trafficAdder,
  merge: mergeSummaries,
  toJson: summaryToJson,
  fromJson: summaryFromJson,
  describe: describeTraffic,
  events: (s) => s.requests,
};
