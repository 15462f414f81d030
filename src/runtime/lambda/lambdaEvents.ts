/**
 * The shapes of the Lambda events letsflow handles, as far as it reads them (the full ones are in
 * the AWS docs: "Using Lambda with Amazon SQS", "Process Amazon S3 event notifications with
 * Lambda"). Written here rather than taken from @types/aws-lambda: a handful of fields.
 */

/** One SQS message as an SQS-triggered invocation delivers it. */
export interface SqsLambdaRecord {
  readonly messageId: string;
  readonly receiptHandle?: string;
  readonly body: string;
  readonly attributes?: { readonly ApproximateReceiveCount?: string; readonly SentTimestamp?: string; readonly [name: string]: string | undefined };
  readonly messageAttributes?: Readonly<Record<string, unknown>>;
  readonly md5OfBody?: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN?: string;
  readonly awsRegion?: string;
}

export interface SqsLambdaEvent {
  readonly Records: readonly SqsLambdaRecord[];
}

/** A direct S3 → Lambda invocation: the S3 event notification itself. */
export interface S3LambdaEvent {
  readonly Records: readonly unknown[];
}

/** The partial-batch response of an SQS-triggered function with ReportBatchItemFailures. */
export interface SqsBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** What letsflow reads of the Lambda context. */
export interface LambdaContextLike {
  readonly awsRequestId?: string;
  readonly functionName?: string;
  getRemainingTimeInMillis?(): number;
}

const firstRecord = (event: unknown): Record<string, unknown> | undefined => {
  const records = typeof event === 'object' && event !== null ? (event as { Records?: unknown }).Records : undefined;
  const first = Array.isArray(records) ? (records[0] as unknown) : undefined;
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
};

/** Whether an invocation came from an SQS event source mapping. */
export function isSqsEvent(event: unknown): event is SqsLambdaEvent {
  return firstRecord(event)?.eventSource === 'aws:sqs';
}

/** Whether an invocation is an S3 event notification delivered straight to the function. */
export function isS3Event(event: unknown): event is S3LambdaEvent {
  const first = firstRecord(event);
  return first?.eventSource === 'aws:s3' || (first !== undefined && typeof first.s3 === 'object');
}
