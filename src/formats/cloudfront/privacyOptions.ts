import { z } from 'zod';
import { QUERY_STRING_MODES } from './valueConverters.js';

/** The privacy options both CloudFront formats take, with privacy-first defaults: one place, so the two never drift. */
export const cloudfrontPrivacyOptions = {
  keepClientIp: z
    .boolean()
    .default(false)
    .describe('Keep c-ip and x-forwarded-for (personal data). Off by default: they are dropped while parsing.'),
  keepCookies: z
    .boolean()
    .default(false)
    .describe('Keep the Cookie header (sessions, tokens). Off by default: it is dropped while parsing, like viewer IPs.'),
  queryStrings: z
    .enum(QUERY_STRING_MODES)
    .default('off')
    .describe("How much of a query string to keep (they carry tokens and API keys): 'off' (null), 'names' (parameter names only, a=1&b=2 → a&b) or 'whole' (as logged)."),
};
