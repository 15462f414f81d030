import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Repo root: code paths resolve from here, not from the caller's cwd (cdk CLI, vitest, npm all differ). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One S3 notification filter: objects under `prefix` (ending in `suffix`) are logs of `sourceType`. */
export interface LogSource {
  readonly prefix: string;
  readonly suffix?: string;
  readonly sourceType: string;
}

/** A bucket logs land in: an existing one (`bucketName`) or, without it, one this stack creates. */
export interface SourceBucketSpec {
  readonly id: string;
  readonly bucketName?: string;
  readonly sources: readonly LogSource[];
  /** Lets S3 server access logging write into this bucket (only for buckets this stack creates). */
  readonly receivesS3AccessLogs?: boolean;
}

export interface LetsflowStackProps extends StackProps {
  readonly sourceBuckets?: readonly SourceBucketSpec[];
  /** The cache service's bucket (existing); without it the stack creates one. */
  readonly cacheBucketName?: string;
  /** Folder holding the esbuild output `index.mjs` (handler `index.handler`); relative to the repo root. */
  readonly codePath?: string;
  /**
   * When `codePath` does not exist: false (default) fails synth, true deploys an inline stub that
   * throws, so a deploy without the real code sends every event to the DLQ and raises its alarm
   * instead of silently dropping logs. Only tests and offline synth checks should set it.
   */
  readonly allowPlaceholderCode?: boolean;
  readonly runtime?: lambda.Runtime;
  /** Log buckets: days to Standard-IA and to expiry (seed 002 §4.6: 30 and 90). */
  readonly infrequentAccessAfterDays?: number;
  readonly expireAfterDays?: number;
  /** Alarms notify this SNS topic when given; otherwise they only show in CloudWatch. */
  readonly alarmTopicArn?: string;
}

/**
 * Seed 002 §3.1 / §3.7: real-time logs (Firehose GZIP) and S3 access logs of two buckets.
 * Beware `cache-bucket/`: if the cache bucket's access logs land there, every cache write the
 * processor makes comes back as a log object to process — a slow, never-ending trickle, not a
 * storm, since S3 batches access logs. The processor should skip its own role's requests there.
 */
export const DEFAULT_SOURCE_BUCKETS: readonly SourceBucketSpec[] = [
  { id: 'CloudFrontLogs', sources: [{ prefix: 'cloudfront-realtime/', suffix: '.gz', sourceType: 'cloudfront-realtime' }] },
  {
    id: 'S3AccessLogs',
    receivesS3AccessLogs: true,
    // Same parser, two pipelines of their own (issue 13): the two buckets' aggregates never mix.
    sources: [
      { prefix: 'transfers-bucket/', sourceType: 's3-access-transfers' },
      { prefix: 'cache-bucket/', sourceType: 's3-access-cache' },
    ],
  },
];

// Seed 002 §3.4: 256 MB for GZIP + parsing, 60 s for a 5 MiB Firehose batch, 5 concurrent to cap cost.
export const FUNCTION_TIMEOUT = Duration.seconds(60);
export const MEMORY_MB = 256;
export const RESERVED_CONCURRENCY = 5;
// AWS guidance for SQS → Lambda: visibility timeout at least 6× the function timeout, and
// maxReceiveCount at least 5 so throttled receives do not push healthy messages to the DLQ.
export const QUEUE_VISIBILITY = Duration.seconds(6 * FUNCTION_TIMEOUT.toSeconds());
export const MAX_RECEIVE_COUNT = 5;
// A batch's objects share one 60 s budget; ~0.5 s per object (seed 002 §4.1) leaves room for slow ones.
export const BATCH_SIZE = 5;

const PLACEHOLDER_HANDLER =
  "exports.handler = async () => { throw new Error('letsflow placeholder code: build dist/lambda and redeploy'); };";

/**
 * S3 log buckets → SQS (with DLQ) → one processor Lambda → cache bucket, with alarms (seed 002).
 * Seed 002 started with direct S3 → Lambda (option A) and named SQS (option B, R5) as the step for
 * batching and retry control; we take B now: redrive gives the DLQ for free, at-least-once events
 * are absorbed by idempotent keys (DESIGN.md), and `letsflow serve` consumes the same queue shape.
 */
export class LetsflowStack extends Stack {
  readonly cacheBucket: s3.IBucket;
  readonly sourceBuckets: ReadonlyMap<string, s3.IBucket>;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly processor: lambda.Function;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: LetsflowStackProps = {}) {
    super(scope, id, props);
    const specs = props.sourceBuckets ?? DEFAULT_SOURCE_BUCKETS;
    // Seed 002 §4.5: a trigger on the cache bucket would loop the processor on its own output.
    if (props.cacheBucketName !== undefined && specs.some((s) => s.bucketName === props.cacheBucketName)) {
      throw new Error(`cache bucket ${props.cacheBucketName} must not be a source bucket (circular trigger)`);
    }

    this.cacheBucket = props.cacheBucketName
      ? s3.Bucket.fromBucketName(this, 'CacheBucket', props.cacheBucketName)
      : asIBucket(new s3.Bucket(this, 'CacheBucket', secureBucket()));
    this.sourceBuckets = new Map(specs.map((spec) => [spec.id, this.sourceBucket(spec, props)]));

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14), // seed 002 §4.3: two weeks to investigate and replay
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      visibilityTimeout: Duration.seconds(300),
    });
    // SSE-SQS, not KMS: S3 notifications cannot publish to a queue under the AWS-managed KMS key.
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: QUEUE_VISIBILITY,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.processor = this.processorFunction(specs, props);
    this.processor.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: BATCH_SIZE,
        reportBatchItemFailures: true, // one bad object does not redeliver the whole batch
        maxConcurrency: RESERVED_CONCURRENCY, // poll no faster than the function may run
      }),
    );
    for (const spec of specs) {
      const bucket = this.sourceBuckets.get(spec.id)!;
      for (const source of spec.sources) {
        const filter = { prefix: source.prefix, ...(source.suffix ? { suffix: source.suffix } : {}) };
        bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), filter);
      }
    }
    this.alarms = this.createAlarms(props.alarmTopicArn);
  }

  private sourceBucket(spec: SourceBucketSpec, props: LetsflowStackProps): s3.IBucket {
    if (spec.bucketName) return s3.Bucket.fromBucketName(this, spec.id, spec.bucketName);
    // Seed 002 §4.6: raw logs are disposable once transformed; IA at 30 d, gone at 90 d. S3 does not
    // transition objects under 128 KB by default, so tiny access-log objects just stay Standard.
    const bucket = new s3.Bucket(this, spec.id, {
      ...secureBucket(),
      lifecycleRules: [
        {
          id: 'ExpireRawLogs',
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(props.infrequentAccessAfterDays ?? 30),
            },
          ],
          expiration: Duration.days(props.expireAfterDays ?? 90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    if (spec.receivesS3AccessLogs) {
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'S3ServerAccessLogsDelivery',
          principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
          actions: ['s3:PutObject'],
          resources: spec.sources.map((s) => bucket.arnForObjects(`${s.prefix}*`)),
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
    return asIBucket(bucket);
  }

  private processorFunction(specs: readonly SourceBucketSpec[], props: LetsflowStackProps): lambda.Function {
    // Own role and log group instead of AWSLambdaBasicExecutionRole, whose logs grant is Resource "*".
    const role = new iam.Role(this, 'ProcessorRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new logs.LogGroup(this, 'ProcessorLogs', { retention: logs.RetentionDays.ONE_MONTH });
    logGroup.grantWrite(role);
    for (const spec of specs) {
      const bucket = this.sourceBuckets.get(spec.id)!;
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: spec.sources.map((s) => bucket.arnForObjects(`${s.prefix}*`)),
        }),
      );
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: [this.cacheBucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.cacheBucket.bucketArn] }));

    // Rules name their bucket (`s3://<bucket>/<prefix>`): `cache-bucket/` alone would also match
    // that prefix in any other bucket a notification ever came from. Bucket names are tokens for
    // buckets this stack creates; toJsonString resolves them inside the JSON text.
    const typeMap = Object.fromEntries(
      specs.flatMap((s) => s.sources.map((src) => [`s3://${this.sourceBuckets.get(s.id)!.bucketName}/${src.prefix}`, src.sourceType])),
    );
    const first = specs[0];
    return new lambda.Function(this, 'Processor', {
      runtime: props.runtime ?? lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: MEMORY_MB,
      timeout: FUNCTION_TIMEOUT,
      reservedConcurrentExecutions: RESERVED_CONCURRENCY,
      handler: 'index.handler',
      code: this.processorCode(props),
      role,
      logGroup,
      environment: {
        CACHE__SERVICE__BUCKET_NAME: this.cacheBucket.bucketName,
        LETS__SOURCE_TYPE_MAP: this.toJsonString(typeMap),
        SGRAPH_SEND__SA_LOGS_BUCKET: first ? this.sourceBuckets.get(first.id)!.bucketName : '',
        SGRAPH_SEND__SA_LOGS_PREFIX: first?.sources[0]?.prefix ?? '',
      },
    });
  }

  private processorCode(props: LetsflowStackProps): lambda.Code {
    const path = props.codePath ?? 'dist/lambda';
    const dir = isAbsolute(path) ? path : resolve(REPO_ROOT, path);
    if (existsSync(dir)) return lambda.Code.fromAsset(dir);
    if (!props.allowPlaceholderCode) {
      throw new Error(
        `Lambda code folder ${dir} is missing: build it (esbuild → index.mjs), or for a synth check only ` +
          'set allowPlaceholderCode (infra/app.ts --allow-placeholder-code)',
      );
    }
    Annotations.of(this).addWarning(`Lambda code folder ${dir} is missing: the processor is a placeholder that throws`);
    return lambda.Code.fromInline(PLACEHOLDER_HANDLER);
  }

  private createAlarms(topicArn: string | undefined): cloudwatch.Alarm[] {
    const fiveMinutes = Duration.minutes(5); // seed 002 §4.4: "> 0 for 5 minutes"
    // No data means no invocations or an empty DLQ: healthy, not "insufficient data".
    const atLeastOne = {
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const alarms = [
      this.processor.metricErrors({ period: fiveMinutes }).createAlarm(this, 'ErrorsAlarm', atLeastOne),
      this.processor.metricThrottles({ period: fiveMinutes }).createAlarm(this, 'ThrottlesAlarm', atLeastOne),
      this.deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' })
        .createAlarm(this, 'DeadLetterQueueAlarm', atLeastOne),
      // Seed 002 said p95 > 30 s with a 60 s timeout; tied to the timeout (80%) so they move together.
      this.processor.metricDuration({ period: fiveMinutes, statistic: 'p95' }).createAlarm(this, 'DurationP95Alarm', {
        ...atLeastOne,
        threshold: FUNCTION_TIMEOUT.toMilliseconds() * 0.8,
      }),
    ];
    if (topicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', topicArn);
      for (const alarm of alarms) alarm.addAlarmAction(new cwActions.SnsAction(topic));
    }
    return alarms;
  }
}

/** CDK's own types trip over exactOptionalPropertyTypes (Bucket.isWebsite?: vs IBucket.isWebsite); the cast is sound. */
function asIBucket(bucket: s3.Bucket): s3.IBucket {
  return bucket as s3.IBucket;
}

/** Every bucket: no public access, TLS only, SSE-S3 (S3 access-log delivery cannot write to SSE-KMS buckets). */
function secureBucket(): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
  };
}
