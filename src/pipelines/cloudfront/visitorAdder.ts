import { createHmac } from 'node:crypto';
import { distinctCode } from '../../core/distinctSketch.js';
import { visitorSalt } from './visitorSalt.js';

/** Bound on the (viewer IP, agent) pairs one adder remembers; past it the memo starts over (only a cache). */
export const MAX_VISITOR_MEMO = 20_000;

/**
 * The visitor key of a (viewer IP, user agent) pair, as the HyperLogLog code the summary keeps:
 * HMAC-SHA256 under the installation's secret salt (`visitorSalt`), then the sketch's own hash
 * of that. Only a register index and a rank (18 bits, ~2^14 IPv4 addresses per code for one agent
 * even to someone holding the salt) reach the summary, and no per-event value is stored anywhere.
 * Memoized per pair (IP, then agent), bounded; the memo is in memory only. `given` replaces the
 * installation's salt (tests).
 */
export function visitorAdder(given?: Buffer): (ip: string, agent: string) => number {
  // Read on the first IP, so logs without viewer IPs never touch the salt file.
  let salt = given;
  const byIp = new Map<string, Map<string, number>>();
  let size = 0;
  return (ip, agent) => {
    let agents = byIp.get(ip);
    let code = agents?.get(agent);
    if (code !== undefined) return code;
    salt ??= visitorSalt().salt;
    code = distinctCode(createHmac('sha256', salt).update(ip).update('\n').update(agent).digest('base64'));
    if (size >= MAX_VISITOR_MEMO) {
      byIp.clear();
      size = 0;
      agents = undefined;
    }
    if (agents === undefined) byIp.set(ip, (agents = new Map()));
    agents.set(agent, code);
    size++;
    return code;
  };
}
