/**
 * The logging pipeline: one root pino logger writing to every configured output (each with
 * its own level, each failing alone), installed behind `logger`/`createLogger`, plus the
 * optional request log. What the config does not ask for — the OTLP output, the ECS format,
 * the request log — is not even imported.
 */
import type { Resource } from '@opentelemetry/resources';
import pino, { type Level, type StreamEntry } from 'pino';
import { LOG_LEVELS } from '../config/enums.js';
import type { LogFormat, LogLevel, LogOutputName, ResolvedConfig } from '../config/types.js';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { ignoredRequests } from '../config/ignored-requests.js';
import type { SignalComponent } from '../signal-component.js';
import { type Format, type Root, createRoot, structuredFormat } from './formats.js';
import type { OutputStream } from './reopening-stream.js';
import { createLogger, setRootLogger } from './logger.js';
import { consoleOutput, describeFile, fileOutput } from './transports.js';

type Logging = ResolvedConfig['logging'];

export async function startLoggingPipeline(config: ResolvedConfig, resource: Resource, delivery: DeliveryAccounts): Promise<SignalComponent> {
  const { logging } = config;
  const format = await loadFormat(logging.format);
  const outputs: { stream: OutputStream; level: LogLevel; description: string }[] = [];
  for (const { type, level } of logging.outputs) {
    if (level === 'silent') continue;
    outputs.push({ stream: await openOutput(type, logging, resource, delivery), level, description: describe(type, logging) });
  }
  const rootLevel = outputs.length ? LOG_LEVELS[Math.min(...outputs.map(({ level }) => LOG_LEVELS.indexOf(level)))]! : 'silent';
  const streams: StreamEntry<Level>[] = outputs.map(({ stream, level }) => ({ stream, level: level as Level }));
  setRootLogger(createRoot(config, rootLevel, pino.multistream(streams), format));

  const stopRequests = logging.requests
    ? (await import('./requests.js')).startRequestLogging(createLogger({ component: 'http' }), logging.format, ignoredRequests(config))
    : () => undefined;

  let stopped = false;
  return {
    destination: outputs.length ? outputs.map(({ description, level }) => `${description} ≥${level}`).join(', ') : 'off (no outputs)',
    async forceFlush() {
      await Promise.all(outputs.map(({ stream }) => stream.flush()));
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      stopRequests();
      // From here on lines (an app's last "server closed") go to stdout, synchronously, not into closing outputs.
      setRootLogger(lateRoot(config, logging.outputs, format));
      await Promise.all(outputs.map(({ stream }) => stream.close()));
    },
  };
}

/** ECS's options (and Elastic's packages) load only when that format is chosen. */
async function loadFormat(format: LogFormat): Promise<Format> {
  return format === 'ecs' ? (await import('./ecs-format.js')).ecsFormat : structuredFormat;
}

/** After shutdown: the console output's format and level on a synchronous stdout; without one, the pre-start fallback. */
function lateRoot(config: ResolvedConfig, configured: Logging['outputs'], format: Format): Root | null {
  const stdout = configured.find(({ type }) => type === 'console');
  if (!stdout || stdout.level === 'silent') return null;
  const logging = config.logging.format === 'pretty' ? { ...config.logging, format: 'structured' as const } : config.logging;
  return createRoot({ ...config, logging }, stdout.level, pino.destination({ dest: 1, sync: true }), format);
}

async function openOutput(type: LogOutputName, logging: Logging, resource: Resource, delivery: DeliveryAccounts): Promise<OutputStream> {
  switch (type) {
    case 'console':
      return consoleOutput(logging, [process.cwd()]);
    case 'file':
      return fileOutput(logging, process.cwd());
    case 'otlp':
      return (await import('./otlp.js')).otlpOutput(logging, resource, delivery);
  }
}

function describe(type: LogOutputName, logging: Logging): string {
  switch (type) {
    case 'console':
      return `console (${logging.format})`;
    case 'file':
      return describeFile(logging, process.cwd());
    case 'otlp':
      return `otlp ${logging.otlp.endpoint}${logging.otlp.protocol === 'grpc' ? ' [grpc]' : ''}`;
  }
}
