/**
 * The child process of the logging bench: writes lines inside an active span as fast as it
 * can and reports, over IPC, the app thread's CPU time in the log calls. `bare` and
 * `upstream` use the app's own pino (to stdout); `beacon` uses Beacon's logger with the
 * outputs its BEACON_CONFIG names.
 */
import { trace } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import type { pino as Pino } from 'pino';

const [mode, countArg] = process.argv.slice(2);
const count = Number(countArg);
// The app's pino by require(): the form upstream's instrumentation-pino patches (it leaves an
// ESM `import pino from 'pino'` uncorrelated, where Beacon's hook covers both).
const appPino = () => (createRequire(import.meta.url)('pino') as typeof Pino)();
const log = mode === 'beacon' ? (await import('../src/index.js')).logger : appPino();

const tracer = trace.getTracer('bench');
/** Lines per burst: an app logs between requests, so exports and the outputs' workers get turns between bursts. */
const BURST = 500;
/**
 * The main thread's CPU time in the log calls only, in bursts with a turn of the event loop
 * between them. CPU time, not wall time: on two cores the outputs' worker threads and the
 * other processes preempt this thread, and wall time would count their turns as the logger's.
 */
const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};
const writeAll = () =>
  tracer.startActiveSpan('work', async (span) => {
    let ms = 0;
    for (let i = 0; i < count; ) {
      const started = cpuMs();
      for (const end = Math.min(count, i + BURST); i < end; i++) log.info({ orderId: i, user: { id: 'u-1' } }, 'order processed');
      ms += cpuMs() - started;
      await new Promise((resolve) => setImmediate(resolve));
    }
    span.end();
    return ms;
  });

await writeAll(); // warm-up: JIT, pino's first writes, the exporters' first batch
process.send!({ ms: await writeAll() });
process.disconnect();
