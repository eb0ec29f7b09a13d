/**
 * The tracing pipeline: a TracerProvider with Beacon's sampler, span limits, secret
 * redaction and the processor that sends spans on, registered globally together with the
 * context manager and the propagators (the instrumentations find it there); shutdown
 * unregisters all three. The provider's options are built apart from the registration, so
 * that a NodeSDK (sdk/node-sdk.ts) can be given the same sampler, limits and processors.
 */
import { context, propagation, trace } from '../otel/api.cjs';
import type { Resource } from '@opentelemetry/resources';
import { type SpanProcessor, TracerProvider, type TracerProviderOptions } from '../otel/sdk-trace.cjs';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import type { OtlpTarget } from '../export/otlp-target.js';
import type { ResolvedConfig } from '../config/types.js';
import { secretMatcher } from '../secrets.js';
import type { SignalComponent } from '../signal-component.js';
import { ActivityProcessor } from './activity-processor.js';
import { BeaconContextManager } from './context-manager.js';
import { createSpanProcessor } from './exporter.js';
import { registerTracerProvider } from './global-provider.js';
import { PooledIdGenerator } from './id-generator.js';
import { PrivacyProcessor } from './privacy-processor.js';
import { createPropagator } from './propagation.js';
import { createSampler } from './sampler.js';

type Tracing = ResolvedConfig['tracing'];

/** The provider's sampler, span limits and processors (redaction, activity, sending), unregistered. */
export async function tracerProviderOptions(config: ResolvedConfig, delivery: DeliveryAccounts, onSpanEnd: () => void): Promise<Required<Pick<TracerProviderOptions, 'sampler' | 'idGenerator' | 'spanLimits' | 'spanProcessors'>>> {
  const { tracing } = config;
  const spanProcessors: SpanProcessor[] = [new PrivacyProcessor(secretMatcher(config.privacy.secretKeys)), new ActivityProcessor(onSpanEnd)];
  const sending = await createSpanProcessor(tracing, otlpTarget(tracing), delivery);
  if (sending) spanProcessors.push(sending);
  const { attributeValueLength, attributeCount, eventCount, linkCount } = tracing.limits;
  return {
    sampler: createSampler(tracing.sampler),
    idGenerator: new PooledIdGenerator(),
    spanProcessors,
    spanLimits: {
      attributeValueLengthLimit: attributeValueLength,
      attributeCountLimit: attributeCount,
      eventCountLimit: eventCount,
      linkCountLimit: linkCount,
    },
  };
}

export async function startTracingPipeline(config: ResolvedConfig, resource: Resource, delivery: DeliveryAccounts, onSpanEnd: () => void): Promise<SignalComponent> {
  const { tracing } = config;
  const provider = new TracerProvider({ resource, ...(await tracerProviderOptions(config, delivery, onSpanEnd)) });

  context.setGlobalContextManager(new BeaconContextManager().enable());
  const propagator = await createPropagator(tracing.propagators);
  if (propagator) propagation.setGlobalPropagator(propagator);
  registerTracerProvider(provider);

  return {
    destination: describe(tracing),
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

/** The one place that knows where the OTLP target's fields sit in the tracing settings. */
function otlpTarget(tracing: Tracing): OtlpTarget {
  return tracing.otlp;
}

/** Where traces go, for the start-up line. */
function describe(tracing: Tracing): string {
  const target = otlpTarget(tracing);
  const { ratio, parentBased, rules, maxPerSecond } = tracing.sampler;
  const sampling = `${parentBased ? 'parent-based ' : ''}ratio ${ratio}${rules.length ? ` + ${rules.length} rules` : ''}${maxPerSecond === null ? '' : `, ≤${maxPerSecond}/s`}`;
  switch (tracing.exporter) {
    case 'none':
      return `sampled (${sampling}), not exported`;
    case 'console':
      return `console (${sampling})`;
    default:
      return `${tracing.exporter} ${target.endpoint} [${target.protocol}] (${sampling})`;
  }
}
