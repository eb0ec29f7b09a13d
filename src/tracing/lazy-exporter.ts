/**
 * A SpanExporter whose real exporter is imported on the first export, not at start-up:
 * the OTLP exporter packages cost ~60 ms to load, and the first batch leaves seconds later.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

export class LazySpanExporter implements SpanExporter {
  private loaded: Promise<SpanExporter> | null = null;

  constructor(private readonly load: () => Promise<SpanExporter>) {}

  private exporter(): Promise<SpanExporter> {
    return (this.loaded ??= this.load());
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exporter().then(
      (exporter) => exporter.export(spans, resultCallback),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
    );
  }

  async forceFlush(): Promise<void> {
    if (this.loaded) await (await this.loaded).forceFlush?.();
  }

  async shutdown(): Promise<void> {
    if (this.loaded) await (await this.loaded).shutdown();
  }
}
