import { LetsflowError } from '../../core/errors.js';

/** Throws the `LetsflowError` a bad field value becomes (`not_a_number`, `timestamp_invalid`, …). */
export function fail(code: string, reason: string): never {
  throw new LetsflowError(code, 'processing', reason);
}

/** Keeps error reasons short: a broken line can hold a kilobyte in one column. */
export function quoted(raw: string): string {
  return raw.length > 60 ? `'${raw.slice(0, 60)}…'` : `'${raw}'`;
}
