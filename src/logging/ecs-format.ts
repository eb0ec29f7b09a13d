/**
 * The 'ecs' format: Elastic Common Schema lines (`@timestamp`, `log.level`, `message`,
 * `trace.id`, …) from Elastic's ecs-pino-format, with the trace fields filled from
 * OpenTelemetry rather than Elastic's APM agent. A module of its own so that Elastic's
 * packages load only when this format is chosen.
 */
import { hostname } from 'node:os';
import { ecsFormat as elasticEcsFormat } from '@elastic/ecs-pino-format';
import type { LoggerOptions } from 'pino';
import type { Format } from './formats.js';

export const ecsFormat: Format = ({ service, common, line, timestamp, message }) => {
  const ecs = elasticEcsFormat({
    apmIntegration: false,
    convertReqRes: true,
    serviceName: service.name,
    ...(service.version === null ? {} : { serviceVersion: service.version }),
    serviceEnvironment: service.environment,
  });
  const { log } = ecs.formatters as Required<NonNullable<LoggerOptions['formatters']>>;
  return {
    ...ecs,
    ...common,
    // After ECS's own conversion (err/req/res → error.*/http.*, before serializers would
    // run), so that `http.request.headers.authorization` and `error.message` are covered too.
    formatters: { ...ecs.formatters, log: (object) => line(log(object)) },
    serializers: message,
    timestamp,
    base: { pid: process.pid, hostname: hostname() },
  };
};
