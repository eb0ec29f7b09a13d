/**
 * The child process of the logging bench: writes lines inside an active span as fast as it
 * can and reports, over IPC, the app thread's CPU time for them. `bare` and
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
const WARM_UP_PASSES = 3;
/**
 * The main thread's CPU time over a pass: the log calls, in bursts, and the turns of the event
 * loop between them, where the outputs do what they left for later (a transport's hand-off
 * to its worker, the OTLP output's batches). CPU time, not wall time: on two cores the
 * outputs' worker threads and the other processes preempt this thread, and wall time would
 * count their turns as the logger's.
 */
const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};
const writeAll = () =>
  tracer.startActiveSpan('work', async (span) => {
    const started = cpuMs();
    for (let i = 0; i < count; ) {
      for (const end = Math.min(count, i + BURST); i < end; i++) log.info({ orderId: i, user: { id: 'u-1' } }, 'order processed');
      await new Promise((resolve) => setImmediate(resolve));
    }
    span.end();
    return cpuMs() - started;
  });

// Warm-up: V8 optimises the logging path only after some tens of thousands of lines (Beacon's
// first 20,000 after 20,000 cost ~1.8× the later ones, plain pino's ~1.2×); pino's first
// writes; the outputs' workers and the exporters' first batches.
for (let pass = 0; pass < WARM_UP_PASSES; pass++) await writeAll();
process.send!({ ms: await writeAll() });
process.disconnect();
