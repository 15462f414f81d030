import type { AccessFieldCount, AccessRecord } from './accessRecord.js';
import { accessTime } from './accessTime.js';

/**
 * One record as a log line (no newline): its first `fieldCount` logical fields, space-separated,
 * the time as two tokens in brackets. `trailingSpace` adds the space some real lines end with
 * (AWS's own 2023 example does), which a parser must accept.
 */
export function formatAccessLine(record: AccessRecord, fieldCount: AccessFieldCount = 27, trailingSpace = false): string {
  let line =
    `${record.bucketOwner} ${record.bucket} ${accessTime(record.timeMs)} ${record.remoteIp} ${record.requester} ${record.requestId} ` +
    `${record.operation} ${record.key} ${record.requestUri} ${record.status} ${record.errorCode} ${record.bytesSent} ${record.objectSize} ` +
    `${record.totalTime} ${record.turnAroundTime} ${record.referer} ${record.userAgent} ${record.versionId} ${record.hostId} ` +
    `${record.signatureVersion} ${record.cipherSuite} ${record.authType} ${record.hostHeader} ${record.tlsVersion}`;
  if (fieldCount >= 25) line += ` ${record.accessPointArn}`;
  if (fieldCount >= 26) line += ` ${record.aclRequired}`;
  if (fieldCount >= 27) line += ` ${record.sourceRegion}`;
  return trailingSpace ? `${line} ` : line;
}
