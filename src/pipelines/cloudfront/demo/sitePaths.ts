// What the demo site serves: its most requested paths, and the words and probes its other paths are made from.

export type PathKind =
  | 'page'
  | 'script'
  | 'style'
  | 'image'
  | 'font'
  | 'api'
  | 'events'
  | 'pixel'
  | 'health'
  | 'media'
  | 'playlist'
  | 'download'
  | 'text'
  | 'probe'
  | 'redirect';

export type QueryKind = 'none' | 'search' | 'items' | 'pixel' | 'version' | 'campaign';

export interface PathEntry {
  readonly path: string;
  readonly kind: PathKind;
  readonly contentType: string;
  /** Typical body size in bytes. */
  readonly size: number;
  readonly behavior: string;
  readonly query: QueryKind;
  readonly hitRatio: number;
}

export const HTML = 'text/html; charset=utf-8';

export const HOT_PATHS: readonly PathEntry[] = [
  { path: '/', kind: 'page', contentType: HTML, size: 18_432, behavior: '*', query: 'campaign', hitRatio: 0.8 },
  { path: '/index.html', kind: 'page', contentType: HTML, size: 18_432, behavior: '*', query: 'none', hitRatio: 0.8 },
  { path: '/assets/app.js', kind: 'script', contentType: 'application/javascript', size: 245_760, behavior: '/assets/*', query: 'version', hitRatio: 0.95 },
  { path: '/assets/app.css', kind: 'style', contentType: 'text/css', size: 48_221, behavior: '/assets/*', query: 'version', hitRatio: 0.95 },
  { path: '/api/v1/session', kind: 'api', contentType: 'application/json', size: 612, behavior: '/api/*', query: 'none', hitRatio: 0 },
  { path: '/favicon.ico', kind: 'image', contentType: 'image/x-icon', size: 15_086, behavior: '*', query: 'none', hitRatio: 0.97 },
  { path: '/assets/vendor.js', kind: 'script', contentType: 'application/javascript', size: 412_004, behavior: '/assets/*', query: 'version', hitRatio: 0.96 },
  { path: '/api/v1/items', kind: 'api', contentType: 'application/json', size: 6_480, behavior: '/api/*', query: 'items', hitRatio: 0 },
  { path: '/i', kind: 'pixel', contentType: 'image/gif', size: 43, behavior: '/i', query: 'pixel', hitRatio: 0 },
  { path: '/assets/fonts/inter-var.woff2', kind: 'font', contentType: 'font/woff2', size: 98_116, behavior: '/assets/*', query: 'none', hitRatio: 0.97 },
  { path: '/search', kind: 'page', contentType: HTML, size: 24_310, behavior: '*', query: 'search', hitRatio: 0.15 },
  { path: '/assets/img/logo.svg', kind: 'image', contentType: 'image/svg+xml', size: 3_204, behavior: '/assets/*', query: 'none', hitRatio: 0.97 },
  { path: '/api/v1/events', kind: 'events', contentType: 'application/json', size: 21, behavior: '/api/*', query: 'none', hitRatio: 0 },
  { path: '/robots.txt', kind: 'text', contentType: 'text/plain', size: 312, behavior: '*', query: 'none', hitRatio: 0.9 },
  { path: '/healthz', kind: 'health', contentType: 'application/json', size: 15, behavior: '/healthz', query: 'none', hitRatio: 0 },
  { path: '/blog/', kind: 'page', contentType: HTML, size: 31_870, behavior: '*', query: 'campaign', hitRatio: 0.75 },
  { path: '/pricing', kind: 'page', contentType: HTML, size: 22_118, behavior: '*', query: 'campaign', hitRatio: 0.75 },
  { path: '/about', kind: 'page', contentType: HTML, size: 16_950, behavior: '*', query: 'none', hitRatio: 0.75 },
  { path: '/sitemap.xml', kind: 'text', contentType: 'application/xml', size: 41_007, behavior: '*', query: 'none', hitRatio: 0.9 },
  { path: '/manifest.webmanifest', kind: 'text', contentType: 'application/manifest+json', size: 602, behavior: '/assets/*', query: 'none', hitRatio: 0.95 },
];

export const PROBES = [
  '/wp-login.php', '/.env', '/.git/config', '/xmlrpc.php', '/admin/', '/phpmyadmin/index.php',
  '/cgi-bin/luci/;stok=/locale', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/actuator/health', '/server-status', '/wp-content/plugins/revslider/temp/update_extract/x.php',
  '/.aws/credentials', '/owa/auth/logon.aspx', '/%2e%2e/%2e%2e/etc/passwd',
];

export const WORDS = [
  'streaming', 'cloudfront', 'logs', 'edge', 'cache', 'latency', 'gzip', 'kinesis', 'firehose',
  'window', 'watermark', 'dedupe', 'traffic', 'analytics', 'percentile', 'origin', 'shield',
  'bots', 'spring', 'sale', 'guide', 'release', 'notes', 'pricing', 'migration', 'athena',
];
export const PRODUCT_WORDS = ['trail', 'runner', 'wool', 'parka', 'canvas', 'tote', 'linen', 'shirt', 'denim', 'boot', 'merino', 'cap'];
