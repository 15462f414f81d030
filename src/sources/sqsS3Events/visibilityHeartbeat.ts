/** The timer functions the heartbeat and the consumer use; the global ones by default, so `vi.useFakeTimers()` drives them. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global timers, looked up at each call (not captured), so fake timers installed later still apply. */
export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface VisibilityHeartbeatOptions {
  /** The visibility timeout each extension sets, in seconds; the heartbeat beats every half of it. */
  readonly visibilityTimeoutSeconds: number;
  /** Sets the message's visibility back to the full timeout (ChangeMessageVisibility). */
  readonly extend: () => Promise<void>;
  /** Told of a failed extension; the heartbeat goes on. */
  readonly onError?: (error: unknown) => void;
  readonly timers?: Timers;
}

export interface VisibilityHeartbeat {
  /**
   * Stops beating and resolves once an extension already sent has settled, so a visibility
   * change made after it (a release to 0) is not overtaken by it. Idempotent.
   */
  stop(): Promise<void>;
  /** Extensions sent so far. */
  readonly beats: number;
}

/**
 * Keeps an SQS message hidden while its objects are processed: every half visibility timeout it
 * calls `extend`, which sets the visibility back to the full timeout, so a message whose work
 * takes many timeouts is never redelivered meanwhile (the gap Vector #4910 and Redpanda #4469
 * leave open). An extension still in flight when the next beat is due is not doubled: that beat
 * is skipped. A failed extension goes to `onError` and the next beat tries again. `stop()`
 * clears the timer and waits for an extension in flight; nothing else is held.
 *
 * @example
 * ```ts
 * import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
 * import { visibilityHeartbeat } from 'letsflow';
 * const heartbeat = visibilityHeartbeat({ visibilityTimeoutSeconds: 30,
 *   extend: async () => { await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 30 })); } });
 * try { await work(); } finally { await heartbeat.stop(); }
 * ```
 * @param options.visibilityTimeoutSeconds the timeout each extension sets
 * @param options.extend the extension call
 * @param options.onError told of failed extensions
 * @param options.timers injectable timers
 * @returns the running heartbeat
 * @see sqsS3Consumer
 */
export function visibilityHeartbeat(options: VisibilityHeartbeatOptions): VisibilityHeartbeat {
  const { extend, onError } = options;
  const timers = options.timers ?? realTimers;
  const intervalMs = (options.visibilityTimeoutSeconds * 1000) / 2;
  let handle: unknown;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  let beats = 0;

  const beat = (): void => {
    if (stopped) return;
    handle = timers.setTimeout(beat, intervalMs);
    if (inFlight !== undefined) return;
    beats += 1;
    inFlight = extend()
      .catch((error: unknown) => onError?.(error))
      .finally(() => {
        inFlight = undefined;
      });
  };
  handle = timers.setTimeout(beat, intervalMs);

  return {
    async stop() {
      stopped = true;
      timers.clearTimeout(handle);
      await inFlight;
    },
    get beats() {
      return beats;
    },
  };
}
