/**
 * Upstream's OTLP/gRPC exporters are optional peers: with @grpc/grpc-js they add 35 packages
 * and 11 MB (98 → 133 packages) to an install whose budget is 150, for a protocol that most
 * apps (http/protobuf is the default) never use.
 * An app that sends a signal over gRPC installs its exporter (Beacon's sender, otlp-grpc.ts,
 * uses the @grpc/grpc-js and gRPC settings it brings); without it Beacon does not start, and
 * says what to install.
 */
import { BeaconError, ErrorCodes } from '../errors.js';
import { missingOptional, resolveOptional } from '../optional-packages.js';

export type GrpcSignal = 'traces' | 'metrics' | 'logs';

export const GRPC_EXPORTERS = {
  traces: '@opentelemetry/exporter-trace-otlp-grpc',
  metrics: '@opentelemetry/exporter-metrics-otlp-grpc',
  logs: '@opentelemetry/exporter-logs-otlp-grpc',
} as const satisfies Record<GrpcSignal, string>;

/** Where the signal's exporter is installed; throws BEACON_MISSING_PACKAGE, naming every one missing, when it is not. */
export function grpcExporterPath(signal: GrpcSignal): string {
  const path = resolveOptional(GRPC_EXPORTERS[signal], [process.cwd()]);
  if (path === null) requireGrpcExporters([signal]);
  return path!;
}

/** Checked before anything starts, for every signal sent over gRPC: one error lists all that are missing. */
export function requireGrpcExporters(signals: readonly GrpcSignal[]): void {
  const missing = signals.filter((signal) => resolveOptional(GRPC_EXPORTERS[signal], [process.cwd()]) === null);
  if (missing.length === 0) return;
  const names = missing.map((signal) => GRPC_EXPORTERS[signal]).join(' ');
  const message = missingOptional(`OTLP protocol 'grpc' for ${missing.join(', ')}`, names, 'Beacon does not start without it', `npm install ${names}`);
  throw new BeaconError(ErrorCodes.MISSING_PACKAGE, message);
}
