import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PipelineStatus } from '../pipelineService.js';

/** A status this recent is good enough for a scrape; reading the ledger on every scrape would not scale. */
const STATUS_MAX_AGE_MS = 10_000;

/**
 * The Prometheus metrics of `letsflow serve`: the ledger's totals (objects, events, parse
 * errors, quarantined objects), queue depth and lag as gauges read at scrape time, and each
 * step's runs and durations.
 */
export function serveMetrics(status: () => Promise<PipelineStatus>, now: () => number = Date.now) {
  const registry = new Registry();
  let cached: { at: number; value: Promise<PipelineStatus> } | undefined;
  const current = (): Promise<PipelineStatus> => {
    if (!cached || now() - cached.at > STATUS_MAX_AGE_MS) cached = { at: now(), value: status() };
    return cached.value;
  };
  const gauge = (name: string, help: string, pick: (s: PipelineStatus) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(pick(await current()));
      },
    });
  };
  gauge('letsflow_objects_done', 'Source objects committed (ledger done)', (s) => s.done);
  gauge('letsflow_objects_quarantined', 'Source objects quarantined as unreadable', (s) => s.quarantined);
  gauge('letsflow_objects_pending', 'Listed source objects not yet committed (queue depth)', (s) => s.pending);
  gauge('letsflow_events_processed', 'Events in committed objects', (s) => s.events);
  gauge('letsflow_parse_errors', 'Bad lines recorded in committed objects', (s) => s.parseErrors);
  gauge('letsflow_late_events', 'Events that reached a final window: recorded in sa-late-events, not merged', (s) => s.lateEvents);
  gauge('letsflow_lag_seconds', 'How far the oldest pending object arrived before the newest', (s) => s.lagSeconds);
  const runs = new Counter({ name: 'letsflow_step_runs_total', help: 'Step runs by outcome', labelNames: ['step', 'outcome'], registers: [registry] });
  const durations = new Histogram({
    name: 'letsflow_step_duration_seconds',
    help: 'Step run durations',
    labelNames: ['step'],
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  return {
    registry,
    stepFinished(step: string, durationMs: number, error: unknown): void {
      runs.inc({ step, outcome: error === null ? 'ok' : 'error' });
      durations.observe({ step }, durationMs / 1000);
    },
  };
}
