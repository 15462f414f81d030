import { describe, expect, it } from 'vitest';
import { decodeS3Key, parseS3Event } from '../../../../src/sources/sqsS3Events/parseS3Event.js';

/** The example event of the S3 User Guide, "Event message structure" (eventVersion 2.1), with its key made to need encoding. */
const awsExample = (key: string, eventName = 'ObjectCreated:Put') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-west-2',
  eventTime: '1970-01-01T00:00:00.000Z',
  eventName,
  userIdentity: { principalId: 'AIDAJDPLRKLG7UEXAMPLE' },
  requestParameters: { sourceIPAddress: '172.16.0.1' },
  responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'testConfigRule',
    bucket: { name: 'amzn-s3-demo-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::amzn-s3-demo-bucket' },
    object: { key, size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko', sequencer: '0055AED6DCD90281E5' },
  },
});

/** The test event S3 sends when a notification configuration is saved (S3 User Guide). */
const TEST_EVENT = {
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2014-10-13T15:57:02.089Z',
  Bucket: 'amzn-s3-demo-bucket',
  RequestId: '5582815E1AEA5ADF',
  HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YYHdygSK6B+OiTRpu6oI',
};

describe('source: parseS3Event', () => {
  it('reads the AWS example record into an object reference', () => {
    // Act
    const content = parseS3Event(JSON.stringify({ Records: [awsExample('HappyFace.jpg')] }));

    // Assess
    expect(content).toEqual({
      kind: 'objects',
      ignored: [],
      objects: [
        {
          bucket: 'amzn-s3-demo-bucket',
          key: 'HappyFace.jpg',
          size: 1024,
          eTag: 'd41d8cd98f00b204e9800998ecf8427e',
          eventName: 'ObjectCreated:Put',
          eventTime: 0,
          versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
          sequencer: '0055AED6DCD90281E5',
        },
      ],
    });
  });

  describe.each([
    ['a space is "+", a literal "+" is %2B', 'logs/a+b%2Bc.gz', 'logs/a b+c.gz'],
    ['Firehose partition folders', 'cloudfront-realtime/year%3D2026/month%3D02/day%3D16/x.gz', 'cloudfront-realtime/year=2026/month=02/day=16/x.gz'],
    ['UTF-8 percent-encoding', 'caf%C3%A9/%E2%82%AC.gz', 'café/€.gz'],
    ['nothing to decode', 'plain/key-1.gz', 'plain/key-1.gz'],
  ])('key decoding: %s', (_, encoded, decoded) => {
    it(`decodes ${encoded}`, () => {
      // Act
      const content = parseS3Event({ Records: [awsExample(encoded)] });

      // Assess
      expect(decodeS3Key(encoded)).toBe(decoded);
      expect(content.kind === 'objects' && content.objects[0]?.key).toBe(decoded);
    });
  });

  it('acknowledges the s3:TestEvent without objects', () => {
    expect(parseS3Event(JSON.stringify(TEST_EVENT))).toEqual({ kind: 'objects', objects: [], ignored: [{ reason: 'test_event', eventName: 's3:TestEvent' }] });
  });

  it('returns every ObjectCreated record of a multi-record event and lists the others as ignored', () => {
    // Prepare
    const copy = awsExample('b.gz', 'ObjectCreated:Copy');
    delete (copy.s3.object as { eTag?: string }).eTag;
    const body = JSON.stringify({
      Records: [
        awsExample('a.gz'),
        awsExample('gone.gz', 'ObjectRemoved:Delete'),
        copy,
        awsExample('c.gz', 'ObjectCreated:CompleteMultipartUpload'),
        awsExample('d.gz', 'ObjectRestore:Completed'),
      ],
    });

    // Act
    const content = parseS3Event(body);

    // Assess
    expect(content.kind).toBe('objects');
    if (content.kind !== 'objects') return;
    expect(content.objects.map((o) => [o.key, o.eventName, o.eTag])).toEqual([
      ['a.gz', 'ObjectCreated:Put', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['b.gz', 'ObjectCreated:Copy', undefined],
      ['c.gz', 'ObjectCreated:CompleteMultipartUpload', 'd41d8cd98f00b204e9800998ecf8427e'],
    ]);
    expect(content.ignored).toEqual([
      { reason: 'not_object_created', eventName: 'ObjectRemoved:Delete' },
      { reason: 'not_object_created', eventName: 'ObjectRestore:Completed' },
    ]);
  });

  it('unwraps an S3 event delivered through SNS, and drops quotes around the ETag', () => {
    // Prepare
    const record = awsExample('x.gz');
    record.s3.object.eTag = '"abc-2"';
    const sns = { Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: JSON.stringify({ Records: [record] }) };

    // Act
    const content = parseS3Event(JSON.stringify(sns));

    // Assess
    expect(content.kind === 'objects' && content.objects.map((o) => [o.key, o.eTag])).toEqual([['x.gz', 'abc-2']]);
  });

  it.each([
    ['not JSON', 'hello', /^not_s3_event: the body is not JSON/],
    ['JSON but not an object', '42', /^not_s3_event: the body is 42/],
    ['an object without Records', '{"detail-type":"Object Created","detail":{}}', /^not_s3_event: no Records array .*\[detail-type, detail\]/],
    ['a record without a key', JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: {} } }] }), /^s3_record_invalid: Records\[0\].*s3\.object\.key/],
    ['a record without eventName', JSON.stringify({ Records: [{ s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] }), /^s3_record_invalid: Records\[0\].*eventName/],
    ['a key that is not valid percent-encoding', JSON.stringify({ Records: [awsExample('bad%E0%A4%A.gz')] }), /^s3_key_invalid: Records\[0\] key "bad%E0%A4%A.gz"/],
  ])('makes %s a poison message with a reason', (_, body, reason) => {
    // Act
    const content = parseS3Event(body);

    // Assess
    expect(content.kind).toBe('poison');
    expect(content.kind === 'poison' && content.reason).toMatch(reason);
  });
});
