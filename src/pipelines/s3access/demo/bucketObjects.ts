import { mulberry32, pick, type Rng } from '../../cloudfront/demo/random.js';
import { WeightedIndex, zipfWeights } from '../../cloudfront/demo/WeightedIndex.js';
import type { AccessLogSource } from './demoBuckets.js';
import { lowerHex } from './hexIds.js';
import { logKeyField, requestPath } from './s3KeyEncoding.js';

/** An object of a demo bucket, with its key in both logged forms. */
export interface BucketObject {
  /** The key itself. */
  readonly key: string;
  /** Field 8: form-URL-encoded (`+` for a space). */
  readonly keyField: string;
  /** The key as it appears in the Request-URI path (`%20` for a space), with its leading `/`. */
  readonly path: string;
  readonly size: number;
}

/** A bucket's objects, drawn with Zipf weights: a few keys get most of the requests. */
export interface BucketObjects {
  readonly objects: readonly BucketObject[];
  readonly index: WeightedIndex;
}

/** Fixed seed for the buckets' contents: traffic seeds vary the requests, not the objects. */
const OBJECTS_SEED = 0x53a0c1;

/** Log-normal: median `median`, spread `sigma` (natural log), clamped. */
function logNormal(rng: Rng, median: number, sigma: number, min: number, max: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Math.round(Math.min(max, Math.max(min, median * Math.exp(sigma * z))));
}

// Names users give their files: spaces, `+`, `%`, `=`, commas, parentheses, non-ASCII letters.
const FILE_NAMES = [
  'Screen Shot 2026-04-20 at 9.08.44 AM.png', 'quarterly report (final).pdf', 'budget 100%.xlsx', 'a+b=c notes.txt',
  'Präsentation Q2.pptx', 'IMG_2041.HEIC', 'contract_v3, signed.pdf', 'logs*.tar.gz', 'invoice #4411.pdf', 'design spec.docx',
] as const;
const CACHE_NAMESPACES = ['sa-cloudfront', 'sa-s3access-transfers', 'sa-s3access-cache', 'metrics', 'sessions'] as const;

function transfersObject(rng: Rng, i: number): string {
  const id = lowerHex(rng, 12);
  if (i % 9 === 4) return `uploads/${id}/${pick(rng, FILE_NAMES)}`;
  return i % 3 === 0 ? `transfers/${id}/metadata.json` : `transfers/${id}/payload.enc`;
}

function cacheObject(rng: Rng, i: number): string {
  const ns = pick(rng, CACHE_NAMESPACES);
  const hash = lowerHex(rng, 16);
  if (i % 5 === 0) return `${ns}/latest/${hash}.json`;
  const day = 1 + (i % 28);
  return `${ns}/temporal/2026/04/${String(day).padStart(2, '0')}/${hash}.json`;
}

function build(source: AccessLogSource): BucketObjects {
  const rng = mulberry32(OBJECTS_SEED + (source === 'transfers' ? 1 : 2));
  const count = source === 'transfers' ? 20_000 : 6_000;
  const objects: BucketObject[] = [];
  for (let i = 0; i < count; i++) {
    const key = source === 'transfers' ? transfersObject(rng, i) : cacheObject(rng, i);
    // Transfers: encrypted uploads, median ~400 KB, up to 2 GB; cache: JSON documents of a few KB.
    const size = source === 'transfers'
      ? key.endsWith('metadata.json') ? logNormal(rng, 600, 0.4, 120, 4_000) : logNormal(rng, 400_000, 2, 200, 2_000_000_000)
      : logNormal(rng, 3_000, 1.2, 60, 2_000_000);
    objects.push({ key, keyField: logKeyField(key), path: `/${requestPath(key)}`, size });
  }
  return { objects, index: new WeightedIndex(zipfWeights(count, 1.05)) };
}

const built = new Map<AccessLogSource, BucketObjects>();

/** The objects of a demo bucket (built once, the same for every seed). */
export function bucketObjects(source: AccessLogSource): BucketObjects {
  let objects = built.get(source);
  if (objects === undefined) {
    objects = build(source);
    built.set(source, objects);
  }
  return objects;
}
