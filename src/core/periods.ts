/**
 * Tumbling event-time windows: 30 minutes, hour, day and month, all in UTC. A window is named
 * by its period and a time key (`30min/2026-02-16-1430`, `hourly/2026-02-16-14`,
 * `daily/2026-02-16`, `monthly/2026-02`); its start is inclusive, its end exclusive.
 */

export const PERIODS = ['30min', 'hourly', 'daily', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];

const MINUTE = 60_000;
const FIXED_LENGTH: Readonly<Record<Exclude<Period, 'monthly'>, number>> = {
  '30min': 30 * MINUTE,
  hourly: 60 * MINUTE,
  daily: 24 * 60 * MINUTE,
};

const PARENT: Readonly<Record<Period, Period | undefined>> = {
  '30min': 'hourly',
  hourly: 'daily',
  daily: 'monthly',
  monthly: undefined,
};

const CHILD: Readonly<Record<Period, Period | undefined>> = {
  '30min': undefined,
  hourly: '30min',
  daily: 'hourly',
  monthly: 'daily',
};

export function isPeriod(value: string): value is Period {
  return (PERIODS as readonly string[]).includes(value);
}

/** Start (epoch ms) of the window of `period` that holds `epochMs`. */
export function windowStart(period: Period, epochMs: number): number {
  if (period === 'monthly') {
    const d = new Date(epochMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const length = FIXED_LENGTH[period];
  return Math.floor(epochMs / length) * length;
}

/** End (exclusive, epoch ms) of the window of `period` that starts at `start`. */
export function windowEnd(period: Period, start: number): number {
  if (period === 'monthly') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + FIXED_LENGTH[period];
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The time key of the window of `period` starting at `start`: `2026-02-16-1430`, `2026-02-16-14`, `2026-02-16`, `2026-02`. */
export function timeKey(period: Period, start: number): string {
  const d = new Date(start);
  const month = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}`;
  if (period === 'monthly') return month;
  const day = `${month}-${pad(d.getUTCDate())}`;
  if (period === 'daily') return day;
  if (period === 'hourly') return `${day}-${pad(d.getUTCHours())}`;
  return `${day}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
}

const TIME_KEY_PATTERN: Readonly<Record<Period, RegExp>> = {
  '30min': /^(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})$/,
  hourly: /^(\d{4})-(\d{2})-(\d{2})-(\d{2})$/,
  daily: /^(\d{4})-(\d{2})-(\d{2})$/,
  monthly: /^(\d{4})-(\d{2})$/,
};

/** The start of the window a time key names, or `undefined` when the key is not a valid key of `period`. */
export function parseTimeKey(period: Period, key: string): number | undefined {
  const match = TIME_KEY_PATTERN[period].exec(key);
  if (!match) return undefined;
  const [year, month, day = 1, hour = 0, minute = 0] = match.slice(1).map(Number) as [number, number, number?, number?, number?];
  const start = Date.UTC(year, month - 1, day, hour, minute);
  // Round-tripping rejects keys such as 2026-02-30 or 1445 that Date.UTC would roll over.
  return timeKey(period, start) === key && windowStart(period, start) === start ? start : undefined;
}

export function parentPeriod(period: Period): Period | undefined {
  return PARENT[period];
}

export function childPeriod(period: Period): Period | undefined {
  return CHILD[period];
}

/** Starts of the child windows (of the next finer period) that make up a window. */
export function childStarts(period: Period, start: number): number[] {
  const child = CHILD[period];
  if (child === undefined) return [];
  const end = windowEnd(period, start);
  const starts: number[] = [];
  for (let s = start; s < end; s = windowEnd(child, s)) starts.push(s);
  return starts;
}

/** Every window start of `period` that overlaps [from, to), in order. */
export function windowsBetween(period: Period, from: number, to: number): number[] {
  const starts: number[] = [];
  for (let s = windowStart(period, from); s < to; s = windowEnd(period, s)) starts.push(s);
  return starts;
}
