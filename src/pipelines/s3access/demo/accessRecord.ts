/**
 * One S3 server access log record as the demo writes it: every field already in its logged form
 * (formats.md §3.1), so `"GET /k HTTP/1.1"` keeps its quotes, a missing value is `-` (or `"-"`
 * where S3 writes that), and the requester may hold spaces. Field numbers in the comments.
 */
export interface AccessRecord {
  /** 1: canonical user id of the bucket owner. */
  readonly bucketOwner: string;
  /** 2 */
  readonly bucket: string;
  /** 3, epoch ms: written as `[dd/Mon/YYYY:HH:MM:SS +0000]`. */
  readonly timeMs: number;
  /** 4: IPv4, IPv6 or `-`. */
  readonly remoteIp: string;
  /** 5 */
  readonly requester: string;
  /** 6: 16 upper-case hex digits. */
  readonly requestId: string;
  /** 7: `REST.GET.OBJECT`, `S3.EXPIRE.OBJECT`, `BATCH.DELETE.OBJECT`, … */
  readonly operation: string;
  /** 8: form-URL-encoded key, or `-`. */
  readonly key: string;
  /** 9: `"METHOD /path?query HTTP/1.1"`, `"-"` (lifecycle) or bare `-` (copy GET side, batch delete). */
  readonly requestUri: string;
  /** 10: three digits or `-`. */
  readonly status: string;
  /** 11 */
  readonly errorCode: string;
  /** 12: `-` when zero. */
  readonly bytesSent: string;
  /** 13 */
  readonly objectSize: string;
  /** 14, 15: milliseconds. */
  readonly totalTime: string;
  readonly turnAroundTime: string;
  /** 16, 17: quoted, `"-"` or bare `-`. */
  readonly referer: string;
  readonly userAgent: string;
  /** 18 */
  readonly versionId: string;
  /** 19 */
  readonly hostId: string;
  /** 20: `SigV4`, `SigV2` or `-`. */
  readonly signatureVersion: string;
  /** 21 */
  readonly cipherSuite: string;
  /** 22: `AuthHeader`, `QueryString` or `-`. */
  readonly authType: string;
  /** 23 */
  readonly hostHeader: string;
  /** 24: `TLSv1.2`, `TLSv1.3` or `-`. */
  readonly tlsVersion: string;
  /** 25 */
  readonly accessPointArn: string;
  /** 26: `Yes` or `-`. */
  readonly aclRequired: string;
  /** 27 */
  readonly sourceRegion: string;
}

/** Logical fields a record can be written with: the 2019 layout (24) up to the current one (27). */
export type AccessFieldCount = 24 | 25 | 26 | 27;
