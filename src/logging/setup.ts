/**
 * logging → the logger pipeline: one root pino logger writing to every configured output
 * (each with its own level, each failing alone), installed behind `logger`/`createLogger`,
 * plus the optional request log. Returns what the composition root flushes at exit.
 */
import pino, { type Level, type StreamEntry } from 'pino';
import { LOG_LEVELS } from '../config/enums.js';
import type { LogLevel, LogOutputName, ResolvedConfig } from '../config/types.js';
import { DeliveryAccounts } from '../export/export-accounting.js';
import { ignoredRequests } from '../config/ignored-requests.js';
import type { SignalComponent, SignalStarter } from '../signal-component.js';
import { type Root, createRoot } from './formats.js';
import type { OutputStream } from './reopening-stream.js';
import { createLogger, setRootLogger } from './logger.js';
import { describeOtlp, otlpOutput } from './otlp.js';
import { startRequestLogging } from './requests.js';
import { consoleOutput, describeFile, fileOutput } from './transports.js';

type Logging = ResolvedConfig['logging'];

export const startLogging: SignalStarter = async (config, resource, delivery = new DeliveryAccounts()) => {
  const { logging } = config;
  const outputs: { stream: OutputStream; level: LogLevel; description: string }[] = [];
  for (const { type, level } of logging.outputs) {
    if (level === 'silent') continue;
    outputs.push({ stream: await openOutput(type, logging, resource, delivery), level, description: describe(type, logging) });
  }
  const rootLevel = outputs.length ? LOG_LEVELS[Math.min(...outputs.map(({ level }) => LOG_LEVELS.indexOf(level)))]! : 'silent';
  const streams: StreamEntry<Level>[] = outputs.map(({ stream, level }) => ({ stream, level: level as Level }));
  setRootLogger(createRoot(config, rootLevel, pino.multistream(streams)));

  const stopRequests = logging.requests
    ? startRequestLogging(createLogger({ component: 'http' }), logging.format, ignoredRequests(config))
    : () => undefined;

  let stopped = false;
  const component: SignalComponent = {
    destination: outputs.length ? outputs.map(({ description, level }) => `${description} ≥${level}`).join(', ') : 'off (no outputs)',
    async forceFlush() {
      await Promise.all(outputs.map(({ stream }) => stream.flush()));
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      stopRequests();
      // From here on lines (an app's last "server closed") go to stdout, synchronously, not into closing outputs.
      setRootLogger(lateRoot(config, logging.outputs));
      await Promise.all(outputs.map(({ stream }) => stream.close()));
    },
  };
  return component;
};

/** After shutdown: the console output's format and level on a synchronous stdout; without one, the pre-start fallback. */
function lateRoot(config: ResolvedConfig, configured: Logging['outputs']): Root | null {
  const stdout = configured.find(({ type }) => type === 'console');
  if (!stdout || stdout.level === 'silent') return null;
  const logging = config.logging.format === 'pretty' ? { ...config.logging, format: 'structured' as const } : config.logging;
  return createRoot({ ...config, logging }, stdout.level, pino.destination({ dest: 1, sync: true }));
}

function openOutput(
  type: LogOutputName,
  logging: Logging,
  resource: Parameters<SignalStarter>[1],
  delivery: DeliveryAccounts,
): Promise<OutputStream> | OutputStream {
  switch (type) {
    case 'console':
      return consoleOutput(logging, [process.cwd()]);
    case 'file':
      return fileOutput(logging, process.cwd());
    case 'otlp':
      return otlpOutput(logging, resource, delivery);
  }
}

function describe(type: LogOutputName, logging: Logging): string {
  switch (type) {
    case 'console':
      return `console (${logging.format})`;
    case 'file':
      return describeFile(logging, process.cwd());
    case 'otlp':
      return describeOtlp(logging);
  }
}
