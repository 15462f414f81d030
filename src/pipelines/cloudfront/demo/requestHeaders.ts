import { escapePooled } from './cachedEscape.js';
import type { DemoRequest } from './demoRequest.js';

// The request headers a record implies, as the real-time cs-headers, cs-header-names and cs-headers-count fields log them.

interface HeaderPair {
  readonly name: string;
  readonly value: string;
}

export function requestHeaders(r: DemoRequest): HeaderPair[] {
  const h: HeaderPair[] = [{ name: 'host', value: r.host }];
  if (r.userAgent !== '') h.push({ name: 'user-agent', value: r.userAgent });
  if (r.accept !== '') h.push({ name: 'accept', value: r.accept });
  if (r.acceptEncoding !== '') h.push({ name: 'accept-encoding', value: r.acceptEncoding });
  if (r.acceptLanguage !== '') h.push({ name: 'accept-language', value: r.acceptLanguage });
  if (r.referer !== '') h.push({ name: 'referer', value: r.referer });
  if (r.forwardedFor !== '') h.push({ name: 'x-forwarded-for', value: r.forwardedFor });
  if (r.method === 'POST' || r.method === 'PUT') h.push({ name: 'content-type', value: 'application/json' });
  if (r.cookie !== '') h.push({ name: 'cookie', value: r.cookie });
  return h;
}

/** Cuts an escaped value to 800 bytes without splitting a `%XX` escape. */
function cut800(s: string): string {
  if (s.length <= 800) return s;
  let end = 800;
  const pct = s.lastIndexOf('%', end - 1);
  if (pct > end - 3) end = pct;
  return s.slice(0, end);
}

export function csHeaders(r: DemoRequest): string {
  // As in real records, the cookie header is named in cs-header-names but left out here.
  let out = '';
  for (const h of requestHeaders(r)) {
    if (h.name === 'cookie') continue;
    out += `${h.name}:${escapePooled(h.value)}%0A`;
  }
  return cut800(out);
}

export function csHeaderNames(r: DemoRequest): string {
  let out = '';
  for (const h of requestHeaders(r)) out += `${h.name}%0A`;
  return cut800(out);
}
