import type { TimedEvent } from '../core/summaryKind.js';
import { timeKey, windowEnd } from '../core/periods.js';
import type { WindowPartial } from '../operators/consolidate.js';
import type { StepContext } from './definition.js';
import { jsonBytes } from './documents.js';
import { pipelineRefs } from './layout.js';

/**
 * Writes an object's 30-minute partials and removes the ones a previous version of the
 * object wrote for windows it no longer touches, so a replaced object never counts twice.
 * Returns the window map for the ledger (time key → events).
 */
export async function writePartials<E extends TimedEvent, S>(
  ctx: StepContext<E, S>,
  id: string,
  name: string,
  partials: readonly WindowPartial<S>[],
  previousWindows: Readonly<Record<string, number>> = {},
): Promise<Record<string, number>> {
  const { summary: kind } = ctx.pipeline;
  const refs = pipelineRefs(ctx.pipeline.namespaces);
  const windows = windowCounts(ctx, partials);
  for (const { start, summary } of partials) {
    const doc = {
      object: name,
      object_id: id,
      period: '30min',
      time_key: timeKey('30min', start),
      period_start: new Date(start).toISOString(),
      period_end: new Date(windowEnd('30min', start)).toISOString(),
      ...kind.describe(summary),
      summary: kind.toJson(summary),
    };
    await ctx.store.put(refs.partial(start, id), jsonBytes(doc));
  }
  for (const key of Object.keys(previousWindows)) {
    if (!(key in windows)) await ctx.store.remove({ ...refs.partial(0, id), key: `30min/${key}/${id}` });
  }
  return windows;
}

/** Which 30-minute windows an object touches, and with how many events: time key → events. */
export function windowCounts<E extends TimedEvent, S>(ctx: StepContext<E, S>, partials: readonly WindowPartial<S>[]): Record<string, number> {
  return Object.fromEntries(partials.map((p) => [timeKey('30min', p.start), ctx.pipeline.summary.events(p.summary)]));
}
