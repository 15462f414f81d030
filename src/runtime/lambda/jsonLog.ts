/** A structured log line: one JSON object, `level` and `msg` first. */
export type LogLine = { readonly level: 'info' | 'warn' | 'error'; readonly msg: string } & Readonly<Record<string, unknown>>;

/** Writes one line; `JSON.stringify`'s output plus a newline. */
export type LogWriter = (text: string) => void;

/** Lambda sends a function's stdout to CloudWatch Logs line by line; `console.log` would prefix each line with text. */
export const stdoutWriter: LogWriter = (text) => {
  process.stdout.write(text);
};

/**
 * A JSON-lines logger: each call writes `{"time": …, "level": …, "msg": …, …fields}` on one
 * line, so CloudWatch Logs Insights can query the fields. Values that do not serialize (a cycle,
 * a BigInt) are logged as their string form rather than lost. It logs what it is given: callers
 * pass messages and codes, never configuration or credentials.
 *
 * @example
 * ```ts
 * import { jsonLog } from 'letsflow';
 * const log = jsonLog();
 * log({ level: 'info', msg: 'object', key: 'a.gz', status: 'committed', events: 12, ms: 40 });
 * ```
 * @param write where lines go; stdout by default
 * @returns the logger
 */
export function jsonLog(write: LogWriter = stdoutWriter): (line: LogLine) => void {
  return (line) => {
    const record = { time: new Date().toISOString(), ...line };
    let text: string;
    try {
      text = JSON.stringify(record);
    } catch {
      text = JSON.stringify(Object.fromEntries(Object.entries(record).map(([k, v]) => [k, (typeof v === 'object' && v !== null) || typeof v === 'bigint' ? String(v) : v])));
    }
    write(`${text}\n`);
  };
}
