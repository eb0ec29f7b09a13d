import { MetricReader } from '@opentelemetry/sdk-metrics';

/** A MetricReader that only collects on demand: `await reader.collect()` in tests and benches. */
export class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
