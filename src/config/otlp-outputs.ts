/**
 * Where the config sends telemetry over OTLP: each signal that is on with an OTLP output,
 * with its target. Read by the credential warnings, the start-up probe of the trace
 * endpoint and `beacon-otel doctor`, so that they agree on which endpoints are in use.
 */
import type { ResolvedConfig, ResolvedOtlpTarget } from './types.js';

export interface OtlpOutput {
  signal: 'traces' | 'logs' | 'metrics';
  target: ResolvedOtlpTarget;
}

export function otlpOutputs({ tracing, logging, metrics }: ResolvedConfig): OtlpOutput[] {
  const outputs: OtlpOutput[] = [];
  // Jaeger ingests OTLP: the 'jaeger' exporter sends to tracing.otlp too.
  if (tracing.enabled && (tracing.exporter === 'otlp' || tracing.exporter === 'jaeger')) outputs.push({ signal: 'traces', target: tracing.otlp });
  if (logging.outputs.some(({ type }) => type === 'otlp')) outputs.push({ signal: 'logs', target: logging.otlp });
  if (metrics.enabled && metrics.exporters.includes('otlp')) outputs.push({ signal: 'metrics', target: metrics.otlp });
  return outputs;
}

/** The signals sent over OTLP/gRPC: each needs its optional exporter package (export/grpc-packages.ts). */
export function grpcSignals(config: ResolvedConfig): OtlpOutput['signal'][] {
  return otlpOutputs(config).filter(({ target }) => target.protocol === 'grpc').map(({ signal }) => signal);
}
