import { describe, expect, it } from 'vitest';
import { emptyTally, type ParseTally } from '../../../src/formats/logFormat.js';
import type { S3AccessEvent } from '../../../src/formats/s3access/event.js';
import { s3Access, type S3AccessOptions } from '../../../src/formats/s3Access.js';

// Real lines, each copied as published (sources cited beside each). Where a line is adapted, the
// comment says what was changed and why.

// AWS S3 user guide, "Amazon S3 server access log format", current example log, records 1 and 2
// (27 fields, with source region): docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
// (markdown mirror docs.amazonaws.cn/AmazonS3/latest/userguide/LogFormat.md).
const AWS_27 =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes us-east-1';
const AWS_27_DASHES =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 891CE47D2EXAMPLE REST.GET.LOGGING_STATUS - "GET /amzn-s3-demo-bucket1?logging HTTP/1.1" 200 - 242 - 11 - "-" "S3Console/0.4" - 9vKBE6vMhrNiWHZmb2L0mXOcqPGzQOI5XLnCtZNPxev+Hf+7tpT6sxDwDty4LHBUOZJG96N1234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 - - us-east-1';
// awsdocs/amazon-s3-userguide doc_source/LogFormat.md (2020 revision, commit 0bd3dc39), records 3 and 5
// (24 fields; record 5 has Bytes Sent `-`). Record 3 is given the trailing space the 2023 revision of
// the same example has (formats.md §3.1).
const AWS_24_TRAILING_SPACE =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be A1206F460EXAMPLE REST.GET.BUCKETPOLICY - "GET /awsexamplebucket1?policy HTTP/1.1" 404 NoSuchBucketPolicy 297 - 38 - "-" "S3Console/0.4" - BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1 ';
const AWS_24_PUT_NO_BYTES =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:01:57 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be DD6CC733AEXAMPLE REST.PUT.OBJECT s3-dg.pdf "PUT /awsexamplebucket1/s3-dg.pdf HTTP/1.1" 200 - - 4406583 41754 28 "-" "S3Console/0.4" - 10S62Zv81kBW7BB6SX4XJ48o6kpcl6LPwEoizZQQxJd5qDSCTLX0TgS37kYUBKQW3+bPdrg1234= SigV4 ECDHE-RSA-AES128-SHA AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1';
// The 2014 AWS example (18 fields), as quoted in the README of npm package s3-access-log-parser.
const AWS_2014_18 =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be mybucket [06/Feb/2014:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /mybucket?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" -';

// elastic/integrations packages/aws/data_stream/s3access/_dev/test/pipeline/test-s3-server-access.log
// (lines 6, 8, 9 and 11 of commit 225bb8f2).
const ELASTIC_BATCH_DELETE =
  '36c1f05b76016b78528454e6e0c60e2b7ff7aa20c0a5e4c748276e5b0a2debd2 test-s3-ks [19/Sep/2019:17:06:39 +0000] 89.160.20.156 arn:aws:iam::123456:user/test@elastic.co 6CE38F1312D32BDD BATCH.DELETE.OBJECT Screen+Shot+2019-09-09+at+9.08.44+AM.png - 204 - - 57138 - - - - - LwRa4w6DbuU48GKQiH3jDbjfTyLCbwasFBsdttugRQ+9lH4jK8lT91+HhGZKMYI3sPyKuQ9LvU0= SigV4 ECDHE-RSA-AES128-SHA AuthHeader s3.ap-southeast-1.amazonaws.com TLSv1.2';
const ELASTIC_25 =
  '67797214d75628047d9c76b18a78cded1a4b069b71f2a9d5a53649c38da8770b flow-log-test [14/Jul/2021:18:57:31 +0000] - svc:delivery.logs.amazonaws.com MVGXZXEVN3IG9S24 REST.PUT.OBJECT AWSLogs/000000000000/vpcflowlogs/us-gov-east-1/2021/07/13/000000000000_vpcflowlogs_us-gov-east-1_fl-_20210713T1855Z_f12aa632.log.gz "PUT /AWSLogs/000000000000/vpcflowlogs/us-gov-east-1/2021/07/13/000000000000_vpcflowlogs_us-gov-east-1_fl-0e7c13bf00cf15bfe_20210713T1855Z_f12aa632.log.gz HTTP/1.1" 200 - - 773 103 13 "-" "-" - 02SxwfXpO5UysN0GsKGa3uGDQ6E/W7+Hwo/luRH8p1VEexULoe66RCM+nja0dEq2JqLrtgjocvVRRkVt4= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader flow-log-test.s3.us-gov-west-1.amazonaws.com TLSv1.2 -';
const ELASTIC_26_NO_STATUS =
  '67797214d75628047d9c76b18a78cded1a4b069b71f2a9d5a53649c38da8770b flow-log-test [14/Jul/2021:18:57:31 +0000] - svc:delivery.logs.amazonaws.com MVGXZXEVN3IG9S24 REST.PUT.OBJECT AWSLogs/000000000000/vpcflowlogs/us-gov-east-1/2021/07/13/000000000000_vpcflowlogs_us-gov-east-1_fl-_20210713T1855Z_f12aa632.log.gz "PUT /AWSLogs/000000000000/vpcflowlogs/us-gov-east-1/2021/07/13/000000000000_vpcflowlogs_us-gov-east-1_fl-0e7c13bf00cf15bfe_20210713T1855Z_f12aa632.log.gz HTTP/1.1" - - - 773 103 13 "-" "-" - 02SxwfXpO5UysN0GsKGa3uGDQ6E/W7+Hwo/luRH8p1VEexULoe66RCM+nja0dEq2JqLrtgjocvVRRkVt4= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader flow-log-test.s3.us-gov-west-1.amazonaws.com TLSv1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP -';
const ELASTIC_LIFECYCLE =
  'b854390a51155554b82ce2759564a1135bce83133d004f4d2001f157e13985d7 flow-log-test [25/Mar/2025:19:28:02 +0000] - AmazonS3 366DB3C4B325AB11 S3.EXPIRE.OBJECT 0/chum/_vars/logtests/PlannerModule/5f6ea3b7da96ab304a77225d5b2b2a55e54b74e4ddfdf14b9b1d853d77515b88_9febba22f08b11ef8cf6020058a9efab/2024/12/30/164700/kitt_189/_spcu_sride__state_svx__feature__flags.sst "-" - - - 317 - - "-" "-" qsEq9bDa2VyxyZ4cz0c7oBnF67VYTTij DMlPb9al4CvVBck150CgpEIIYgtSI3HC/atetNVYwPtHZffW6jfpg+BrffhbT9/B - - - - - - -';

// ncbi/ncbi-logging parser/data/aws_testlines.log (commit 4c566b32): lines 2 (26 fields, `*` in the
// key), 3 (COPY.OBJECT_GET, bare `-` Request-URI/status/Referer/User-Agent), 5–6 (a byte-identical
// duplicate) and 9 (the two-token Host Id); parser/data/aws_unrecognized.log line 1 (bare `-` Referer).
const NCBI_26_STAR_KEY =
  '7dd4dcfe9b004fb7433c61af3e87972f2e9477fa7f0760a02827f771b41b3455 sra-pub-src-1 [26/May/2020:16:00:16 +0000] 3.235.179.196 arn:aws:sts::784757538848:assumed-role/TulipRWAccess/i-00a5d1f5e0d3cdc67 1B6E92A991321AE8 REST.HEAD.OBJECT SRR9154112/*.fastq* "HEAD /SRR9154112/%2A.fastq%2A HTTP/1.1" 404 NoSuchKey 290 - 43 - "-" "aws-cli/1.16.300 Python/2.7.16 Linux/4.14.177-139.254.amzn2.x86_64 botocore/1.13.36" - 9cLyZqXg5N2mXetfQMtvMhhbczeIiHy+9UxgBSDV6UkpNCZxnUN7cNN/4TDc2oBlMk1DAUtG0GA= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader sra-pub-src-1.s3.amazonaws.com TLSv1.2 - Yes';
const NCBI_COPY_GET =
  '7dd4dcfe9b004fb7433c61af3e87972f2e9477fa7f0760a02827f771b41b3455 sra-pub-src-1 [26/May/2020:18:42:08 +0000] 130.14.28.7 arn:aws:iam::783971887864:user/ignatovi 9713E7798F9A44BA REST.COPY.OBJECT_GET SRR9211507/100100.mapped.1.fq.1 - - - - 351400 - - - - - QS2B/AbVsYy0J+Ce10atUPXDMX6vu6UOwEYF+EEovqNazgm8aO1xGpNN29+hN0KjCYv0VOTvsdI= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader sra-pub-sars-cov2.s3.amazonaws.com TLSv1.2 -';
// The PUT side of that copy, adapted from NCBI_COPY_GET (no published pair was found): same request
// id, REST.COPY.OBJECT, a quoted PUT Request-URI and a status, as the AWS guide describes the pair.
const COPY_PUT_ADAPTED =
  '7dd4dcfe9b004fb7433c61af3e87972f2e9477fa7f0760a02827f771b41b3455 sra-pub-sars-cov2 [26/May/2020:18:42:08 +0000] 130.14.28.7 arn:aws:iam::783971887864:user/ignatovi 9713E7798F9A44BA REST.COPY.OBJECT SRR9211507/100100.mapped.1.fq.1 "PUT /SRR9211507/100100.mapped.1.fq.1 HTTP/1.1" 200 - 234 351400 97 45 "-" "aws-cli/1.16.249 Python/2.7.16" - QS2B/AbVsYy0J+Ce10atUPXDMX6vu6UOwEYF+EEovqNazgm8aO1xGpNN29+hN0KjCYv0VOTvsdI= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader sra-pub-sars-cov2.s3.amazonaws.com TLSv1.2 -';
const NCBI_DUPLICATE =
  '922194806485875312b252374a3644f1feecd16802a50d4729885c1d11e1fd37 sra-pub-run-1 [22/Mar/2019:18:05:28 +0000] 3.89.6.210 arn:aws:iam::783971887864:user/ignatovi 31D289F437B52130 REST.HEAD.OBJECT . "HEAD /. HTTP/1.1" 404 NoSuchKey 272 - 23 - "-" "aws-cli/1.16.129 Python/3.6.7 Linux/4.15.0-1032-aws botocore/1.12.119" - dPgBpCGq9rQ7ZciElvjyXYPzKZV/WO1Kzthf39aEE7/VJiuOve05tKd5zgaCJlWYXnS89nw+YFo= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader sra-pub-run-1.s3.amazonaws.com TLSv1.2 - -';
const NCBI_TWO_TOKEN_HOST_ID =
  '922194806485875312b252374a3644f1feecd16802a50d4729885c1d11e1fd37 sra-pub-run-1 [20/Mar/2019:19:44:01 +0000] 130.14.20.103 arn:aws:iam::783971887864:user/ignatovi 92D3B218463A63EA REST.GET.TAGGING - "GET /sra-pub-run-1?tagging= HTTP/1.1" 404 NoSuchTagSet 293 - 59 - "-" "S3Console/0.4, aws-internal/3 aws-sdk-java/1.11.509 Linux/4.9.137-0.1.ac.218.74.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.202-b08 java/1.8.0_202" - AIDAISBTTLPGXGH6YFFAY LzYGhqEwXn5Xiuil9tI6JtK2PiIo+SC6Ute3Isq2qEmt/t0Z7qFkyD0mp1ZIc43bm0qSX4tBbbc= SigV4 ECDHE-RSA-AES128-SHA AuthHeader s3.amazonaws.com TLSv1.2 - -';
const NCBI_BARE_REFERER =
  '7dd4dcfe9b004fb7433c61af3e87972f2e9477fa7f0760a02827f771b41b3455 sra-pub-src-2 [25/May/2020:22:16:50 +0000] 52.54.203.43 arn:aws:sts::783971887864:assumed-role/sra-developer-instance-profile-role/i-04b64e15519efb678 C7B509AB38B0AD00 REST.GET.OBJECT SRR8897470/m161101_094923_42215_c101123722550000001823252405221742_s1_p0.3.bax.h5.1 "GET /SRR8897470/m161101_094923_42215_c101123722550000001823252405221742_s1_p0.3.bax.h5.1 HTTP/1.1" 206 - 8388608 3671472839 126 81 - "aws-cli/1.16.249 Python/2.7.16 Linux/4.14.138-89.102.amzn1.x86_64 botocore/1.12.239" - /V4VRDSiZ2tIXd1OKvmpBk5AUPLGwS26r6eBtz61yDITeQ9Kba7Nleex39KfNbCNU47edAS7b8I= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader sra-pub-src-2.s3.amazonaws.com TLSv1.2';

// aws-samples/siem-on-amazon-opensearch-service PR #34: a comma in the Referer, a User-Agent ending `""`.
const SIEM_UA_QUOTE =
  'BucketOwner email-contents.sansan.com [24/Dec/2020:20:00:00 +0000] xxx.xxxx.xx.xxx - xxxxxIDxxxx REST.GET.OBJECT aaa/fizzbuzz.txt "GET /some-path/fizzbuzz.txt HTTP/1.1" 200 - 49851 49851 23 22 "https://example,com/some/url" "Mozilla/5.0 (iPad; CPU OS 13_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.1 Mobile/15E148 Safari/604.1"" - someIDstring - ECDHE-RSA-AES128-GCM-SHA256 - s3-ap-northeast-1.amazonaws.com TLSv1.2';
// aws-samples/siem-on-amazon-opensearch-service issue #254: Shellshock quotes in Referer and User-Agent.
const SIEM_SHELLSHOCK =
  'masked masked [19/May/2022:12:59:47 +0000] 198.51.100.0 - masked REST.GET.BUCKET - "GET / HTTP/1.1" 403 AccessDenied 243 - 4 - "() { :;}; echo; echo "masked"" "() { :;}; echo; echo "masked"" - masked - ECDHE-RSA-AES128-GCM-SHA256 - masked.s3-ap-northeast-1.amazonaws.com TLSv1.2 -';
// cocoonlife/s3-log-parse issue #1: a quote inside the Request-URI, and the key `%2522`.
const COCOON_URI_QUOTE =
  'f383580bf9c9bd19055832f1bf43164c3e6c444a758287727f8f40ab00d461bc testing-1234xxx [20/Jun/2019:03:51:36 +0000] 1.2.3.4 - 63DAF67A2BC0B6C3 REST.GET.OBJECT %2522 "GET /" HTTP/1.1" 403 AccessDenied 243 - 8 - "referer test" "curl/7.38.0" - uidORkMVUSKEFetTC9FJG1qrSdT9DlxA97GPF8m2IsJlDxHLkV5VGzmkuTb8pXIym7B/J5XZlGU= - ECDHE-RSA-AES128-GCM-SHA256 - testing-1234xxx.s3.amazonaws.com TLSv1.2';

// elastic/integrations issue #20417 gives the CloudFront OAI Requester; no whole line was published,
// so it is put into AWS_27 in place of the canonical-id Requester.
const OAI = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLEID';
const OAI_ADAPTED = AWS_27.replace(' 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57', ` ${OAI} 3E57`);
// No public fixture has an IPv6 Remote IP; AWS_24_PUT_NO_BYTES with a documentation address (RFC 3849).
const IPV6_ADAPTED = AWS_24_PUT_NO_BYTES.replace(' 192.0.2.3 ', ' 2001:db8:85a3::8a2e:370:7334 ');

function parseLines(lines: readonly string[], options: S3AccessOptions = { keepRemoteIp: true, keepRequester: true }): { events: S3AccessEvent[]; tally: ParseTally } {
  const tally = emptyTally();
  const parse = s3Access(options).createParser({ object: 's3://access-logs/transfers-bucket/2019-02-06-00-00-38-3E57427F3EXAMPLE', tally });
  const events = lines.flatMap((line, i) => parse(line, i + 1) ?? []);
  return { events, tally };
}

function parseOne(line: string): S3AccessEvent {
  const { events, tally } = parseLines([line]);
  expect(tally.errorRecords).toEqual([]);
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('format: s3Access on real lines', () => {
  it('reads the 27-field AWS example into typed fields', () => {
    // Act
    const event = parseOne(AWS_27);

    // Assess
    expect(event).toEqual({
      timestamp: Date.UTC(2019, 1, 6, 0, 0, 38),
      bucket_owner: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      bucket: 'amzn-s3-demo-bucket1',
      remote_ip: '192.0.2.3',
      requester: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      request_id: '3E57427F3EXAMPLE',
      operation: 'REST.GET.VERSIONING',
      operation_kind: 'REST',
      operation_method: 'GET',
      operation_resource: 'VERSIONING',
      key: null,
      request_uri: 'GET /amzn-s3-demo-bucket1?versioning HTTP/1.1',
      http_status: 200,
      error_code: null,
      bytes_sent: 113,
      object_size: null,
      total_time_ms: 7,
      turn_around_time_ms: null,
      referer: null,
      user_agent: 'S3Console/0.4',
      version_id: null,
      host_id: 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=',
      signature_version: 'SigV4',
      cipher_suite: 'ECDHE-RSA-AES128-GCM-SHA256',
      authentication_type: 'AuthHeader',
      host_header: 'amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com',
      tls_version: 'TLSV1.2',
      access_point_arn: 'arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP',
      acl_required: true,
      source_region: 'us-east-1',
    });
  });

  it.each([
    ['2014 AWS example', 18, AWS_2014_18],
    ['AWS 2020 record 5', 24, AWS_24_PUT_NO_BYTES],
    ['Elastic line 8', 25, ELASTIC_25],
    ['NCBI line 2', 26, NCBI_26_STAR_KEY],
    ['AWS current record 2', 27, AWS_27_DASHES],
  ])('leaves the fields absent that the %s line does not carry (%i fields)', (_, fields, line) => {
    const event = parseOne(line);
    const names = ['version_id', 'host_id', 'signature_version', 'cipher_suite', 'authentication_type', 'host_header', 'tls_version', 'access_point_arn', 'acl_required', 'source_region'];
    for (const [i, name] of names.entries()) expect(Object.hasOwn(event, name), name).toBe(17 + i < fields);
    expect(event).not.toHaveProperty('extra');
  });

  it('keeps tokens after the 27th in extra, as logged', () => {
    const event = parseOne(`${AWS_27} x-future-1 "q"`.replace(' "q"', ' v2'));
    expect(event.source_region).toBe('us-east-1');
    expect(event.extra).toEqual(['x-future-1', 'v2']);
  });

  it('accepts a trailing space', () => {
    const event = parseOne(AWS_24_TRAILING_SPACE);
    expect(event).toMatchObject({ tls_version: 'TLSV1.1', http_status: 404, error_code: 'NoSuchBucketPolicy', bytes_sent: 297 });
    expect(event).not.toHaveProperty('access_point_arn');
  });

  it('reads Bytes Sent `-` as 0 and the other number fields as numbers', () => {
    expect(parseOne(AWS_24_PUT_NO_BYTES)).toMatchObject({ bytes_sent: 0, object_size: 4406583, total_time_ms: 41754, turn_around_time_ms: 28, key: 's3-dg.pdf', operation_method: 'PUT' });
  });

  it('keeps an unescaped quote inside the Request-URI and decodes the key once', () => {
    expect(parseOne(COCOON_URI_QUOTE)).toMatchObject({ request_uri: 'GET /" HTTP/1.1', key: '%22', referer: 'referer test', user_agent: 'curl/7.38.0', http_status: 403, signature_version: null });
  });

  it('keeps a comma in the Referer and a quote at the end of the User-Agent', () => {
    expect(parseOne(SIEM_UA_QUOTE)).toMatchObject({
      referer: 'https://example,com/some/url',
      user_agent: 'Mozilla/5.0 (iPad; CPU OS 13_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.1 Mobile/15E148 Safari/604.1"',
      version_id: null,
      host_id: 'someIDstring',
      tls_version: 'TLSv1.2',
    });
  });

  it('reads the Shellshock line with quotes in both Referer and User-Agent', () => {
    const shellshock = '() { :;}; echo; echo "masked"';
    expect(parseOne(SIEM_SHELLSHOCK)).toMatchObject({ referer: shellshock, user_agent: shellshock, requester: null, access_point_arn: null });
  });

  it('reads a bare - Referer before a quoted User-Agent', () => {
    expect(parseOne(NCBI_BARE_REFERER)).toMatchObject({ referer: null, user_agent: expect.stringMatching(/^aws-cli\/1\.16\.249 /), http_status: 206, bytes_sent: 8388608 });
  });

  it('reads a CloudFront OAI Requester with spaces without shifting the fields after it', () => {
    expect(parseOne(OAI_ADAPTED)).toMatchObject({ requester: OAI, request_id: '3E57427F3EXAMPLE', operation: 'REST.GET.VERSIONING', source_region: 'us-east-1' });
  });

  it('reads an IPv6 Remote IP', () => {
    expect(parseOne(IPV6_ADAPTED).remote_ip).toBe('2001:db8:85a3::8a2e:370:7334');
  });

  it('joins a two-token Host Id', () => {
    expect(parseOne(NCBI_TWO_TOKEN_HOST_ID)).toMatchObject({
      host_id: 'AIDAISBTTLPGXGH6YFFAY LzYGhqEwXn5Xiuil9tI6JtK2PiIo+SC6Ute3Isq2qEmt/t0Z7qFkyD0mp1ZIc43bm0qSX4tBbbc=',
      signature_version: 'SigV4',
      host_header: 's3.amazonaws.com',
      access_point_arn: null,
      acl_required: null,
    });
  });

  it('reads BATCH.DELETE with bare - Request-URI, Referer and User-Agent, and + as a space in the key', () => {
    expect(parseOne(ELASTIC_BATCH_DELETE)).toMatchObject({
      operation_kind: 'BATCH', operation_method: 'DELETE', operation_resource: 'OBJECT',
      key: 'Screen Shot 2019-09-09 at 9.08.44 AM.png', request_uri: null, http_status: 204, bytes_sent: 0, object_size: 57138,
      total_time_ms: null, referer: null, user_agent: null, requester: 'arn:aws:iam::123456:user/test@elastic.co',
    });
  });

  it('reads a lifecycle expiration: requester AmazonS3, "-" Request-URI, no Remote IP', () => {
    expect(parseOne(ELASTIC_LIFECYCLE)).toMatchObject({
      operation_kind: 'S3', operation_method: 'EXPIRE', operation_resource: 'OBJECT', requester: 'AmazonS3', remote_ip: null,
      request_uri: null, http_status: null, object_size: 317, version_id: 'qsEq9bDa2VyxyZ4cz0c7oBnF67VYTTij', acl_required: null,
    });
  });

  it('reads a service-principal PUT with status -', () => {
    expect(parseOne(ELASTIC_26_NO_STATUS)).toMatchObject({ http_status: null, requester: 'svc:delivery.logs.amazonaws.com', access_point_arn: 'arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP', acl_required: null });
  });

  it('reads both records of a copy, sharing the request id', () => {
    const { events } = parseLines([COPY_PUT_ADAPTED, NCBI_COPY_GET]);
    expect(events.map((e) => [e.request_id, e.operation_method, e.operation_resource, e.request_uri, e.http_status])).toEqual([
      ['9713E7798F9A44BA', 'COPY', 'OBJECT', 'PUT /SRR9211507/100100.mapped.1.fq.1 HTTP/1.1', 200],
      ['9713E7798F9A44BA', 'COPY', 'OBJECT_GET', null, null],
    ]);
    expect(events[1]).toMatchObject({ bytes_sent: 0, object_size: 351400, referer: null, user_agent: null });
  });

  it('keeps a literal * in the key and the Request-URI as sent', () => {
    expect(parseOne(NCBI_26_STAR_KEY)).toMatchObject({ key: 'SRR9154112/*.fastq*', request_uri: 'HEAD /SRR9154112/%2A.fastq%2A HTTP/1.1', acl_required: true });
  });

  it('parses a byte-identical duplicate twice (dedupe is not the parser’s job)', () => {
    const { events } = parseLines([NCBI_DUPLICATE, NCBI_DUPLICATE]);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual(events[1]);
  });

  it('reads every real line of this file with no error, among blank, CRLF and BOM lines', () => {
    const lines = [AWS_27, '', `${AWS_27_DASHES}\r`, `\uFEFF${AWS_2014_18}`, '   ', ELASTIC_BATCH_DELETE, ELASTIC_25, ELASTIC_26_NO_STATUS, ELASTIC_LIFECYCLE, NCBI_26_STAR_KEY, NCBI_COPY_GET, NCBI_DUPLICATE, NCBI_TWO_TOKEN_HOST_ID, NCBI_BARE_REFERER, SIEM_UA_QUOTE, SIEM_SHELLSHOCK, COCOON_URI_QUOTE, AWS_24_TRAILING_SPACE, AWS_24_PUT_NO_BYTES];
    const { events, tally } = parseLines(lines);
    expect(tally).toMatchObject({ events: 17, blank: 2, errors: 0, headers: 0 });
    expect(events).toHaveLength(17);
  });
});

describe('format: s3Access on broken lines', () => {
  // A spliced line: NCBI's line 42 is a record cut inside its User-Agent with the next record
  // glued on (formats.md §5.3 #8); built the same way from two real lines here.
  const SPLICED = NCBI_BARE_REFERER.slice(0, NCBI_BARE_REFERER.indexOf('Python/2.7.16')) + NCBI_DUPLICATE;
  const TRUNCATED = AWS_27.slice(0, AWS_27.indexOf(' 200 - 113'));

  it.each([
    ['a spliced line', SPLICED, 'field_invalid'],
    ['a line cut in the Request-URI', TRUNCATED, 'quote_unterminated'],
    ['a line cut after the User-Agent', AWS_2014_18.slice(0, -2), 'field_count'],
    ['a line cut after the bucket', AWS_27.slice(0, AWS_27.indexOf(' [')), 'field_count'],
    ['a time of -', AWS_2014_18.replace('[06/Feb/2014:00:00:38 +0000]', '-'), 'timestamp_invalid'],
    ['30 February', AWS_2014_18.replace('06/Feb', '30/Feb'), 'timestamp_invalid'],
    ['a month in another language', AWS_2014_18.replace('/Feb/', '/Fev/'), 'timestamp_invalid'],
    ['a non-numeric object size', NCBI_COPY_GET.replace(' 351400 ', ' 35x400 '), 'not_a_number'],
    ['a shifted tail', AWS_27.replace(' SigV4 ', ' SigV4 extra '), 'field_invalid'],
    ['an aclRequired that is not Yes', AWS_27.replace(' Yes ', ' No '), 'field_invalid'],
    ['a Referer holding " "', AWS_27.replace('"-" "S3Console/0.4"', '"a" "b" "c"'), 'field_invalid'],
    ['a User-Agent holding " (quote, space)', AWS_27.replace('"S3Console/0.4"', '"S3Console/0.4 "x" y"'), 'field_invalid'],
    ['a record spliced into the Request-URI', AWS_27.slice(0, AWS_27.indexOf('"GET') + 8) + AWS_2014_18, 'field_invalid'],
    ['a Referer that could end at two quotes', AWS_27.replace('"-" "S3Console/0.4"', '"a" " "c"'), 'quote_ambiguous'],
    ['a quoted Referer before a bare - User-Agent', AWS_27.replace('"-" "S3Console/0.4"', '"https://example.com/" -'), 'quote_unterminated'],
    ['a User-Agent with no closing quote', AWS_2014_18.replace('"S3Console/0.4" -', '"S3Console/0.4 -'), 'quote_unterminated'],
    ['an unquoted Referer', AWS_27.replace('"-" "S3Console/0.4"', 'ref "S3Console/0.4"'), 'field_invalid'],
  ])('rejects %s with an error record naming object and line, never an event', (_, line, code) => {
    // Act
    const { events, tally } = parseLines([AWS_27, line, AWS_2014_18]);

    // Assess
    expect(events.map((e) => e.request_id)).toEqual(['3E57427F3EXAMPLE', '3E57427F3EXAMPLE']);
    expect(tally).toMatchObject({ events: 2, errors: 1 });
    expect(tally.errorRecords).toEqual([
      { object: 's3://access-logs/transfers-bucket/2019-02-06-00-00-38-3E57427F3EXAMPLE', line: 2, code, reason: expect.any(String), text: line.slice(0, 512) },
    ]);
  });

  it('honours the time offset', () => {
    const event = parseOne(AWS_2014_18.replace('+0000]', '+0200]'));
    expect(event.timestamp).toBe(Date.UTC(2014, 1, 5, 22, 0, 38));
    expect(parseOne(AWS_2014_18.replace('+0000]', '-0130]')).timestamp).toBe(Date.UTC(2014, 1, 6, 1, 30, 38));
  });
});
