/**
 * The composition root: ResolvedConfig → providers, exporters and instrumentations, wired
 * together and registered globally. Signal modules never import each other; what they
 * share (config, resource) comes from here. Disabled signals construct nothing.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { ResolvedConfig } from '../config/types.js';
import { settleWithin } from '../export/deadline.js';
import { startDeliveryReport } from '../export/delivery-report.js';
import { DeliveryAccounts } from '../export/export-accounting.js';
import { ExportDeadlineError, abortExportsInFlight } from '../export/deadline-exporter.js';
import { duringExplicitFlush } from '../export/explicit-flush.js';
import { warnAsIs } from '../diagnostics.js';
import { createInstrumentations, type InstrumentationPlan } from '../instrumentations/load.js';
import { startLogging } from '../logging/setup.js';
import { startMetrics } from '../metrics/signal.js';
import { createPropagator } from './propagation.js';
import { buildResource } from './resource.js';
import { secretMatcher } from '../secrets.js';
import { createTracerProvider, describeTracing } from '../tracing/provider.js';

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

interface Flushable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** `onActivity` is called when telemetry is recorded (see the exit hooks' rearm). */
export async function startSdk(config: ResolvedConfig, appDirs: readonly string[], onActivity: () => void): Promise<RunningSdk> {
  const resource = await buildResource(config.service);
  const secrets = secretMatcher(config.privacy.secretKeys);
  const components: Flushable[] = [];
  const delivery = new DeliveryAccounts();

  const tracerProvider = createTracerProvider(config.tracing, resource, secrets, onActivity, delivery);
  if (tracerProvider) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const propagator = await createPropagator(config.tracing.propagators);
    if (propagator) propagation.setGlobalPropagator(propagator);
    trace.setGlobalTracerProvider(tracerProvider);
    components.push(tracerProvider);
  }

  const metrics = await startMetrics(config, resource, delivery);
  const logging = await startLogging(config, resource, delivery);
  for (const component of [metrics, logging]) if (component) components.push(component);
  const deliveryReport = startDeliveryReport(delivery.all(), warnAsIs);

  const plan = createInstrumentations(config, appDirs, secrets);
  const disableInstrumentations = registerInstrumentations({
    instrumentations: plan.instrumentations,
    ...(metrics?.meterProvider ? { meterProvider: metrics.meterProvider } : {}),
  });

  const forceFlush = (deadlineMs: number) =>
    withinDeadline('flush', deadlineMs, () => Promise.all(components.map((component) => component.forceFlush().catch(() => undefined))));
  let stopped: Promise<void> | null = null;
  return {
    destinations: {
      traces: describeTracing(config.tracing),
      metrics: metrics?.destination ?? 'off',
      logs: logging?.destination ?? 'off',
    },
    instrumentation: plan,
    forceFlush,
    shutdown(deadlineMs) {
      stopped ??= withinDeadline('shutdown', deadlineMs, () =>
        Promise.all(components.map((component) => component.shutdown().catch(() => undefined))),
      ).finally(() => {
        deliveryReport.stop(); // what the last exports lost is said before the process ends
        disableInstrumentations();
        trace.disable();
        propagation.disable();
        context.disable();
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
async function withinDeadline(what: string, deadlineMs: number, run: () => Promise<unknown>): Promise<void> {
  let timedOut = false;
  await settleWithin(duringExplicitFlush(run), deadlineMs, () => (timedOut = true), { holdProcess: true });
  if (timedOut) abortExportsInFlight(new ExportDeadlineError(`${what} did not finish within ${deadlineMs} ms`));
}
