import { afterEach, describe, expect, it, vi } from 'vitest';
import { StepScheduler } from '../../../src/runtime/serve/stepScheduler.js';

const deferred = () => {
  let resolve!: (v: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
};

describe('runtime: StepScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never runs two of one step at once: a trigger joins the run in flight', async () => {
    // Prepare
    const gate = deferred();
    const run = vi.fn(() => gate.promise);
    const scheduler = new StepScheduler([{ name: 'ingest', everyMs: 0, run }]);
    // Act
    const first = scheduler.trigger('ingest');
    const second = scheduler.trigger('ingest');
    gate.resolve('done');
    // Assess
    expect(await Promise.all([first, second])).toEqual(['done', 'done']);
    expect(run).toHaveBeenCalledTimes(1);
    expect(scheduler.status().ingest).toMatchObject({ running: false, runs: 1, lastResult: 'done', lastError: null });
  });

  it('runs each step on its own cadence', async () => {
    vi.useFakeTimers();
    const ingest = vi.fn(async () => 'i');
    const aggregate = vi.fn(async () => 'a');
    const scheduler = new StepScheduler([
      { name: 'ingest', everyMs: 60_000, run: ingest },
      { name: 'aggregate', everyMs: 3_600_000, run: aggregate },
    ]);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(ingest).toHaveBeenCalledTimes(60);
    expect(aggregate).toHaveBeenCalledTimes(1);
    await scheduler.stop();
  });

  it('records a failing run and keeps the schedule going', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const finished: [string, unknown][] = [];
    const scheduler = new StepScheduler([{ name: 'ingest', everyMs: 1000, run: async () => { if (++calls === 1) throw new Error('S3 unreachable'); return 'ok'; } }], (step, _ms, error) => finished.push([step, error === null ? null : (error as Error).message]));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(finished).toEqual([['ingest', 'S3 unreachable'], ['ingest', null]]);
    await scheduler.stop();
  });

  it('stop() waits for the runs in flight and refuses new ones', async () => {
    const gate = deferred();
    const scheduler = new StepScheduler([{ name: 'aggregate', everyMs: 0, run: () => gate.promise }]);
    const running = scheduler.trigger('aggregate');
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    gate.resolve('finished');
    await stopping;
    expect(await running).toBe('finished');
    await expect(scheduler.trigger('aggregate')).rejects.toThrow(/shutting down/);
  });
});
