import type { RunProgress } from '../../engine/runPipeline.js';
import { formatBytes } from '../../core/humanize.js';

/**
 * Progress of a long run on stderr: one line rewritten in place on a terminal, a line every
 * few seconds otherwise (logs and CI), so a run over many objects never looks stuck.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now) {
  const started = now();
  let lastPrinted = 0;
  const interval = stream.isTTY ? 200 : 5000;
  return {
    update(p: RunProgress): void {
      const t = now();
      if (t - lastPrinted < interval && p.done < p.total) return;
      lastPrinted = t;
      const seconds = Math.max((t - started) / 1000, 0.001);
      const text = `[${p.done}/${p.total} objects] ${p.events.toLocaleString('en-US')} events, ${formatBytes(p.bytes)} read, ${Math.round(p.events / seconds).toLocaleString('en-US')} events/s`;
      stream.write(stream.isTTY ? `\r\x1b[2K${text}` : `${text}\n`);
    },
    done(): void {
      if (stream.isTTY && lastPrinted > 0) stream.write('\n');
    },
  };
}
