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
import { DEFAULT_SOURCE_BUCKETS, LetsflowStack, REPO_ROOT, type LetsflowStackProps } from '../../infra/letsflowStack.js';
import { sourceTypeRouter } from '../../src/sources/sqsS3Events/sourceTypeRouter.js';

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

/**
 * A template string value as the Lambda would see it: `Fn::Join` pieces concatenated, each
 * `{ Ref: logicalId }` replaced by `names[logicalId]` (the bucket name CloudFormation would give).
 */
function deployedText(value: unknown, names: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`not a string or Fn::Join: ${JSON.stringify(value)}`);
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref === undefined || names[ref] === undefined) throw new Error(`unexpected part ${JSON.stringify(part)}`);
      return names[ref];
    })
    .join(join[0]);
}

/** The processor's LETS__SOURCE_TYPE_MAP, parsed, with bucket Refs named by `names`. */
function sourceTypeMapOf(template: Template, names: Record<string, string>): Record<string, string> {
  const [fn, ...others] = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.LETS__SOURCE_TYPE_MAP);
  expect(others).toEqual([]);
  return JSON.parse(deployedText(fn!.Properties.Environment.Variables.LETS__SOURCE_TYPE_MAP, names)) as Record<string, string>;
}

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
          LETS__SOURCE_TYPE_MAP: Match.anyValue(),
          SGRAPH_SEND__SA_LOGS_BUCKET: { Ref: cf },
          SGRAPH_SEND__SA_LOGS_PREFIX: 'cloudfront-realtime/',
        },
      },
    });
  });

  it('routes by bucket and prefix: the access-logs prefixes to s3-access-transfers and s3-access-cache', () => {
    // Prepare: the names CloudFormation would give the buckets the stack creates.
    const names = { [cf]: 'acme-cf-logs', [accessLogs]: 'acme-s3-access-logs', [cache]: 'acme-cache' };

    // Act
    const map = sourceTypeMapOf(template, names);

    // Assess
    expect(map).toEqual({
      's3://acme-cf-logs/cloudfront-realtime/': 'cloudfront-realtime',
      's3://acme-s3-access-logs/transfers-bucket/': 's3-access-transfers',
      's3://acme-s3-access-logs/cache-bucket/': 's3-access-cache',
    });
    // The map as the processor reads it (the real router), on keys S3 writes (formats.md §3.3).
    const router = sourceTypeRouter({ map, cacheBucket: 'acme-cache' });
    const route = (bucket: string, key: string) => router.route({ bucket, key });
    expect(route('acme-s3-access-logs', 'transfers-bucket/2026-04-20-00-12-31-3E57427F3E0A9B1C')).toMatchObject({ action: 'process', sourceType: 's3-access-transfers' });
    expect(route('acme-s3-access-logs', 'cache-bucket/2026-04-20-00-12-31-3E57427F3E0A9B1C')).toMatchObject({ action: 'process', sourceType: 's3-access-cache' });
    expect(route('acme-cf-logs', 'cloudfront-realtime/2026/04/20/00/s-1-2026-04-20-00-05-00-x.gz')).toMatchObject({ sourceType: 'cloudfront-realtime' });
    // A prefix in another bucket is not an access log; the cache bucket is never read, whatever its keys.
    expect(route('acme-cf-logs', 'cache-bucket/2026-04-20-00-12-31-3E57427F3E0A9B1C')).toEqual({ action: 'skip', reason: 'no_route' });
    expect(route('acme-cache', 'cache-bucket/2026-04-20-00-12-31-3E57427F3E0A9B1C')).toEqual({ action: 'skip', reason: 'cache_bucket' });
    expect(Object.keys(map).some((rule) => rule.includes('acme-cache'))).toBe(false);
  });

  it('declares the access-logs sources of seed 002 §3.3: two prefixes, no suffix, their own source types', () => {
    expect(DEFAULT_SOURCE_BUCKETS.find((b) => b.id === 'S3AccessLogs')!.sources).toEqual([
      { prefix: 'transfers-bucket/', sourceType: 's3-access-transfers' },
      { prefix: 'cache-bucket/', sourceType: 's3-access-cache' },
    ]);
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

  it('adds an existing access-logs bucket\'s two prefixes to the same queue and processor, named in the map', () => {
    // Prepare
    const { stack, template, id } = synth({
      cacheBucketName: 'my-cache',
      sourceBuckets: [
        { id: 'Cf', bucketName: 'my-cf-logs', sources: [{ prefix: 'cloudfront-realtime/', suffix: '.gz', sourceType: 'cloudfront-realtime' }] },
        { ...DEFAULT_SOURCE_BUCKETS.find((b) => b.id === 'S3AccessLogs')!, bucketName: 'my-access-logs' },
      ],
    });
    const queue = { 'Fn::GetAtt': [id(stack.queue), 'Arn'] };

    // Act
    const notifications = Object.values(template.findResources('Custom::S3BucketNotifications'));
    const map = sourceTypeMapOf(template, {});

    // Assess: one notification resource per source bucket, each pointing at the one queue.
    expect(notifications.map((n) => n.Properties.BucketName).sort()).toEqual(['my-access-logs', 'my-cf-logs']);
    const accessLogs = notifications.find((n) => n.Properties.BucketName === 'my-access-logs')!.Properties;
    expect(accessLogs.Managed).toBe(false); // an existing bucket's other notifications are left alone
    expect(accessLogs.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        { Events: ['s3:ObjectCreated:*'], QueueArn: queue, Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'transfers-bucket/' }] } } },
        { Events: ['s3:ObjectCreated:*'], QueueArn: queue, Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'cache-bucket/' }] } } },
      ],
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    // One processor (CDK's notifications custom resource adds a Python function of its own).
    const nodeFunctions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => /^nodejs/.test(f.Properties.Runtime));
    expect(nodeFunctions).toHaveLength(1);
    expect(map).toEqual({
      's3://my-cf-logs/cloudfront-realtime/': 'cloudfront-realtime',
      's3://my-access-logs/transfers-bucket/': 's3-access-transfers',
      's3://my-access-logs/cache-bucket/': 's3-access-cache',
    });
    expect(sourceTypeRouter({ map, cacheBucket: 'my-cache' }).sourceTypes).toEqual(['cloudfront-realtime', 's3-access-cache', 's3-access-transfers']);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-access-logs/transfers-bucket/*']] },
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-access-logs/cache-bucket/*']] },
            ],
          }),
        ]),
      },
    });
    // The cache bucket still never triggers the processor, nor does the map name it.
    expect(JSON.stringify(template.findResources('Custom::S3BucketNotifications'))).not.toContain('my-cache');
    expect(JSON.stringify(template.findResources('AWS::SQS::QueuePolicy'))).not.toContain('my-cache');
    expect(Object.keys(map).join()).not.toContain('my-cache');
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
