import { mulberry32, pick, type Rng } from './random.js';
import { HOT_PATHS, HTML, PROBES, PRODUCT_WORDS, WORDS, type PathEntry } from './sitePaths.js';
import { CLOUD_NETS, COUNTRIES, EDGE_DEFS, USER_AGENTS, type Client, type ClientKind, type Edge, type UaDef } from './viewers.js';
import { WeightedIndex, weightedOf, zipfWeights } from './WeightedIndex.js';

/** The demo site: its paths and viewers, with the weights requests are drawn by. */
export interface Catalog {
  readonly paths: readonly PathEntry[];
  readonly pathIndex: WeightedIndex;
  readonly probeEntries: readonly PathEntry[];
  readonly crawlable: readonly PathEntry[];
  readonly pageUrls: readonly string[];
  readonly clients: readonly Client[];
  readonly clientIndex: WeightedIndex;
  /** Media segment path → the next segment's path (CMCD `nor`). */
  readonly nextSegment: ReadonlyMap<string, string>;
  readonly health: PathEntry;
}

/** Fixed seed for the site (paths, clients): traffic seeds vary the requests, not the site. */
const CATALOG_SEED = 0x1e75f10;

function hexGroup(rng: Rng): string {
  return Math.floor(rng() * 0x10000).toString(16);
}

function buildCatalog(viewerHost: string): Catalog {
  const rng = mulberry32(CATALOG_SEED);
  const tail: PathEntry[] = [];
  const slug = (n: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(pick(rng, WORDS));
    return parts.join('-');
  };
  for (let i = 0; i < 60; i++) {
    tail.push({ path: `/blog/${2023 + (i % 3)}/${slug(3)}-${i}`, kind: 'page', contentType: HTML, size: 25_000 + Math.floor(rng() * 40_000), behavior: '*', query: rng() < 0.3 ? 'campaign' : 'none', hitRatio: 0.7 });
  }
  for (let i = 0; i < 80; i++) {
    tail.push({ path: `/products/${pick(rng, PRODUCT_WORDS)}-${pick(rng, PRODUCT_WORDS)}-${1000 + i}`, kind: 'page', contentType: HTML, size: 30_000 + Math.floor(rng() * 30_000), behavior: '*', query: 'none', hitRatio: 0.65 });
  }
  const imageTypes: readonly (readonly [string, string])[] = [['webp', 'image/webp'], ['png', 'image/png'], ['jpg', 'image/jpeg'], ['avif', 'image/avif']];
  for (let i = 0; i < 50; i++) {
    const [ext, type] = pick(rng, imageTypes);
    tail.push({ path: `/assets/img/${pick(rng, PRODUCT_WORDS)}-${i}.${ext}`, kind: 'image', contentType: type, size: 8_000 + Math.floor(rng() * 400_000), behavior: '/assets/*', query: 'none', hitRatio: 0.93 });
  }
  for (let i = 0; i < 50; i++) {
    tail.push({ path: `/docs/${pick(rng, WORDS)}/${slug(2)}`, kind: 'page', contentType: HTML, size: 12_000 + Math.floor(rng() * 30_000), behavior: '/docs/*', query: 'none', hitRatio: 0.85 });
  }
  for (let i = 0; i < 30; i++) {
    tail.push({ path: `/api/v1/items/${4100 + i * 7}`, kind: 'api', contentType: 'application/json', size: 900 + Math.floor(rng() * 3_000), behavior: '/api/*', query: 'none', hitRatio: 0 });
  }
  tail.push({ path: '/api/v1/cart', kind: 'api', contentType: 'application/json', size: 1_480, behavior: '/api/*', query: 'none', hitRatio: 0 });
  tail.push({ path: '/api/v1/users/me', kind: 'api', contentType: 'application/json', size: 820, behavior: '/api/*', query: 'none', hitRatio: 0 });
  const mediaSegments: string[] = [];
  for (let i = 1; i <= 24; i++) {
    const p = `/media/intro/1080p/seg-${String(i).padStart(5, '0')}.m4s`;
    mediaSegments.push(p);
    tail.push({ path: p, kind: 'media', contentType: 'video/iso.segment', size: 1_200_000 + Math.floor(rng() * 1_800_000), behavior: '/media/*', query: 'none', hitRatio: 0.92 });
  }
  tail.push({ path: '/media/intro/master.m3u8', kind: 'playlist', contentType: 'application/vnd.apple.mpegurl', size: 1_024, behavior: '/media/*', query: 'none', hitRatio: 0.9 });
  tail.push({ path: '/media/intro/1080p/init.mp4', kind: 'media', contentType: 'video/mp4', size: 1_412, behavior: '/media/*', query: 'none', hitRatio: 0.95 });
  for (const version of ['0.9.0', '0.9.1', '1.0.0', '1.0.1']) {
    tail.push({ path: `/downloads/letsflow-${version}.tar.gz`, kind: 'download', contentType: 'application/gzip', size: 38_000_000 + Math.floor(rng() * 4_000_000), behavior: '/downloads/*', query: 'none', hitRatio: 0.8 });
  }
  // Clients send these already percent-encoded; CloudFront logs them encoded once more.
  tail.push({ path: '/downloads/Annual%20Report%202025.pdf', kind: 'download', contentType: 'application/pdf', size: 4_812_337, behavior: '/downloads/*', query: 'none', hitRatio: 0.85 });
  tail.push({ path: '/blog/caf%C3%A9-culture-and-caching', kind: 'page', contentType: HTML, size: 27_911, behavior: '*', query: 'none', hitRatio: 0.7 });
  tail.push({ path: '/docs/~ops/runbook', kind: 'page', contentType: HTML, size: 14_300, behavior: '/docs/*', query: 'none', hitRatio: 0.8 });
  for (const p of ['/home', '/old-blog/', '/docs/latest', '/shop', '/products/legacy-boot-999']) {
    tail.push({ path: p, kind: 'redirect', contentType: HTML, size: 0, behavior: '*', query: 'none', hitRatio: 0.8 });
  }
  const probeEntries: PathEntry[] = PROBES.map((p) => ({ path: p, kind: 'probe', contentType: HTML, size: 915, behavior: '*', query: 'none', hitRatio: 0 }));
  tail.push(...probeEntries);

  // Deterministic shuffle so that ranks mix kinds.
  for (let i = tail.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = tail[i]!;
    tail[i] = tail[j]!;
    tail[j] = t;
  }
  const paths = [...HOT_PATHS, ...tail];
  const pathIndex = new WeightedIndex(zipfWeights(paths.length, 1.05));
  const crawlable = paths.filter((p) => p.kind === 'page' || p.kind === 'text' || p.kind === 'redirect');
  const pageUrls = paths
    .filter((p) => p.kind === 'page')
    .slice(0, 40)
    .map((p) => `https://${viewerHost}${p.path}`);

  // Clients.
  const edgeByCode = new Map<string, Edge>();
  for (const [code, net] of EDGE_DEFS) {
    const serverIps: string[] = [];
    for (let i = 0; i < 4; i++) serverIps.push(`${net}${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`);
    edgeByCode.set(code, { code, serverIps });
  }
  const edgesFor = (codes: readonly string[]): Edge[] => codes.map((c) => edgeByCode.get(c)!);
  const countryIndex = new WeightedIndex(COUNTRIES.map((c) => c.weight));
  const uaByKind = new Map<ClientKind, { items: UaDef[]; index: WeightedIndex }>();
  for (const kind of ['browser', 'crawler', 'tool', 'scanner', 'monitor'] as const) {
    const defs = USER_AGENTS.filter((u) => u.kind === kind);
    uaByKind.set(kind, weightedOf(defs.map((d) => [d, d.weight] as const)));
  }
  const kindIndex = weightedOf<ClientKind>([['browser', 82], ['crawler', 8], ['tool', 6], ['scanner', 3], ['monitor', 1]]);
  const idBytes = Buffer.alloc(24);
  const randomId = (n: number): string => {
    for (let i = 0; i < n; i++) idBytes[i] = Math.floor(rng() * 256);
    return idBytes.subarray(0, n).toString('base64url');
  };
  const clients: Client[] = [];
  for (let i = 0; i < 800; i++) {
    const kind = kindIndex.items[kindIndex.index.sample(rng())]!;
    const uas = uaByKind.get(kind)!;
    const ua = uas.items[uas.index.sample(rng())]!;
    const country = COUNTRIES[countryIndex.sample(rng())]!;
    let ip: string;
    let ipVersion: 'IPv4' | 'IPv6' = 'IPv4';
    let asn: number;
    let countryCode: string;
    let edges: Edge[];
    if (ua.net !== undefined) {
      ip = `${ua.net.prefix}${1 + Math.floor(rng() * 254)}`;
      asn = ua.net.asn;
      countryCode = ua.net.country;
      edges = countryCode === 'US' ? edgesFor(['IAD89-C1', 'SEA19-C2', 'SFO53-P9']) : edgesFor(['FRA56-P3', 'AMS58-P4']);
    } else if (kind !== 'browser') {
      const [prefix, cloudAsn, cc] = pick(rng, CLOUD_NETS);
      const octets = prefix.split('.').length - 1;
      const rest: number[] = [];
      for (let k = octets; k < 4; k++) rest.push(k === 3 ? 1 + Math.floor(rng() * 254) : Math.floor(rng() * 256));
      ip = prefix + rest.join('.');
      asn = cloudAsn;
      countryCode = cc;
      edges = cc === 'US' ? edgesFor(['IAD89-C1', 'SFO53-P9']) : edgesFor(['FRA56-P3']);
    } else {
      countryCode = country.code;
      asn = pick(rng, country.asns);
      edges = edgesFor(country.edges);
      if (rng() < 0.18) {
        ipVersion = 'IPv6';
        const groups: string[] = [];
        for (let k = 0; k < 6; k++) groups.push(hexGroup(rng));
        ip = `${pick(rng, country.v6)}:${groups.join(':')}`;
      } else {
        ip = `${pick(rng, country.v4)}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`;
      }
    }
    const versions: string[] =
      kind === 'browser'
        ? ua.ua.includes('Safari') || ua.ua.includes('Firefox')
          ? ['HTTP/2.0', 'HTTP/2.0', 'HTTP/2.0', 'HTTP/3.0', 'HTTP/3.0', 'HTTP/1.1']
          : ['HTTP/2.0', 'HTTP/1.1']
        : kind === 'crawler'
          ? ['HTTP/1.1', 'HTTP/2.0']
          : kind === 'scanner'
            ? ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0']
            : ['HTTP/1.1', 'HTTP/2.0'];
    const cookie =
      kind === 'browser' && rng() < 0.55
        ? `_ga=GA1.1.${100_000_000 + Math.floor(rng() * 900_000_000)}.${1_713_000_000 + Math.floor(rng() * 900_000)}; session=${randomId(18)}${rng() < 0.3 ? '; theme=dark' : ''}`
        : '';
    clients.push({
      kind,
      ip,
      ipVersion,
      country: countryCode,
      asn,
      edges,
      userAgent: ua.ua,
      acceptEncoding: ua.acceptEncoding,
      acceptLanguage: kind === 'browser' ? pick(rng, country.languages) : kind === 'crawler' ? 'en-US,en;q=0.5' : '',
      cookie,
      forwardedFor: kind === 'browser' && rng() < 0.03 ? `${pick(rng, country.v4)}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}` : '',
      httpShare: kind === 'browser' ? 0.03 : kind === 'scanner' ? 0.4 : kind === 'monitor' ? 0 : 0.08,
      versions,
      bandwidth: Math.exp(Math.log(4_000_000) + 1.1 * (rng() + rng() + rng() - 1.5)),
      connectionIds: [0, 1, 2, 3, 4, 5].map(() => randomId(24)),
      sessionId: `${randomId(6)}-${randomId(3)}`,
    });
  }
  const clientIndex = new WeightedIndex(zipfWeights(clients.length, 0.9));
  const health = paths.find((p) => p.kind === 'health')!;
  const nextSegment = new Map<string, string>();
  for (let i = 0; i + 1 < mediaSegments.length; i++) nextSegment.set(mediaSegments[i]!, mediaSegments[i + 1]!);
  return { paths, pathIndex, probeEntries, crawlable, pageUrls, clients, clientIndex, nextSegment, health };
}

const catalogs = new Map<string, Catalog>();
export function catalogFor(viewerHost: string): Catalog {
  let c = catalogs.get(viewerHost);
  if (c === undefined) {
    c = buildCatalog(viewerHost);
    catalogs.set(viewerHost, c);
  }
  return c;
}
