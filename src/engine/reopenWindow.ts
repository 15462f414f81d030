import { createHash } from 'node:crypto';
import { childPeriod, parentPeriod, parseTimeKey, timeKey, windowEnd, windowsBetween, windowStart, type Period } from '../core/periods.js';
import type { StoreAndLayout } from './definition.js';
import { jsonBytes } from './documents.js';
import { pipelineRefs, PREFIX } from './layout.js';

/**
 * Reopens a window on purpose: removes its stored aggregate, its descendants' and its
 * ancestors', and the late-event records under it, and leaves a change marker for its
 * 30-minute windows, so the next aggregate recomputes them from every partial — late ones
 * included — and settles them again. The one way a final window changes. Only stored
 * windows are touched (one listing per level), so reopening a month costs its data, not its
 * calendar.
 *
 * @example
 * ```ts
 * import { aggregate, reopenWindow } from 'letsflow';
 * await reopenWindow(ctx, 'daily', Date.UTC(2026, 3, 20));
 * await aggregate(ctx, { pending: [] });
 * ```
 * @returns the names of the windows reopened, e.g. `daily/2026-04-20`
 */
export async function reopenWindow(ctx: StoreAndLayout, period: Period, start: number): Promise<string[]> {
  const { namespaces } = ctx.pipeline;
  const refs = pipelineRefs(namespaces);
  const reopened: string[] = [];
  const thirtyMinutes: string[] = [];
  const remove = async (p: Period, s: number): Promise<void> => {
    await ctx.store.remove(refs.aggregate(p, s));
    if (p === '30min') {
      await ctx.store.remove(refs.late(s));
      thirtyMinutes.push(timeKey('30min', s));
    }
    reopened.push(`${p}/${timeKey(p, s)}`);
  };
  const end = windowEnd(period, start);
  for (let p: Period | undefined = period; p !== undefined; p = childPeriod(p)) {
    // The stored windows of this level inside the reopened one: listed by the months they fall in.
    for (const month of windowsBetween('monthly', start, end)) {
      const prefix = p === 'monthly' ? `monthly/${timeKey('monthly', month)}` : `${p}/${timeKey('monthly', month)}-`;
      for (const key of await ctx.store.list(namespaces.aggregate, 'json', prefix)) {
        const s = windowStartOfKey(p, key);
        if (s !== undefined && s >= start && s < end) await remove(p, s);
      }
    }
  }
  // Windows with partials but no aggregate yet are recomputed too.
  for (const month of windowsBetween('monthly', start, end)) {
    for (const key of await ctx.store.list(namespaces.consolidated, 'json', `30min/${timeKey('monthly', month)}-`)) {
      const s = windowStartOfKey('30min', key.split('/').slice(0, 2).join('/'));
      if (s !== undefined && s >= start && s < end) thirtyMinutes.push(timeKey('30min', s));
    }
  }
  for (let p = parentPeriod(period); p !== undefined; p = parentPeriod(p)) await remove(p, windowStart(p, start));
  const windows = [...new Set(thirtyMinutes)].sort();
  const marker = createHash('sha256').update(`${period}/${start}`).digest('hex').slice(0, 16);
  await ctx.store.put(
    { namespace: namespaces.ledger, key: `${PREFIX.changes}reopen--${marker}`, fileType: 'json' },
    jsonBytes({ object_id: null, etag: null, key: null, windows }),
  );
  return reopened;
}

/** The start of the window a stored key (`hourly/2026-04-20-01`) names, when it is of `period`. */
function windowStartOfKey(period: Period, key: string): number | undefined {
  const [p, k] = key.split('/');
  return p === period && k !== undefined ? parseTimeKey(period, k) : undefined;
}
