/**
 * A NodeSDK (@opentelemetry/sdk-node) built from a Beacon config, for teams that own one
 * already: the same resource, sampler, span processors, metric readers (the Prometheus
 * endpoint with its access rules among them), OTLP log processor and instrumentations as
 * the register entry composes, with the team's own appended. The NodeSDK registers them on
 * start(); Beacon adds what a NodeSDK has no slot for (its collectors, the endpoint's
 * server, the delivery report) and bounds shutdown by `shutdown.timeoutMs`.
 */
import { metrics } from '../otel/api.cjs';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { readDeclarativeFile } from '../config/declarative-file.js';
import { grpcSignals } from '../config/otlp-outputs.js';
import { resolveConfig } from '../config/resolve.js';
import type { BeaconConfig } from '../config/types.js';
import { setupDiagnostics, warn, warnAsIs } from '../diagnostics.js';
import { startDeliveryReport } from '../export/delivery-report.js';
import { DeliveryAccounts } from '../export/export-accounting.js';
import { requireGrpcExporters } from '../export/grpc-packages.js';
import { createInstrumentations } from '../instrumentations/load.js';
import { targetModules } from '../instrumentations/targets.js';
import { otlpLogProcessor } from '../logging/otlp.js';
import { meterProviderChanged } from '../metrics/api/binding.js';
import { addBeaconHistograms } from '../metrics/api/histogram-producer.js';
import { serverDurations } from '../metrics/collectors/http-server-duration.js';
import { metricOutputs, startCollectors } from '../metrics/pipeline.js';
import { buildViews } from '../metrics/views.js';
import { secretMatcher } from '../secrets.js';
import { BeaconContextManager } from '../tracing/context-manager.js';
import { tracerProviderOptions } from '../tracing/pipeline.js';
import { createPropagator } from '../tracing/propagation.js';
import { appContext } from './app-context.js';
import { withinDeadline } from './compose.js';
import { prepareEsmHook } from './esm-hook.js';
import { buildResource } from './resource.js';

/** The team's own pieces, added after Beacon's. */
export interface NodeSdkExtras {
  spanProcessors?: SpanProcessor[];
  metricReaders?: IMetricReader[];
  logRecordProcessors?: LogRecordProcessor[];
  instrumentations?: Instrumentation[];
}

/**
 * Resolves `options` against the environment as the register entry does (throws
 * BeaconConfigError when invalid) and builds the NodeSDK, not started: `sdk.start()` registers
 * it, `sdk.shutdown()` flushes and stops within `shutdown.timeoutMs` and never rejects.
 */
export async function beaconNodeSdk(options: BeaconConfig = {}, extras: NodeSdkExtras = {}): Promise<NodeSDK> {
  const app = appContext(process.argv[1]);
  const { config, warnings } = resolveConfig(options, process.env, app.appPackage, readDeclarativeFile(process.env));
  setupDiagnostics(config.diagnostics.level);
  for (const line of warnings) warn(line);
  if (config.enabled) requireGrpcExporters(grpcSignals(config));
  const { NodeSDK: CommonJsNodeSdk } = await import('../otel/sdk-node.cjs');
  const delivery = new DeliveryAccounts();
  const tracingOn = config.enabled && config.tracing.enabled;
  const metricsOn = config.enabled && config.metrics.enabled;
  const tracing = tracingOn ? await tracerProviderOptions(config, delivery, () => undefined) : null;
  const outputs = metricsOn ? await metricOutputs(config.metrics, delivery) : null;
  const logs = config.enabled && config.logging.outputs.some((output) => output.type === 'otlp') ? [await otlpLogProcessor(config.logging, delivery)] : [];
  // Prepared before the instrumentations are built, as in start.ts: the modules they target queue on its channel.
  const esmHook = config.enabled ? prepareEsmHook() : null;
  const serverPath = { appSpanProcessors: (extras.spanProcessors ?? []).length > 0, durations: serverDurations(config) };
  const plan = config.enabled ? createInstrumentations(config, app.appDirs, secretMatcher(config.privacy.secretKeys), serverPath) : null;
  const instrumentations = plan?.instrumentations ?? [];

  class BeaconNodeSdk extends CommonJsNodeSdk {
    private stopped: Promise<void> | null = null;
    private stopExtras: () => Promise<void> = async () => undefined;

    override start(): void {
      super.start();
      if (!config.enabled) return;
      const deliveryReport = startDeliveryReport(delivery.all(), warnAsIs);
      // The NodeSDK has registered its MeterProvider globally by now; it holds Beacon's readers.
      const stopCollectors = metricsOn ? startCollectors(metrics.getMeterProvider(), config, delivery) : () => undefined;
      const endpoint = outputs?.serve();
      this.stopExtras = async () => {
        stopCollectors();
        deliveryReport.stop();
        await (await endpoint)?.close();
      };
    }

    override shutdown(): Promise<void> {
      this.stopped ??= withinDeadline('shutdown', config.shutdown.timeoutMs, () =>
        Promise.all([this.stopExtras(), super.shutdown()].map((stopping) => stopping.catch(() => undefined))).then(() => {
          if (metricsOn) meterProviderChanged(); // Beacon's instruments stop reporting to the readers shut down
        }),
      );
      return this.stopped;
    }
  }

  const sdk = new BeaconNodeSdk({
    resource: await buildResource(config.service),
    autoDetectResources: false, // Beacon's resource has run the configured detectors already
    ...(tracing ? { sampler: tracing.sampler, idGenerator: tracing.idGenerator, spanLimits: tracing.spanLimits } : {}),
    // Empty lists rather than none: a NodeSDK given none builds its own from OTEL_* variables.
    spanProcessors: [...(tracing?.spanProcessors ?? []), ...(extras.spanProcessors ?? [])],
    textMapPropagator: tracingOn ? await createPropagator(config.tracing.propagators) : null,
    ...(tracingOn ? { contextManager: new BeaconContextManager() } : {}),
    metricReaders: [...(outputs?.readers ?? []), ...(extras.metricReaders ?? []).map(addBeaconHistograms)],
    views: metricsOn ? buildViews(config.metrics) : [],
    logRecordProcessors: [...logs, ...(extras.logRecordProcessors ?? [])],
    instrumentations: [...instrumentations, ...(extras.instrumentations ?? [])],
  });
  await esmHook?.register([...(plan?.targets ?? []), ...targetModules(extras.instrumentations ?? [])]);
  // The CommonJS build's class (src/otel), declared as the package's type: one class, two declaration files.
  return sdk as unknown as NodeSDK;
}
