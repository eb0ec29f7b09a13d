/**
 * The OTLP log exporter for the configured protocol, imported only when the output is on.
 */
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { ResolvedOtlpTarget } from '../config/types.js';

export async function createOtlpLogExporter(target: ResolvedOtlpTarget): Promise<LogRecordExporter> {
  const config = { url: target.endpoint, headers: { ...target.headers }, timeoutMillis: target.timeoutMs };
  if (target.protocol === 'http/json') {
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-http');
    return new OTLPLogExporter(config);
  }
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
  return new OTLPLogExporter(config);
}
