import { describe, expect, it } from 'vitest';
import { isMostlyParseErrors, MIN_LINES_FOR_SHARE, MOSTLY_PARSE_ERRORS_SHARE } from '../../../src/engine/ingest.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { memoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { BASE_TIME, cloudfrontContext, event, TEST_NOW } from '../../helpers/factories.js';
import { memoryObject, sgraph27Line } from '../../helpers/objects.js';

const good = (i: number): string => sgraph27Line(event({ timestamp: BASE_TIME + i * 60_000 }));
const bad = (i: number): string => good(i).split('\t').slice(0, 20).join('\t');
const object = (key: string, goodLines: number, badLines: number) =>
  memoryObject(key, [...Array.from({ length: goodLines }, (_, i) => good(i)), ...Array.from({ length: badLines }, (_, i) => bad(i))].join('\n'));

describe('pipeline: an object of (nearly) all parse errors', () => {
  it('states its threshold', () => {
    expect(MOSTLY_PARSE_ERRORS_SHARE).toBe(0.9);
    expect(MIN_LINES_FOR_SHARE).toBe(10);
  });

  it.each([
    [0, 1, true],
    [0, 9, true],
    [1, 8, false],
    [1, 9, true],
    [2, 8, false],
    [10, 90, true],
    [11, 89, false],
    [0, 0, false],
  ])('with %i good and %i bad lines is quarantined: %s', async (goodLines, badLines, quarantined) => {
    // Prepare
    const store = memoryCacheStore();
    // Act
    const outcome = await runPipeline([object('logs/o.gz', goodLines, badLines)], cloudfrontContext(store));
    // Assess
    expect(isMostlyParseErrors(badLines, goodLines + badLines)).toBe(quarantined);
    expect(outcome.quarantined.map((q) => q.error?.code)).toEqual(quarantined ? ['mostly_parse_errors'] : []);
    if (quarantined) expect(outcome.quarantined[0]!.error?.message).toContain('(first: line ');
  });

  it('does not count events outside the time bounds: they are well-formed lines', async () => {
    // Prepare: every event older than a one-day horizon
    const store = memoryCacheStore();
    const ctx = cloudfrontContext(store, { finality: { ...cloudfrontContext(store).finality, horizonMs: 86_400_000 } });
    const old = memoryObject('logs/old.gz', Array.from({ length: 20 }, (_, i) => sgraph27Line(event({ timestamp: TEST_NOW.getTime() - 30 * 86_400_000 + i }))).join('\n'));
    // Act
    const outcome = await runPipeline([old], ctx);
    // Assess
    expect(outcome.quarantined).toEqual([]);
    expect(outcome.parseErrors).toBe(20);
  });
});
