/**
 * The composition root: ResolvedConfig → the resource, the three signals (each started
 * through the seam in signal-component.ts, each loading only what its config asks for) and
 * the instrumentations; it owns flush and shutdown under one deadline. Signals never import
 * each other; what they share (config, resource, delivery accounts) comes from here.
 */
import type { ResolvedConfig } from '../config/types.js';
import { settleWithin } from '../export/deadline.js';
import { startDeliveryReport } from '../export/delivery-report.js';
import { DeliveryAccounts } from '../export/export-accounting.js';
import { ExportDeadlineError, abortExportsInFlight } from '../export/deadline-exporter.js';
import { duringExplicitFlush } from '../export/explicit-flush.js';
import { warnAsIs } from '../diagnostics.js';
import type { InstrumentationPlan } from '../instrumentations/load.js';
import { startLogging } from '../logging/signal.js';
import { startMetrics } from '../metrics/signal.js';
import { enableInstrumentations } from './instrumentation.js';
import { buildResource } from './resource.js';
import type { SignalComponent, SignalStarter } from '../signal-component.js';
import { startTracing } from '../tracing/signal.js';

/**
 * signal (as the start-up line names it) → its starter, started in this order: the
 * instrumentations, registered last, find the tracer provider registered globally and are
 * given the meter provider.
 */
const SIGNALS: Readonly<Record<string, SignalStarter>> = { traces: startTracing, metrics: startMetrics, logs: startLogging };

/** What the rest of Beacon needs from a started SDK. */
export interface RunningSdk {
  /** signal → where it goes, for the start-up line. */
  readonly destinations: Readonly<Record<string, string>>;
  readonly instrumentation: InstrumentationPlan;
  /** Exports what is buffered within `deadlineMs`, then ends any export still under way; never rejects. */
  forceFlush(deadlineMs: number): Promise<void>;
  /** Flushes and stops everything within `deadlineMs`, ending what is still under way; never rejects. */
  shutdown(deadlineMs: number): Promise<void>;
}

/** `onActivity` is called when telemetry is recorded (see the exit hooks' rearm). */
export async function startSdk(config: ResolvedConfig, appDirs: readonly string[], onActivity: () => void): Promise<RunningSdk> {
  const resource = await buildResource(config.service);
  const delivery = new DeliveryAccounts();
  const destinations: Record<string, string> = {};
  const components: SignalComponent[] = [];
  for (const [signal, start] of Object.entries(SIGNALS)) {
    const component = await start(config, resource, delivery, onActivity);
    destinations[signal] = component?.destination ?? 'off';
    if (component) components.push(component);
  }
  const deliveryReport = startDeliveryReport(delivery.all(), warnAsIs);

  const meterProvider = components.find((component) => component.meterProvider)?.meterProvider;
  const instrumentations = enableInstrumentations(config, appDirs, meterProvider);

  const forceFlush = (deadlineMs: number) =>
    withinDeadline('flush', deadlineMs, () => Promise.all(components.map((component) => component.forceFlush().catch(() => undefined))));
  let stopped: Promise<void> | null = null;
  return {
    destinations,
    instrumentation: instrumentations.plan,
    forceFlush,
    shutdown(deadlineMs) {
      stopped ??= withinDeadline('shutdown', deadlineMs, () =>
        Promise.all(components.map((component) => component.shutdown().catch(() => undefined))),
      ).finally(() => {
        deliveryReport.stop(); // what the last exports lost is said before the process ends
        instrumentations.disable();
      });
      return stopped;
    },
  };
}

/**
 * Runs an explicit flush or shutdown for at most `deadlineMs`. Its timer holds the process
 * open meanwhile (an app awaiting it, or the beforeExit flush, must not see the loop run dry
 * under a batch still on its way); at the deadline every export still in flight is ended,
 * so nothing Beacon started keeps the process alive after it.
 */
export async function withinDeadline(what: string, deadlineMs: number, run: () => Promise<unknown>): Promise<void> {
  let timedOut = false;
  await settleWithin(duringExplicitFlush(run), deadlineMs, () => (timedOut = true), { holdProcess: true });
  if (timedOut) abortExportsInFlight(new ExportDeadlineError(`${what} did not finish within ${deadlineMs} ms`));
}
