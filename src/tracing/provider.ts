/**
 * tracing → a TracerProvider with Beacon's sampler, span limits, secret redaction and the
 * processor that sends spans on, or null when tracing is off. Registering it globally is
 * the composition root's job.
 */
import type { Resource } from '@opentelemetry/resources';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import type { ResolvedConfig } from '../config/types.js';
import type { SecretMatcher } from '../secrets.js';
import { ActivityProcessor } from './activity-processor.js';
import { createSpanProcessor } from './exporter.js';
import { PrivacyProcessor } from './privacy-processor.js';
import { createSampler } from './sampler.js';

export function createTracerProvider(
  tracing: ResolvedConfig['tracing'],
  resource: Resource,
  secrets: SecretMatcher,
  onSpanEnd: () => void,
  delivery: DeliveryAccounts,
): TracerProvider | null {
  if (!tracing.enabled) return null;
  const spanProcessors: SpanProcessor[] = [new PrivacyProcessor(secrets), new ActivityProcessor(onSpanEnd)];
  const sending = createSpanProcessor(tracing, delivery);
  if (sending) spanProcessors.push(sending);
  const { attributeValueLength, attributeCount, eventCount, linkCount } = tracing.limits;
  return new TracerProvider({
    resource,
    sampler: createSampler(tracing.sampler),
    spanProcessors,
    spanLimits: {
      attributeValueLengthLimit: attributeValueLength,
      attributeCountLimit: attributeCount,
      eventCountLimit: eventCount,
      linkCountLimit: linkCount,
    },
  });
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
      return `${tracing.exporter} ${tracing.otlp.endpoint} [${tracing.otlp.protocol}] (${sampling})`;
  }
}
