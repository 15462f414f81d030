// Values requests are filled in with: Accept headers, referers, query parts and TLS ciphers.

export const ACCEPT_HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
export const ACCEPT_IMAGE = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
export const ACCEPT_CSS = 'text/css,*/*;q=0.1';
export const ACCEPT_JSON = 'application/json, text/plain, */*';
export const ACCEPT_ANY = '*/*';

export const EXTERNAL_REFERERS: readonly (readonly [string, number])[] = [
  ['https://www.google.com/', 30],
  ['https://www.bing.com/', 4],
  ['https://duckduckgo.com/', 3],
  ['https://t.co/', 3],
  ['https://l.facebook.com/', 2],
  ['https://www.linkedin.com/', 2],
  ['https://news.ycombinator.com/', 2],
  ['https://www.reddit.com/r/webdev/comments/1c8xyz/letsflow_a_streaming_log_etl/', 1],
  ['https://github.com/', 2],
  ['android-app://com.google.android.gm/', 1],
];

export const SEARCH_TERMS = [
  'shoes', 'blue+shoes', 'hello%20world', 'caf%C3%A9', 'gift+card', 'return+policy', 'size%20guide',
  'sale', 'running', 'cloudfront%20logs', 'jacket', 'wool+socks', '%22exact+phrase%22', 'c%2B%2B',
];
export const CAMPAIGNS = [
  'utm_source=newsletter&utm_medium=email&utm_campaign=spring_launch',
  'utm_source=twitter&utm_medium=social&utm_campaign=launch_week',
  'utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KCQjw3tCyBhDBARIsAEY0XNkq1',
  'fbclid=IwAR2F4-dbP0l7Mn7v3d1gT6z9yQk8rJc',
  'ref=producthunt',
];
export const CATEGORIES = ['shoes', 'jackets', 'accessories', 'sale', 'new-in', 'kids'];
export const SORTS = ['price', '-price', 'popular', 'newest'];
export const TIMEZONES = ['Europe%2FLondon', 'America%2FNew_York', 'Europe%2FBerlin', 'Asia%2FTokyo', 'America%2FSao_Paulo'];
export const RESOLUTIONS = ['1920x1080', '1440x900', '390x844', '412x915', '2560x1440', '1366x768'];

export const CIPHERS_13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
export const CIPHERS_12 = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'];
