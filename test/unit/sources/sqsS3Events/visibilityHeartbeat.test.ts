import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { visibilityHeartbeat } from '../../../../src/sources/sqsS3Events/visibilityHeartbeat.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('source: visibilityHeartbeat', () => {
  it('extends the visibility every half timeout until stopped', async () => {
    // Prepare
    const extend = vi.fn(async () => undefined);
    const heartbeat = visibilityHeartbeat({ visibilityTimeoutSeconds: 30, extend });

    // Act + Assess
    await vi.advanceTimersByTimeAsync(14_999);
    expect(extend).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(extend).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(extend).toHaveBeenCalledTimes(3);
    await heartbeat.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(extend).toHaveBeenCalledTimes(3);
    expect(heartbeat.beats).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('skips a beat while the previous extension is still in flight, and stop waits for it', async () => {
    // Prepare
    let finish!: () => void;
    const extend = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const heartbeat = visibilityHeartbeat({ visibilityTimeoutSeconds: 2, extend });

    // Act
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(3000); // three more beats due, the first extension still pending
    let stopped = false;
    const stopping = heartbeat.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(extend).toHaveBeenCalledTimes(1);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('reports a failed extension and keeps beating', async () => {
    // Prepare
    const errors: unknown[] = [];
    const extend = vi.fn().mockRejectedValueOnce(new Error('ReceiptHandleIsInvalid')).mockResolvedValue(undefined);
    const heartbeat = visibilityHeartbeat({ visibilityTimeoutSeconds: 10, extend, onError: (error) => errors.push(error) });

    // Act
    await vi.advanceTimersByTimeAsync(10_000);
    await heartbeat.stop();

    // Assess
    expect(extend).toHaveBeenCalledTimes(2);
    expect(errors).toEqual([new Error('ReceiptHandleIsInvalid')]);
  });

  it('uses injected timers', async () => {
    // Prepare
    const scheduled: number[] = [];
    const heartbeat = visibilityHeartbeat({
      visibilityTimeoutSeconds: 60,
      extend: async () => undefined,
      timers: { setTimeout: (_, ms) => scheduled.push(ms), clearTimeout: () => undefined },
    });

    // Act
    await heartbeat.stop();

    // Assess
    expect(scheduled).toEqual([30_000]);
  });
});
