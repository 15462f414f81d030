// The CDK stack of seed 002 (S3 → SQS → Lambda → cache bucket), asserted on its synthesized
// CloudFormation. Synth is offline: the stack is environment-agnostic and its code is a local folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LetsflowStack, REPO_ROOT, type LetsflowStackProps } from '../../infra/letsflowStack.js';

/** A stand-in for the esbuild output, so the real `Code.fromAsset` path is what gets tested. */
function fakeLambdaDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'letsflow-lambda-'));
  writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => ({ batchItemFailures: [] });\n');
  return dir;
}

function synth(props: LetsflowStackProps = {}): { stack: LetsflowStack; template: Template; id: (c: IConstruct) => string } {
  const stack = new LetsflowStack(new App(), 'Test', { codePath: fakeLambdaDir(), ...props });
  const id = (c: IConstruct): string => stack.getLogicalId(c.node.defaultChild as CfnElement);
  return { stack, template: Template.fromStack(stack), id };
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('LetsflowStack (default: buckets created by the stack)', () => {
  let stack: LetsflowStack;
  let template: Template;
  let id: (c: IConstruct) => string;
  let cf: string, accessLogs: string, cache: string, queue: string, dlq: string, fn: string;
  beforeAll(() => {
    ({ stack, template, id } = synth());
    cf = id(stack.sourceBuckets.get('CloudFrontLogs')!);
    accessLogs = id(stack.sourceBuckets.get('S3AccessLogs')!);
    cache = id(stack.cacheBucket);
    queue = id(stack.queue);
    dlq = id(stack.deadLetterQueue);
    fn = id(stack.processor);
  });
  const arn = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
  const objects = (logicalId: string, prefix: string) => ({ 'Fn::Join': ['', [arn(logicalId), `/${prefix}*`]] });

  it('runs the processor on Node, arm64, 256 MB, 60 s, 5 reserved, with the seed env vars', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: Match.stringLikeRegexp('^nodejs(20|22)\\.x$'),
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 60,
      ReservedConcurrentExecutions: 5,
      Handler: 'index.handler',
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
      Environment: {
        Variables: {
          CACHE__SERVICE__BUCKET_NAME: { Ref: cache },
          LETS__SOURCE_TYPE_MAP: Match.serializedJson({
            'cloudfront-realtime/': 'cloudfront-realtime',
            'transfers-bucket/': 's3-access',
            'cache-bucket/': 's3-access',
          }),
          SGRAPH_SEND__SA_LOGS_BUCKET: { Ref: cf },
          SGRAPH_SEND__SA_LOGS_PREFIX: 'cloudfront-realtime/',
        },
      },
    });
  });

  it('feeds it from one SQS queue: visibility ≥ 6× timeout, DLQ after 5 receives, partial batch failures', () => {
    const props = template.toJSON().Resources[queue].Properties;
    expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 60);
    expect(props).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arn(dlq), maxReceiveCount: 5 },
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(queue),
      FunctionName: { Ref: fn },
      BatchSize: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const esm = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0]!;
    expect(esm.Properties.BatchSize).toBeGreaterThanOrEqual(1);
    expect(esm.Properties.BatchSize).toBeLessThanOrEqual(10);
  });

  it('keeps dead letters 14 days, encrypted with SSE-SQS', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.absent(),
    });
    expect(template.toJSON().Resources[dlq].Properties.MessageRetentionPeriod).toBe(1_209_600);
  });

  it('alarms on errors, throttles, DLQ depth and p95 duration > 80% of the timeout', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const gt0 = { ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, Period: 300 };
    const onFn = [{ Name: 'FunctionName', Value: { Ref: fn } }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...gt0, Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Dimensions: onFn });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...gt0, Namespace: 'AWS/Lambda', MetricName: 'Throttles', Statistic: 'Sum', Dimensions: onFn });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...gt0,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      ExtendedStatistic: 'p95',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0.8 * 60_000,
      Dimensions: onFn,
    });
  });

  it('grants the processor least privilege: read source prefixes, write the cache bucket, no wildcard resources', () => {
    const roleId = id(stack.processor.role!);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: objects(cf, 'cloudfront-realtime/') }),
        expect.objectContaining({
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Resource: [objects(accessLogs, 'transfers-bucket/'), objects(accessLogs, 'cache-bucket/')],
        }),
        expect.objectContaining({ Action: 's3:ListBucket', Resource: arn(cf) }),
        expect.objectContaining({ Action: 's3:ListBucket', Resource: arn(accessLogs) }),
        expect.objectContaining({ Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], Resource: objects(cache, '') }),
        expect.objectContaining({ Action: 's3:ListBucket', Resource: arn(cache) }),
      ]),
    );
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      expect(JSON.stringify(s.Resource)).not.toMatch(/"\*"/);
      for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
      // Writes touch only the cache bucket.
      if ([s.Action].flat().some((a) => /^s3:(Put|Delete)/.test(a))) expect(JSON.stringify(s.Resource)).toContain(cache);
    }
  });

  it('notifies the queue from each source bucket with the prefix/suffix filters of seed 002', () => {
    template.resourceCountIs('Custom::S3BucketNotifications', 2);
    const created = { Events: ['s3:ObjectCreated:*'], QueueArn: arn(queue) };
    const [cfNotification] = Object.values(template.findResources('Custom::S3BucketNotifications', { Properties: { BucketName: { Ref: cf } } }));
    const cfConfig = cfNotification!.Properties.NotificationConfiguration;
    expect(Object.keys(cfConfig)).toEqual(['QueueConfigurations']); // no Lambda or SNS targets
    expect(cfConfig.QueueConfigurations).toEqual([{ ...created, Filter: { Key: { FilterRules: expect.any(Array) } } }]);
    // Rule order is CDK's business; the set is ours.
    expect(cfConfig.QueueConfigurations[0].Filter.Key.FilterRules).toHaveLength(2);
    expect(cfConfig.QueueConfigurations[0].Filter.Key.FilterRules).toEqual(
      expect.arrayContaining([
        { Name: 'prefix', Value: 'cloudfront-realtime/' },
        { Name: 'suffix', Value: '.gz' },
      ]),
    );
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: accessLogs },
      NotificationConfiguration: {
        QueueConfigurations: [
          { ...created, Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'transfers-bucket/' }] } } },
          { ...created, Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'cache-bucket/' }] } } },
        ],
      },
    });
    // Only S3, and only from the source buckets, may send to the queue.
    const queuePolicy = Object.values(template.findResources('AWS::SQS::QueuePolicy'))[0]!;
    const sourceArns = (queuePolicy.Properties.PolicyDocument.Statement as { Condition: { ArnLike: { 'aws:SourceArn': unknown } } }[]).map(
      (s) => s.Condition.ArnLike['aws:SourceArn'],
    );
    expect(sourceArns).toEqual([arn(cf), arn(accessLogs)]);
  });

  it('gives the cache bucket no event notification of any kind (seed 002 §4.5: no circular trigger)', () => {
    const bucket = template.toJSON().Resources[cache];
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties.NotificationConfiguration).toBeUndefined();
    expect(template.findResources('Custom::S3BucketNotifications', { Properties: { BucketName: { Ref: cache } } })).toEqual({});
    expect(JSON.stringify(template.findResources('AWS::SQS::QueuePolicy'))).not.toContain(cache);
    // Nor can S3 invoke the processor directly: the queue is its only trigger.
    template.resourceCountIs('AWS::Lambda::Permission', 0);
  });

  it('makes every bucket private, TLS-only and encrypted', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).sort()).toEqual([accessLogs, cache, cf].sort());
    for (const [logicalId, bucket] of Object.entries(buckets)) {
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('ages raw logs out of the log buckets (IA at 30 days, expiry at 90), not the cache bucket', () => {
    for (const logicalId of [cf, accessLogs]) {
      expect(template.toJSON().Resources[logicalId].Properties.LifecycleConfiguration).toEqual({
        Rules: [
          expect.objectContaining({
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            ExpirationInDays: 90,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ],
      });
    }
    expect(template.toJSON().Resources[cache].Properties.LifecycleConfiguration).toBeUndefined();
  });

  it('lets S3 server access logging deliver into the access-logs bucket prefixes only', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: [objects(accessLogs, 'transfers-bucket/'), objects(accessLogs, 'cache-bucket/')],
          }),
        ]),
      },
    });
  });
});

describe('LetsflowStack with existing buckets', () => {
  it('targets them by name, scopes IAM to their prefixes and still leaves the cache bucket alone', () => {
    const { template } = synth({
      cacheBucketName: 'my-cache',
      sourceBuckets: [{ id: 'Cf', bucketName: 'my-cf-logs', sources: [{ prefix: 'cloudfront-realtime/', suffix: '.gz', sourceType: 'cloudfront-realtime' }] }],
    });
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('Custom::S3BucketNotifications', { BucketName: 'my-cf-logs', Managed: false });
    template.resourceCountIs('Custom::S3BucketNotifications', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-cf-logs/cloudfront-realtime/*']] },
          }),
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('Custom::S3BucketNotifications'))).not.toContain('my-cache');
  });

  it('refuses a cache bucket that is also a source bucket', () => {
    expect(() =>
      synth({ cacheBucketName: 'same', sourceBuckets: [{ id: 'S', bucketName: 'same', sources: [{ prefix: 'x/', sourceType: 's3-access' }] }] }),
    ).toThrow(/circular trigger/);
  });
});

describe('LetsflowStack Lambda code', () => {
  const missing = join(tmpdir(), 'letsflow-no-such-lambda-dir');

  it('fails synth when the code folder is missing, unless a placeholder is asked for', () => {
    expect(() => new LetsflowStack(new App(), 'NoCode', { codePath: missing })).toThrow(/is missing/);
  });

  it('uses an inline stub that throws, with a warning, when allowPlaceholderCode is set', () => {
    const stack = new LetsflowStack(new App(), 'Placeholder', { codePath: missing, allowPlaceholderCode: true });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Code: { ZipFile: Match.stringLikeRegexp('throw new Error') },
    });
    Annotations.fromStack(stack).hasWarning('/Placeholder', Match.stringLikeRegexp('placeholder'));
  });

  it('typechecks infra/ (app.ts included) with the root compiler options', async () => {
    const tsc = join(REPO_ROOT, 'node_modules/.bin/tsc');
    await expect(promisify(execFile)(tsc, ['--noEmit', '-p', 'infra'], { cwd: REPO_ROOT })).resolves.toBeDefined();
  }, 60_000);
});
