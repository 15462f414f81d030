import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stepContextFor } from '../../../src/engine/definition.js';
import { cloudfrontRealtime } from '../../../src/formats/cloudfrontRealtime.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { storedWindowsIn } from '../../../src/engine/windowQueries.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { geoPipeline, geoSummary } from '../../../examples/geoPipeline/definition.js';
import { arbEvent, BASE_TIME, TEST_NOW } from '../../helpers/factories.js';
import { memoryObject } from '../../helpers/objects.js';
import { checkSummaryLaws } from '../../helpers/summaryLaws.js';
import { readingStats, type Reading } from '../../helpers/toyPipeline.js';

const arbReadings = fc.array(
  fc.record({ timestamp: fc.integer({ min: 0, max: 1e12 }), sensor: fc.constantFrom('a', 'b'), value: fc.integer({ min: -1000, max: 1000 }) }),
  { maxLength: 20 },
) as fc.Arbitrary<Reading[]>;
const arbGeoEvents = fc.array(
  arbEvent().chain((e) => fc.record({ c_country: fc.constantFrom('GB', 'US', null), cs_referer: fc.constantFrom('https://a.example/x', 'not a url', null) }).map((extra) => ({ ...e, ...extra }))),
  { maxLength: 20 },
);

describe('summary kinds: the monoid laws hold for each', () => {
  it('the toy reading statistics (exact)', async () => {
    await checkSummaryLaws(readingStats, arbReadings);
  });

  it('the example geo summary (exact below its key bound, which these keys never reach)', async () => {
    await checkSummaryLaws(geoSummary, arbGeoEvents);
  });
});

describe('example: a pipeline of the user\'s own runs through the engine', () => {
  it('aggregates requests per country and referring host in its own namespaces', async () => {
    // Prepare: real-time lines of a field list that has the country and the referrer
    const store = memoryCacheStore();
    const format = cloudfrontRealtime({ fields: ['timestamp', 'c-country', 'cs-referer', 'sc-bytes'] });
    const line = (ms: number, country: string, referer: string, bytes: number): string => `${(ms / 1000).toFixed(3)}\t${country}\t${referer}\t${bytes}\n`;
    const log = line(BASE_TIME, 'GB', 'https://news.example/a', 1000) + line(BASE_TIME + 1, 'GB', 'https://news.example/b', 5) + line(BASE_TIME + 2, 'US', '-', 7);
    // Act
    await runPipeline([memoryObject('logs/geo.gz', gzipSync(log))], stepContextFor(geoPipeline, store, { format, clock: () => TEST_NOW, keepRaw: false }));
    // Assess
    const [day] = await storedWindowsIn(store, geoPipeline, 'daily', -Infinity, Infinity);
    const summary = geoSummary.fromJson(day!.summary);
    expect(summary.requests).toBe(3);
    expect(summary.countries.keys.get('GB')).toEqual({ count: 2, bytes: 1005 });
    expect(summary.referrers.keys.get('news.example')).toEqual({ count: 2, bytes: 1005 });
    expect(summary.referrers.keys.get('-')).toEqual({ count: 1, bytes: 7 });
    expect([...store.snapshot().keys()].every((k) => k.startsWith('sa-geo-'))).toBe(true);
  });
});
