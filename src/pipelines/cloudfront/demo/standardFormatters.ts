import { escapePooled } from './cachedEscape.js';
import type { Formatter } from './lineFormatter.js';

// Consecutive lines mostly share a second, so the date and time strings of the last one are kept.
let lastDateSecond = Number.NaN;
let lastDate = '';
let lastTime = '';
function dateTimeOf(ms: number): void {
  const second = Math.floor(ms / 1000);
  if (second === lastDateSecond) return;
  lastDateSecond = second;
  const iso = new Date(second * 1000).toISOString();
  lastDate = iso.slice(0, 10);
  lastTime = iso.slice(11, 19);
}

/**
 * Standard-log fields: the names that differ from real-time ones, plus the host swap (§2.3);
 * any other name (v2 extras such as `asn`, `origin-fbl`, `c-country`) falls back to the
 * real-time formatter of the same name, and unknown names to `-`.
 */
export const STANDARD_FORMATTERS: Readonly<Record<string, Formatter>> = {
  date: (r) => {
    dateTimeOf(r.timestampMs);
    return lastDate;
  },
  time: (r) => {
    dateTimeOf(r.timestampMs);
    return lastTime;
  },
  'timestamp(ms)': (r) => String(r.timestampMs),
  'cs(Host)': (r) => escapePooled(r.distributionHost),
  'x-host-header': (r) => escapePooled(r.host),
  'cs-uri-stem': (r) => escapePooled(r.path),
  'cs(Referer)': (r) => escapePooled(r.referer),
  'cs(User-Agent)': (r) => escapePooled(r.userAgent),
  'cs(Cookie)': (r) => escapePooled(r.cookie),
};
