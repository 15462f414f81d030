// Firehose's default prefix (`YYYY/MM/DD/HH/`, UTC) and its Hive-style custom form.
const FIREHOSE_HOUR = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//;
const HIVE_DATE = /(?:^|\/)year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/(?:hour=(\d{2})\/)?/;
// CloudFront standard logs: `<distribution>.YYYY-MM-DD-HH.<unique>.gz`.
const STANDARD_LOG_HOUR = /\.(\d{4})-(\d{2})-(\d{2})-(\d{2})\.[^/]*$/;

/** The hour (or day) a key is dated with: its start and its end, epoch ms UTC. */
export interface KeyDate {
  readonly start: number;
  readonly end: number;
}

/**
 * The date in an object's key, when it has one: Firehose's `YYYY/MM/DD/HH/`, Hive-style
 * `year=/month=/day=/(hour=)`, or a CloudFront standard log's `.YYYY-MM-DD-HH.` file name.
 * `undefined` when the key has no valid date (a 2026-02-30 is none).
 */
export function keyDate(key: string): KeyDate | undefined {
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
