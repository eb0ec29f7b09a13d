/**
 * The child process of the logging bench: writes lines inside an active span as fast as it
 * can and reports, over IPC, the app thread's CPU time for them. `bare` and
 * `upstream` use the app's own pino (to stdout); `beacon` uses Beacon's logger with the
 * outputs its BEACON_CONFIG names.
 */
import { trace } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import type { pino as Pino } from 'pino';

// What the logging bench asks for (logging.ts, LOG_PASS): lines a pass, lines a burst, warm-up passes.
const [mode, ...numbers] = process.argv.slice(2);
const [count, burst, warmUpPasses] = numbers.map(Number) as [number, number, number];
// The app's pino by require(): the form upstream's instrumentation-pino patches (it leaves an
// ESM `import pino from 'pino'` uncorrelated, where Beacon's hook covers both).
const appPino = () => (createRequire(import.meta.url)('pino') as typeof Pino)();
const log = mode === 'beacon' ? (await import('../src/index.js')).logger : appPino();

const tracer = trace.getTracer('bench');
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
      for (const end = Math.min(count, i + burst); i < end; i++) log.info({ orderId: i, user: { id: 'u-1' } }, 'order processed');
      await new Promise((resolve) => setImmediate(resolve));
    }
    span.end();
    return cpuMs() - started;
  });

for (let pass = 0; pass < warmUpPasses; pass++) await writeAll(); // warm-up
process.send!({ ms: await writeAll() });
process.disconnect();
