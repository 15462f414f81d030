// Firehose's default prefix (`YYYY/MM/DD/HH/`, UTC) and its Hive-style custom form.
const FIREHOSE_HOUR = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//;
const HIVE_DATE = /(?:^|\/)year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/(?:hour=(\d{2})\/)?/;
// CloudFront standard logs: `<distribution>.YYYY-MM-DD-HH.<unique>.gz`.
const STANDARD_LOG_HOUR = /\.(\d{4})-(\d{2})-(\d{2})-(\d{2})\.[^/]*$/;
// S3 server access logs (formats.md §3.3): `<prefix>YYYY-mm-DD-HH-MM-SS-<UniqueString>`, the
// prefix verbatim (no slash added), the time the object was delivered (UTC). The partitioned
// form puts `<account>/<region>/<bucket>/YYYY/MM/DD/` before the same file name.
const S3_ACCESS_LOG = /(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9A-Z]{16}$/;
const S3_ACCESS_PARTITION = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\/(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9A-Z]{16}$/;

/** The hour (or day) a key is dated with: its start and its end, epoch ms UTC. */
export interface KeyDate {
  readonly start: number;
  readonly end: number;
}

/**
 * The date in an object's key, when it has one: Firehose's `YYYY/MM/DD/HH/`, Hive-style
 * `year=/month=/day=/(hour=)`, a CloudFront standard log's `.YYYY-MM-DD-HH.` file name, or an
 * S3 server access log's `YYYY-mm-DD-HH-MM-SS-UniqueString` name (simple or partitioned): the
 * hour it was delivered in, or — a partitioned name whose time is `00-00-00`, as
 * `PartitionDateSource: EventTime` writes it — the whole day of its partition.
 * `undefined` when the key has no valid date (a 2026-02-30 is none).
 */
export function keyDate(key: string): KeyDate | undefined {
  const access = s3AccessLogDate(key);
  if (access !== null) return access;
  const match = FIREHOSE_HOUR.exec(key) ?? HIVE_DATE.exec(key) ?? STANDARD_LOG_HOUR.exec(key);
  if (match === null) return undefined;
  const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number];
  const hour = match[4] === undefined ? undefined : Number(match[4]);
  const start = Date.UTC(year, month - 1, day, hour ?? 0);
  const date = new Date(start);
  const valid = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && (hour === undefined || hour < 24);
  if (!valid) return undefined;
  return { start, end: start + (hour === undefined ? 24 : 1) * 3_600_000 };
}

/** An access-log key's date (`undefined` when its date is invalid), or `null` when the key is not an access log's name. */
function s3AccessLogDate(key: string): KeyDate | undefined | null {
  const partitioned = S3_ACCESS_PARTITION.exec(key);
  if (partitioned !== null) {
    const [, pYear, pMonth, pDay, year, month, day, hour, minute, second] = partitioned;
    const fileDate = validDate(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
    if (fileDate === undefined) return undefined;
    // EventTime partitions zero the time of the name: its records span the partition's day.
    if (hour === '00' && minute === '00' && second === '00') {
      const dayStart = validDate(Number(pYear), Number(pMonth), Number(pDay), 0, 0, 0);
      if (dayStart === undefined) return undefined;
      return { start: Math.min(dayStart, fileDate), end: Math.max(dayStart, fileDate) + 24 * 3_600_000 };
    }
    return hourOf(fileDate);
  }
  const simple = S3_ACCESS_LOG.exec(key);
  if (simple === null) return null;
  const [year, month, day, hour, minute, second] = simple.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = validDate(year, month, day, hour, minute, second);
  return date === undefined ? undefined : hourOf(date);
}

const hourOf = (time: number): KeyDate => {
  const start = time - (time % 3_600_000);
  return { start, end: start + 3_600_000 };
};

/** Epoch ms of a UTC date and time, or `undefined` when it is no real one (2026-02-30, 24:00). */
function validDate(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(time);
  const valid = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
  return valid ? time : undefined;
}
