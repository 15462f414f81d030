/** What one step has done lately, for the status route and metrics. */
export interface StepState {
  readonly running: boolean;
  readonly runs: number;
  readonly lastStartedAt: string | null;
  readonly lastFinishedAt: string | null;
  readonly lastDurationMs: number | null;
  readonly lastError: string | null;
  readonly lastResult: unknown;
}

export interface ScheduledStep {
  readonly name: string;
  /** Cadence in ms; 0 = only when triggered. */
  readonly everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Runs each step on its own cadence and on demand, never two runs of one step at once: a
 * trigger while the step runs joins the run in flight. `stop()` starts no new runs and waits
 * for the ones in flight, which is what a graceful shutdown needs.
 */
export class StepScheduler {
  private readonly steps = new Map<string, ScheduledStep>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly states = new Map<string, StepState>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    steps: readonly ScheduledStep[],
    private readonly onFinished: (step: string, durationMs: number, error: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    for (const step of steps) {
      this.steps.set(step.name, step);
      this.states.set(step.name, { running: false, runs: 0, lastStartedAt: null, lastFinishedAt: null, lastDurationMs: null, lastError: null, lastResult: null });
    }
  }

  start(): void {
    for (const step of this.steps.values()) {
      if (step.everyMs <= 0) continue;
      // A scheduled run that fails is recorded in the step's state; the schedule goes on.
      this.timers.push(setInterval(() => void this.trigger(step.name).catch(() => undefined), step.everyMs));
    }
  }

  has(name: string): boolean {
    return this.steps.has(name);
  }

  /** Runs a step now, or joins its run in flight; rejects when stopping. */
  trigger(name: string): Promise<unknown> {
    const step = this.steps.get(name);
    if (!step) return Promise.reject(new Error(`no step named ${name}`));
    const running = this.inFlight.get(name);
    if (running) return running;
    if (this.stopped) return Promise.reject(new Error('shutting down: no new runs'));
    const started = this.now();
    this.update(name, { running: true, lastStartedAt: new Date(started).toISOString() });
    const run = step.run().then(
      (result) => {
        this.finish(name, started, null, result);
        return result;
      },
      (error: unknown) => {
        this.finish(name, started, error, null);
        throw error;
      },
    );
    this.inFlight.set(name, run);
    return run;
  }

  status(): Record<string, StepState> {
    return Object.fromEntries(this.states);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private finish(name: string, started: number, error: unknown, result: unknown): void {
    const duration = this.now() - started;
    this.inFlight.delete(name);
    const runs = this.states.get(name)!.runs + 1;
    this.update(name, {
      running: false,
      runs,
      lastFinishedAt: new Date(this.now()).toISOString(),
      lastDurationMs: duration,
      lastError: error === null ? null : error instanceof Error ? error.message : String(error),
      lastResult: result,
    });
    this.onFinished(name, duration, error);
  }

  private update(name: string, change: Partial<StepState>): void {
    this.states.set(name, { ...this.states.get(name)!, ...change });
  }
}
