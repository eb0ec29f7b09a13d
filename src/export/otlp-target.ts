/**
 * Where and how an OTLP exporter sends. Defined here, in the exporter's wing, so that the
 * senders need nothing from the config; the config's resolved targets are this shape.
 */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export interface OtlpTarget {
  endpoint: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  timeoutMs: number;
}
