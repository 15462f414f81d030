// A pipeline of the user's own over CloudFront events: requests and bytes per country and per
// referring host, in its own namespaces, run by the same engine as the built-in pipeline.
import { z } from 'zod';
import {
  addKey, cloudfrontPipeline, emptyTopKeys, mergeTopKeys, pipelineNamespaces, registerPipeline, topEntries, topKeysFromJson, topKeysToJson,
  type CloudFrontEvent, type PipelineDefinition, type SummaryKind, type TopKeys,
} from 'letsflow';

export interface GeoSummary {
  requests: number;
  /** Requests and bytes per viewer country (`-` when the log has no country field). */
  countries: TopKeys;
  /** Requests and bytes per referring host (`-` without a referrer). */
  referrers: TopKeys;
}

/** `https://news.example/item?id=1` → `news.example`; anything that is not a URL counts as itself. */
const hostOf = (referer: string | null | undefined): string => {
  if (!referer) return '-';
  try {
    return new URL(referer).host || referer;
  } catch {
    return referer;
  }
};

const GeoJsonSchema = z.object({ requests: z.number().int().nonnegative(), countries: z.unknown(), referrers: z.unknown() }).strict();

export const geoSummary: SummaryKind<CloudFrontEvent, GeoSummary> = {
  name: 'geo',
  empty: () => ({ requests: 0, countries: emptyTopKeys(), referrers: emptyTopKeys() }),
  adder: () => (s, e) => {
    s.requests++;
    addKey(s.countries, e.c_country ?? '-', 1, e.sc_bytes ?? 0);
    addKey(s.referrers, hostOf(e.cs_referer), 1, e.sc_bytes ?? 0);
  },
  merge: (a, b) => ({ requests: a.requests + b.requests, countries: mergeTopKeys(a.countries, b.countries), referrers: mergeTopKeys(a.referrers, b.referrers) }),
  toJson: (s) => ({ requests: s.requests, countries: topKeysToJson(s.countries), referrers: topKeysToJson(s.referrers) }),
  fromJson: (json) => {
    const j = GeoJsonSchema.parse(json);
    return { requests: j.requests, countries: topKeysFromJson(j.countries), referrers: topKeysFromJson(j.referrers) };
  },
  describe: (s) => ({ requests: s.requests, top_countries: topEntries(s.countries, 10), top_referrers: topEntries(s.referrers, 10) }),
  events: (s) => s.requests,
};

export const geoPipeline: PipelineDefinition<CloudFrontEvent, GeoSummary> = {
  ...cloudfrontPipeline,
  name: 'geo',
  namespaces: pipelineNamespaces('geo'),
  summary: geoSummary,
  summaryFields: new Set(['timestamp', 'c_country', 'cs_referer', 'sc_bytes']),
  views: {
    columns: [
      { header: 'requests', value: (s) => String(s.requests), numeric: true },
      { header: 'top country', value: (s) => topEntries(s.countries, 1)[0]?.[0] ?? '-' },
      { header: 'top referrer', value: (s) => topEntries(s.referrers, 1)[0]?.[0] ?? '-' },
    ],
    total: (s) => `${s.requests} requests from ${s.countries.keys.size} countries and ${s.referrers.keys.size} referring hosts`,
    top: { label: 'referrers', keyName: 'referrer', items: (s, limit) => topEntries(s.referrers, limit).map(([key, v]) => ({ key, ...v })) },
    point: (s) => ({ requests: s.requests, countries: s.countries.keys.size, referrers: s.referrers.keys.size }),
  },
};

/** Registers the pipeline, so `letsflow --pipeline geo` and `serve` (`/api/sa/geo/…`) run it once this module is imported. */
export function registerGeoPipeline(): void {
  registerPipeline(geoPipeline);
}
