import type { PipelineNamespaces } from '../../engine/definition.js';

/** The namespaces of the CloudFront pipeline: seed 000's names, kept as they were before there were other pipelines. */
export const NAMESPACES: PipelineNamespaces = {
  raw: 'sa-cloudfront-raw',
  consolidated: 'sa-cloudfront-consolidated',
  aggregate: 'sa-cloudfront-aggregate',
  ledger: 'sa-ledger',
  errors: 'sa-errors',
  late: 'sa-late-events',
};
