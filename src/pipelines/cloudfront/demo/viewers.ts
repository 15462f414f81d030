// Who sends the demo traffic: edge locations, countries, user agents and networks.

export type ClientKind = 'browser' | 'crawler' | 'tool' | 'scanner' | 'monitor';

export interface Client {
  readonly kind: ClientKind;
  readonly ip: string;
  readonly ipVersion: 'IPv4' | 'IPv6';
  readonly country: string;
  readonly asn: number;
  readonly edges: readonly Edge[];
  readonly userAgent: string;
  readonly acceptEncoding: string;
  readonly acceptLanguage: string;
  readonly cookie: string;
  readonly forwardedFor: string;
  /** Share of requests over plain http (redirected to https). */
  readonly httpShare: number;
  readonly versions: readonly string[];
  /** Bytes per second the viewer downloads at. */
  readonly bandwidth: number;
  /** Connections the client rotates through (one per 10 minutes of wall time). */
  readonly connectionIds: readonly string[];
  readonly sessionId: string;
}

export interface Edge {
  readonly code: string;
  readonly serverIps: readonly string[];
}

// Ten real-looking POPs: IATA code + number + suffix.
export const EDGE_DEFS: readonly (readonly [string, string])[] = [
  ['LHR61-P1', '18.66.'],
  ['MAN51-C1', '3.160.'],
  ['FRA56-P3', '108.156.'],
  ['CDG50-P2', '13.224.'],
  ['AMS58-P4', '143.204.'],
  ['IAD89-C1', '52.84.'],
  ['SEA19-C2', '65.8.'],
  ['SFO53-P9', '54.230.'],
  ['NRT57-P2', '99.84.'],
  ['GRU3-C1', '18.68.'],
];

interface CountryDef {
  readonly code: string;
  readonly weight: number;
  readonly edges: readonly string[];
  readonly asns: readonly number[];
  readonly v4: readonly number[];
  readonly v6: readonly string[];
  readonly languages: readonly string[];
}

export const COUNTRIES: readonly CountryDef[] = [
  { code: 'US', weight: 34, edges: ['IAD89-C1', 'SEA19-C2', 'SFO53-P9'], asns: [7922, 7018, 701, 20115, 22773], v4: [24, 73, 98, 108, 174], v6: ['2600:1700', '2601:646'], languages: ['en-US,en;q=0.9'] },
  { code: 'GB', weight: 20, edges: ['LHR61-P1', 'LHR61-P1', 'MAN51-C1'], asns: [2856, 5089, 5607, 12576], v4: [81, 86, 90, 109], v6: ['2a00:23c5', '2a02:c7c'], languages: ['en-GB,en;q=0.9', 'en-GB,en-US;q=0.9,en;q=0.8'] },
  { code: 'DE', weight: 12, edges: ['FRA56-P3'], asns: [3320, 3209, 6805], v4: [79, 84, 91, 93], v6: ['2003:e5', '2a02:8108'], languages: ['de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7', 'de,en;q=0.9'] },
  { code: 'FR', weight: 8, edges: ['CDG50-P2'], asns: [3215, 12322, 15557], v4: [78, 82, 90, 92], v6: ['2a01:cb00', '2a01:e0a'], languages: ['fr-FR,fr;q=0.9,en;q=0.8'] },
  { code: 'NL', weight: 4, edges: ['AMS58-P4'], asns: [1136, 33915], v4: [77, 83, 94], v6: ['2a02:a46'], languages: ['nl-NL,nl;q=0.9,en;q=0.8'] },
  { code: 'JP', weight: 6, edges: ['NRT57-P2'], asns: [2516, 4713, 17676], v4: [106, 110, 126, 153], v6: ['240b:10', '2400:4051'], languages: ['ja,en-US;q=0.9,en;q=0.8'] },
  { code: 'BR', weight: 5, edges: ['GRU3-C1'], asns: [28573, 26599, 18881], v4: [177, 179, 187, 189, 201], v6: ['2804:14c'], languages: ['pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7'] },
  { code: 'IE', weight: 2, edges: ['LHR61-P1'], asns: [5466, 6830], v4: [37, 86, 89], v6: ['2a02:8084'], languages: ['en-IE,en;q=0.9'] },
  { code: 'CA', weight: 4, edges: ['SEA19-C2', 'IAD89-C1'], asns: [812, 577], v4: [24, 70, 142], v6: ['2607:fea8'], languages: ['en-CA,en;q=0.9,fr-CA;q=0.8'] },
  { code: 'ES', weight: 2, edges: ['CDG50-P2'], asns: [3352, 12479], v4: [79, 83, 88], v6: ['2a0c:5a80'], languages: ['es-ES,es;q=0.9'] },
  { code: 'PL', weight: 2, edges: ['FRA56-P3'], asns: [5617, 12741], v4: [31, 83, 89], v6: ['2a01:112f'], languages: ['pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7'] },
];

export interface UaDef {
  readonly ua: string;
  readonly kind: ClientKind;
  readonly weight: number;
  readonly acceptEncoding: string;
  /** Fixed network for bots that crawl from their operator's own ranges. */
  readonly net?: { readonly prefix: string; readonly asn: number; readonly country: string };
}

const CHROME_AE = 'gzip, deflate, br, zstd';
const SAFARI_AE = 'gzip, deflate, br';

// ~33 user agents, weighted within their kind. Several contain '+' (must stay literal), '[ ]'
// and '"'-free punctuation; one has non-ASCII bytes (logged as %C3%BC).
export const USER_AGENTS: readonly UaDef[] = [
  { kind: 'browser', weight: 24, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' },
  { kind: 'browser', weight: 8, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0' },
  { kind: 'browser', weight: 12, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' },
  { kind: 'browser', weight: 9, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15' },
  { kind: 'browser', weight: 5, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' },
  { kind: 'browser', weight: 1, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:126.0) Gecko/20100101 Firefox/126.0' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0' },
  { kind: 'browser', weight: 18, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1' },
  { kind: 'browser', weight: 3, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1' },
  { kind: 'browser', weight: 3, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.51 Mobile/15E148 Safari/604.1' },
  { kind: 'browser', weight: 10, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36' },
  { kind: 'browser', weight: 6, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36' },
  { kind: 'browser', weight: 2, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36' },
  { kind: 'browser', weight: 2, acceptEncoding: SAFARI_AE, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/465.0.0.44.107;FBBV/610131578;FBDV/iPhone12,1;FBMD/iPhone;FBSN/iOS;FBSV/16.7.8;FBSS/2;FBCR/;FBID/phone;FBLC/en_GB;FBOP/5]' },
  { kind: 'browser', weight: 1, acceptEncoding: CHROME_AE, ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/AP1A.240505.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.179 Mobile Safari/537.36 Instagram 330.0.0.40.92 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; en_GB; 597277318)' },
  { kind: 'browser', weight: 0.5, acceptEncoding: 'gzip', ua: 'Bücherwurm/1.4 (Macintosh; macOS 14.4) CFNetwork/1494.0.7 Darwin/23.4.0' },
  { kind: 'crawler', weight: 10, acceptEncoding: 'gzip, deflate, br', ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', net: { prefix: '66.249.66.', asn: 15169, country: 'US' } },
  { kind: 'crawler', weight: 6, acceptEncoding: 'gzip, deflate, br', ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', net: { prefix: '66.249.68.', asn: 15169, country: 'US' } },
  { kind: 'crawler', weight: 5, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', net: { prefix: '157.55.39.', asn: 8075, country: 'US' } },
  { kind: 'crawler', weight: 2, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', net: { prefix: '5.255.231.', asn: 13238, country: 'RU' } },
  { kind: 'crawler', weight: 4, acceptEncoding: 'gzip, deflate, br', ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', net: { prefix: '20.171.207.', asn: 8075, country: 'US' } },
  { kind: 'crawler', weight: 3, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', net: { prefix: '54.36.148.', asn: 16276, country: 'FR' } },
  { kind: 'crawler', weight: 2, acceptEncoding: 'gzip, deflate', ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', net: { prefix: '69.171.249.', asn: 32934, country: 'US' } },
  { kind: 'crawler', weight: 1, acceptEncoding: 'gzip,deflate', ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', net: { prefix: '3.89.94.', asn: 14618, country: 'US' } },
  { kind: 'crawler', weight: 1, acceptEncoding: 'gzip', ua: 'Twitterbot/1.0', net: { prefix: '199.16.157.', asn: 13414, country: 'US' } },
  { kind: 'tool', weight: 5, acceptEncoding: '', ua: 'curl/8.5.0' },
  { kind: 'tool', weight: 4, acceptEncoding: 'gzip, deflate', ua: 'python-requests/2.31.0' },
  { kind: 'tool', weight: 3, acceptEncoding: 'gzip', ua: 'Go-http-client/2.0' },
  { kind: 'tool', weight: 2, acceptEncoding: 'gzip', ua: 'okhttp/4.12.0' },
  { kind: 'tool', weight: 1, acceptEncoding: 'identity', ua: 'Wget/1.21.4' },
  { kind: 'scanner', weight: 3, acceptEncoding: 'gzip', ua: 'Mozilla/5.0 zgrab/0.x' },
  { kind: 'scanner', weight: 2, acceptEncoding: 'gzip, deflate', ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36' },
  { kind: 'monitor', weight: 1, acceptEncoding: '', ua: 'Amazon-Route53-Health-Check-Service (ref 7f1c3a22-1e0b-4a0e-9c44-2b7f3d2d0a11; report http://amzn.to/1vsZADi)', net: { prefix: '54.183.255.', asn: 16509, country: 'US' } },
];

// Cloud networks the tools and scanners run from.
export const CLOUD_NETS: readonly (readonly [string, number, string])[] = [
  ['3.', 16509, 'US'],
  ['18.', 16509, 'US'],
  ['34.', 396982, 'US'],
  ['164.90.', 14061, 'DE'],
  ['45.33.', 63949, 'US'],
  ['167.94.', 398324, 'US'],
  ['185.220.', 208294, 'DE'],
];
