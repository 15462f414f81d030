/**
 * Preloaded into the CLI processes the `cli-*` cases start (`--import`), so their peak RSS is
 * the same `maxRSS` every other case reports, read by the process itself at exit, without
 * touching src/. An exit handler runs on a normal exit and after an uncaught exception, not
 * after SIGKILL or V8 running out of heap; bench/cli.ts falls back to polling /proc then.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 }));
  });
}
