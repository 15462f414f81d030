import { z } from 'zod';
import type { SummaryKind } from '../../src/core/summaryKind.js';
import { pipelineNamespaces, type PipelineDefinition } from '../../src/engine/definition.js';
import { errorRecorder } from '../../src/formats/errorRecorder.js';
import type { LogFormat } from '../../src/formats/logFormat.js';

/** A toy event: `epoch-ms,sensor,reading` lines, nothing CloudFront about it. */
export interface Reading {
  readonly timestamp: number;
  readonly sensor: string;
  readonly value: number;
}

/** The toy summary: how many readings, their sum and their maximum. */
export interface ReadingStats {
  count: number;
  sum: number;
  max: number | null;
}

export const toyFormat: LogFormat<Reading> = {
  name: 'toy-readings',
  createParser(context) {
    const reject = errorRecorder(context);
    return (line, lineNumber) => {
      if (line === '') {
        context.tally.blank++;
        return undefined;
      }
      const [time, sensor, value, ...rest] = line.split(',');
      if (rest.length > 0 || sensor === undefined || value === undefined) return reject(line, lineNumber, 'column_count', 'expected time,sensor,value');
      const timestamp = Number(time);
      const reading = Number(value);
      if (!Number.isInteger(timestamp)) return reject(line, lineNumber, 'timestamp_invalid', `time ${JSON.stringify(time)} is not epoch milliseconds`);
      if (!Number.isFinite(reading)) return reject(line, lineNumber, 'not_a_number', `value ${JSON.stringify(value)} is not a number`);
      context.tally.events++;
      return { timestamp, sensor, value: reading };
    };
  },
};

export const readingStats: SummaryKind<Reading, ReadingStats> = {
  name: 'reading-stats',
  empty: () => ({ count: 0, sum: 0, max: null }),
  adder: () => (s, e) => {
    s.count++;
    s.sum += e.value;
    s.max = s.max === null ? e.value : Math.max(s.max, e.value);
  },
  merge: (a, b) => ({ count: a.count + b.count, sum: a.sum + b.sum, max: a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max) }),
  toJson: (s) => ({ ...s }),
  fromJson: (json) => z.object({ count: z.number(), sum: z.number(), max: z.number().nullable() }).strict().parse(json),
  describe: (s) => ({ readings: s.count, mean: s.count === 0 ? null : s.sum / s.count }),
  events: (s) => s.count,
};

/** A second pipeline made only for the tests: the engine must run it knowing nothing of CloudFront. */
export const toyPipeline: PipelineDefinition<Reading, ReadingStats> = {
  name: 'toy',
  namespaces: pipelineNamespaces('toy'),
  formats: { 'toy-readings': () => toyFormat },
  defaultFormat: 'toy-readings',
  summary: readingStats,
  events: z.object({ timestamp: z.number().int(), sensor: z.string(), value: z.number() }).strict(),
  finality: { latenessMs: 0, idleMs: 3_600_000, skewMs: 60_000 },
  views: {
    columns: [
      { header: 'readings', value: (s) => String(s.count), numeric: true },
      { header: 'max', value: (s) => (s.max === null ? '-' : String(s.max)), numeric: true },
    ],
    total: (s) => `${s.count} readings, sum ${s.sum}`,
    point: (s) => ({ readings: s.count, sum: s.sum, max: s.max }),
  },
};
