import { childPeriod, childStarts, parentPeriod, timeKey, windowStart, type Period } from '../../core/periods.js';
import type { StepContext } from './context.js';
import { refs } from './layout.js';

/**
 * Reopens a window on purpose: removes its aggregate, its descendants' and its ancestors', and
 * the late-event records under it, so the next aggregate recomputes them from every partial —
 * late ones included — and settles them again. The one way a final window changes.
 *
 * @example
 * ```ts
 * import { aggregate, listLedger, reopenWindow } from 'letsflow';
 * await reopenWindow(ctx, 'daily', Date.UTC(2026, 3, 20));
 * await aggregate(ctx, await listLedger(ctx.store), { pending: 0 });
 * ```
 * @returns the names of the windows reopened, e.g. `daily/2026-04-20`
 */
export async function reopenWindow(ctx: StepContext, period: Period, start: number): Promise<string[]> {
  const reopened: string[] = [];
  const remove = async (p: Period, s: number): Promise<void> => {
    await ctx.store.remove(refs.aggregate(p, s));
    if (p === '30min') await ctx.store.remove(refs.late(s));
    reopened.push(`${p}/${timeKey(p, s)}`);
  };
  const down = async (p: Period, s: number): Promise<void> => {
    await remove(p, s);
    const child = childPeriod(p);
    if (child) for (const c of childStarts(p, s)) await down(child, c);
  };
  await down(period, start);
  for (let p = parentPeriod(period); p !== undefined; p = parentPeriod(p)) await remove(p, windowStart(p, start));
  return reopened;
}
