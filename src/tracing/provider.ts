/**
 * tracing → a TracerProvider with Beacon's sampler and a bounded batch processor, or
 * null when tracing is off. Registering it globally is the composition root's job.
 */
import type { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { DeliveryAccounts } from '../common/export-accounting.js';
import { PROCESSOR_TIMEOUT_MARGIN_MS } from '../common/guarded-exporter.js';
import { ActivityProcessor } from './activity-processor.js';
import { AccountedSpanProcessor } from './accounted-processor.js';
import type { ResolvedConfig } from '../config/types.js';
import { createSpanExporter } from './exporter.js';
import { createSampler } from './sampler.js';

export function createTracerProvider(
  tracing: ResolvedConfig['tracing'],
  resource: Resource,
  onSpanEnd: () => void,
  delivery: DeliveryAccounts,
): TracerProvider | null {
  if (!tracing.enabled) return null;
  const spanExport = createSpanExporter(tracing, delivery);
  const spanProcessors: SpanProcessor[] = [new ActivityProcessor(onSpanEnd)];
  if (spanExport) {
    const { exporter, account } = spanExport;
    const batch = new BatchSpanProcessor({
      exporter,
      maxQueueSize: tracing.batch.maxQueueSize,
      maxExportBatchSize: Math.min(tracing.batch.maxExportBatchSize, tracing.batch.maxQueueSize),
      scheduledDelayMillis: tracing.batch.scheduledDelayMs,
      exportTimeoutMillis: tracing.timeoutMs + PROCESSOR_TIMEOUT_MARGIN_MS,
    });
    spanProcessors.push(account ? new AccountedSpanProcessor(batch, account) : batch);
  }
  return new TracerProvider({ resource, sampler: createSampler(tracing.sampler), spanProcessors });
}

/** Where traces go, for the start-up line. */
export function describeTracing(tracing: ResolvedConfig['tracing']): string {
  if (!tracing.enabled) return 'off';
  const { ratio, parentBased, rules, maxPerSecond } = tracing.sampler;
  const sampling = `${parentBased ? 'parent-based ' : ''}ratio ${ratio}${rules.length ? ` + ${rules.length} rules` : ''}${maxPerSecond === null ? '' : `, ≤${maxPerSecond}/s`}`;
  switch (tracing.exporter) {
    case 'none':
      return `sampled (${sampling}), not exported`;
    case 'console':
      return `console (${sampling})`;
    default:
      return `${tracing.exporter} ${tracing.endpoint} [${tracing.protocol}] (${sampling})`;
  }
}
