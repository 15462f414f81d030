/**
 * Why a run of trailing tokens is not the tail of an S3 access-log record (`TAIL_OK` when it is).
 * Small integers, so the tokenizer can try a reading and drop it without building an error.
 */
export const TAIL_OK = 0;
export const TAIL_NO_VERSION_ID = 1;
export const TAIL_EMPTY_FIELD = 2;
export const TAIL_QUOTE = 3;
export const TAIL_SIGNATURE = 4;
export const TAIL_TLS = 5;
export const TAIL_AUTHENTICATION = 6;

/** Logical positions in the tail, counted from Version Id (field 18 of the record). */
export const TAIL_VERSION_ID = 0;
export const TAIL_HOST_ID = 1;
export const TAIL_SIGNATURE_VERSION = 2;
export const TAIL_AUTHENTICATION_TYPE = 4;
export const TAIL_TLS_VERSION = 6;

/**
 * Reads the fields after the User-Agent — Version Id, Host Id, Signature Version, Cipher Suite,
 * Authentication Type, Host Header, TLS version, Access Point ARN, aclRequired, Source region, then
 * any tokens S3 adds later — as `[start, end)` spans into `spans` (two numbers per logical field,
 * the array reused from line to line), and returns `TAIL_OK` or why they cannot be that tail.
 *
 * Fields are single-space separated; one or more spaces at the end of the line are accepted
 * (formats.md §3.1: AWS's 2023 doc line 3). None of these fields can hold a `"`, so a token with one
 * means the quoted field before was cut in the wrong place. Every field after Version Id is optional
 * (the 2014 layout has 18 fields). A Host Id can be two tokens (NCBI's `AIDAISBTTLPGXGH6YFFAY LzYG…=`,
 * formats.md §5.3 #6): when the token after Host Id is not a signature version (`SigV…` or `-`) but
 * the one after it is (and neither Host Id token is `-`), both tokens are the Host Id, as one span.
 * Signature Version, Authentication Type and TLS version are checked for shape (`SigV…`/`-`, letters
 * or `-`, `TLS…` in any case/`-`), so a line shifted by one field is refused rather than read.
 *
 * @param line the log line
 * @param from index of the first tail token (just after the User-Agent and its space)
 * @param spans receives start/end pairs, one pair per logical field
 * @returns `TAIL_OK` or a `TAIL_*` reason
 */
export function readTrailingFields(line: string, from: number, spans: number[]): number {
  spans.length = 0;
  let end = line.length;
  while (end > from && line.charCodeAt(end - 1) === 0x20) end--;
  if (from >= end) return TAIL_NO_VERSION_ID;
  let at = from;
  while (at <= end) {
    let next = line.indexOf(' ', at);
    if (next === -1 || next > end) next = end;
    if (next === at) return TAIL_EMPTY_FIELD;
    const quote = line.indexOf('"', at);
    if (quote !== -1 && quote < next) return TAIL_QUOTE;
    spans.push(at, next);
    at = next + 1;
  }
  // Two-token Host Id: tokens 2 and 3 of the tail decide it.
  const count = spans.length >> 1;
  if (
    count >= 4 &&
    !isDash(line, spans[2]!, spans[3]!) &&
    !isSignature(line, spans[4]!, spans[5]!) &&
    isSignature(line, spans[6]!, spans[7]!)
  ) {
    spans[3] = spans[5]!;
    spans.splice(4, 2);
  }
  const fields = spans.length >> 1;
  if (fields > TAIL_SIGNATURE_VERSION && !isSignature(line, spans[4]!, spans[5]!)) return TAIL_SIGNATURE;
  if (fields > TAIL_AUTHENTICATION_TYPE && !isAuthentication(line, spans[8]!, spans[9]!)) return TAIL_AUTHENTICATION;
  if (fields > TAIL_TLS_VERSION && !isTls(line, spans[12]!, spans[13]!)) return TAIL_TLS;
  return TAIL_OK;
}

/** The reason for a `TAIL_*` code, for an error record. */
export function tailProblem(code: number): string {
  switch (code) {
    case TAIL_NO_VERSION_ID:
      return 'the line ends after the User-Agent: Version Id (field 18) is missing';
    case TAIL_EMPTY_FIELD:
      return 'two spaces in a row after the User-Agent: an empty field';
    case TAIL_QUOTE:
      return 'a field after the User-Agent holds a quote: the quoted fields cannot be delimited';
    case TAIL_SIGNATURE:
      return 'Signature Version (field 20) is not SigV… or -: the fields are shifted';
    case TAIL_AUTHENTICATION:
      return 'Authentication Type (field 22) is not a word (AuthHeader, QueryString) or -: the fields are shifted';
    case TAIL_TLS:
      return 'TLS version (field 24) is not TLS… or -: the fields are shifted';
    default:
      return 'the fields after the User-Agent are not an S3 access-log tail';
  }
}

function isDash(line: string, start: number, end: number): boolean {
  return end - start === 1 && line.charCodeAt(start) === 0x2d;
}

/** `-` or `SigV…` (SigV2, SigV4, and SigV4a of multi-Region access points). */
function isSignature(line: string, start: number, end: number): boolean {
  return isDash(line, start, end) || (end - start >= 5 && line.startsWith('SigV', start));
}

/** `-` or letters only (`AuthHeader`, `QueryString`, and any later type): never a host name or a cipher. */
function isAuthentication(line: string, start: number, end: number): boolean {
  if (isDash(line, start, end)) return true;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

/** `-` or `TLS…` in any case: AWS's examples write `TLSV1.2`, real lines `TLSv1.2`. */
function isTls(line: string, start: number, end: number): boolean {
  if (isDash(line, start, end)) return true;
  return end - start >= 4 && (line.charCodeAt(start) | 0x20) === 0x74 && (line.charCodeAt(start + 1) | 0x20) === 0x6c && (line.charCodeAt(start + 2) | 0x20) === 0x73;
}
