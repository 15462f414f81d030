import type { Rng } from '../../cloudfront/demo/random.js';
import { upperHex } from './hexIds.js';

/**
 * The key S3 gives a server access log object in the default ("simple") format (formats.md
 * §3.3): `<TargetPrefix>YYYY-mm-DD-HH-MM-SS-<UniqueString>`, the time being the delivery time
 * (UTC) and the unique string 16 upper-case hex digits. The prefix is used verbatim: no `/` is
 * added, so `transfers-bucket/` gives `transfers-bucket/2026-04-20-00-12-31-3E57427F3E0A9B1C`.
 */
export function accessLogKey(prefix: string, deliveredMs: number, rng: Rng): string {
  const iso = new Date(deliveredMs).toISOString();
  const stamp = `${iso.slice(0, 10)}-${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}`;
  return `${prefix}${stamp}-${upperHex(rng, 16)}`;
}

/** What `accessLogKey` writes after the prefix (the pattern SIEM on OpenSearch matches too). */
export const ACCESS_LOG_KEY_SUFFIX = /\d{4}-[01]\d-[0-3]\d-[0-2]\d-[0-5]\d-[0-5]\d-[0-9A-F]{16}$/;
