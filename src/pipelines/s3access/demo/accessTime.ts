const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * Field 3 of an access-log record: `[06/Feb/2019:00:00:38 +0000]` (strftime
 * `[%d/%b/%Y:%H:%M:%S %z]`, English months, always UTC), whole seconds: the time is truncated,
 * as S3 logs it. Two space-separated tokens inside the brackets.
 */
export function accessTime(ms: number): string {
  const t = new Date(ms);
  return `[${two(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} +0000]`;
}
