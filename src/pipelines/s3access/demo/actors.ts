import { pick, type Rng } from '../../cloudfront/demo/random.js';
import { DEMO_ACCOUNT_ID, DEMO_REGION } from './demoBuckets.js';

/**
 * Who makes the requests in the demo: each actor fixes the Requester (field 5), how the remote
 * IP (4) is drawn, the User-Agent (17), Referer (16), authentication (20, 22) and TLS (21, 24)
 * fields, and the source region (27). Values follow formats.md §3.1: ARNs with `@` and `.`, a
 * CloudFront Origin Access Identity whose ARN holds spaces, `-` for anonymous requests, user
 * agents with spaces, commas, `#` and parentheses. IPs are from the documentation ranges
 * (RFC 5737, RFC 3849) except the AWS-side ones, which stay within one made-up /16.
 */
export interface Actor {
  readonly name: 'browser' | 'user-lambda' | 'admin-lambda' | 'cloudfront-oai' | 'operator' | 'console' | 'partner' | 'anonymous';
  /** Field 5 as logged (may contain spaces). */
  readonly requester: string;
  readonly remoteIp: (rng: Rng) => string;
  readonly userAgent: (rng: Rng) => string;
  /** Field 16 as logged: quoted, or `"-"`. */
  readonly referer: (rng: Rng) => string;
  /** `QueryString` for presigned URLs, `AuthHeader` otherwise; `-` for anonymous requests. */
  readonly authType: 'AuthHeader' | 'QueryString' | '-';
  readonly sourceRegion: string;
}

const CLIENT_V4 = ['192.0.2.', '198.51.100.', '203.0.113.'] as const;

function clientIp(rng: Rng): string {
  // One in five viewers on IPv6, as on many consumer networks.
  if (rng() < 0.2) return `2001:db8:${(0x100 + Math.floor(rng() * 0xf00)).toString(16)}:${Math.floor(rng() * 0x10000).toString(16)}::${Math.floor(rng() * 0xffff).toString(16)}`;
  return `${pick(rng, CLIENT_V4)}${1 + Math.floor(rng() * 254)}`;
}

const awsIp = (rng: Rng): string => `18.170.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`;
const edgeIp = (rng: Rng): string => `130.176.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`;

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36',
] as const;
const SDK_JS = 'aws-sdk-js/3.1169.0 ua/2.1 os/linux#5.10.237-251.949.amzn2.aarch64 lang/js md/nodejs#22.17.0 api/s3#3.1169.0 exec-env/AWS_Lambda_nodejs22.x m/E,N';
const BOTO = 'Boto3/1.38.36 md/Botocore#1.38.36 ua/2.1 os/linux#5.10.237-251.949.amzn2.aarch64 md/arch#aarch64 lang/python#3.12.11 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.38.36';
const CLI = [
  'aws-cli/2.27.49 md/awscrt#0.26.1 ua/2.1 os/linux#6.8.0-1029-aws md/arch#x86_64 lang/python#3.13.4 md/pyimpl#CPython m/C,Z,b,E cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#s3.cp',
  'aws-cli/2.27.49 md/awscrt#0.26.1 ua/2.1 os/macos#24.5.0 md/arch#arm64 lang/python#3.13.4 md/pyimpl#CPython m/b,E,Z,C cfg/retry-mode#standard md/installer#source md/prompt#off md/command#s3.ls',
] as const;
const CONSOLE = 'S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.236-208.928.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.452-b09 java/1.8.0_452 vendor/Oracle_Corporation cfg/retry-mode/standard';
const SCANNERS = ['curl/8.5.0', 'python-requests/2.32.4', 'Go-http-client/1.1', 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'] as const;

const quoted = (text: string): string => `"${text}"`;
const none = (): string => '"-"';

/** The actors, keyed by name; a bucket's traffic profile weighs them per operation. */
export const ACTORS = {
  /** A browser following a presigned URL the user Lambda handed out. */
  browser: {
    name: 'browser',
    requester: `arn:aws:sts::${DEMO_ACCOUNT_ID}:assumed-role/sgraph-send-user-lambda-role/sgraph-send-user-lambda`,
    remoteIp: clientIp,
    userAgent: (rng) => quoted(pick(rng, BROWSERS)),
    referer: (rng) => (rng() < 0.85 ? '"https://send.sgraph.ai/"' : rng() < 0.5 ? '"https://send.sgraph.ai/download?id=a1b2c3, shared"' : '"-"'),
    authType: 'QueryString',
    sourceRegion: '-',
  },
  'user-lambda': {
    name: 'user-lambda',
    requester: `arn:aws:sts::${DEMO_ACCOUNT_ID}:assumed-role/sgraph-send-user-lambda-role/sgraph-send-user-lambda`,
    remoteIp: awsIp,
    userAgent: () => quoted(SDK_JS),
    referer: none,
    authType: 'AuthHeader',
    sourceRegion: DEMO_REGION,
  },
  'admin-lambda': {
    name: 'admin-lambda',
    requester: `arn:aws:sts::${DEMO_ACCOUNT_ID}:assumed-role/sgraph-send-admin-lambda-role/sgraph-send-admin-lambda`,
    remoteIp: awsIp,
    userAgent: () => quoted(BOTO),
    referer: none,
    authType: 'AuthHeader',
    sourceRegion: DEMO_REGION,
  },
  /** CloudFront reading the bucket as its origin: the one requester with spaces in it. */
  'cloudfront-oai': {
    name: 'cloudfront-oai',
    requester: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLEID0AB',
    remoteIp: edgeIp,
    userAgent: () => '"Amazon CloudFront"',
    referer: none,
    authType: 'AuthHeader',
    sourceRegion: '-',
  },
  operator: {
    name: 'operator',
    requester: `arn:aws:iam::${DEMO_ACCOUNT_ID}:user/ops.admin@sgraph.ai`,
    remoteIp: clientIp,
    userAgent: (rng) => quoted(pick(rng, CLI)),
    referer: none,
    authType: 'AuthHeader',
    sourceRegion: '-',
  },
  console: {
    name: 'console',
    requester: `arn:aws:sts::${DEMO_ACCOUNT_ID}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/dinis.cruz@sgraph.ai`,
    remoteIp: clientIp,
    userAgent: () => quoted(CONSOLE),
    referer: none,
    authType: 'AuthHeader',
    sourceRegion: '-',
  },
  /** Another account, logged by its canonical user id. */
  partner: {
    name: 'partner',
    requester: 'f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff00',
    remoteIp: clientIp,
    userAgent: (rng) => quoted(pick(rng, CLI)),
    referer: none,
    authType: 'AuthHeader',
    sourceRegion: '-',
  },
  /** Unsigned requests from scanners: requester `-`, mostly refused. */
  anonymous: {
    name: 'anonymous',
    requester: '-',
    remoteIp: clientIp,
    userAgent: (rng) => quoted(pick(rng, SCANNERS)),
    referer: none,
    authType: '-',
    sourceRegion: '-',
  },
} as const satisfies Record<Actor['name'], Actor>;
