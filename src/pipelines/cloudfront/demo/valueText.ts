// Numbers as CloudFront writes them: 3-digit statuses, seconds with 3 decimals, `-` for absent values.

const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) PAD3.push(String(i).padStart(3, '0'));
const STATUS_TEXT = new Map<number, string>();

export function statusText(status: number): string {
  let s = STATUS_TEXT.get(status);
  if (s === undefined) {
    s = String(status).padStart(3, '0');
    STATUS_TEXT.set(status, s);
  }
  return s;
}

/** Epoch ms → `1600299221.087`. */
export function epochSeconds3(ms: number): string {
  const whole = Math.floor(ms / 1000);
  return `${whole}.${PAD3[ms - whole * 1000]!}`;
}

/** Seconds → `0.168` (3 decimals). */
export function seconds3(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const whole = Math.floor(ms / 1000);
  return `${whole}.${PAD3[ms - whole * 1000]!}`;
}

export function optNumber(n: number | null): string {
  return n === null ? '-' : String(n);
}

export function optSeconds(n: number | null): string {
  return n === null ? '-' : seconds3(n);
}

export function orDash(s: string): string {
  return s === '' ? '-' : s;
}
