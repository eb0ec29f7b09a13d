/**
 * The cost of a log line on the app's thread, correlated with the active trace and shipped
 * both to stdout and by OTLP: the app's own pino bare, pino under the upstream register
 * (instrumentation-pino injects ids and sends records), and Beacon's logger with its
 * 'console' output alone and with 'otlp' too. Child processes, rounds interleaved, medians (of
 * each round's ratio, for the ratios), on the app thread's CPU time: the log calls and what
 * the outputs leave for the event loop's turns. Lines are written in bursts with a turn
 * between them, as an app logs between requests: one synchronous loop of tens of thousands
 * of lines would measure full queues instead.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, configFile, registerPath, repoRoot } from '../test/helpers/app.js';
import { firstMessage, killChild } from './child.js';
import { median } from './stats.js';

const writer = join(repoRoot, 'dist', 'bench', 'log-writer.js');

/**
 * Lines a measured pass, lines a burst (an event-loop turn between bursts), and passes before
 * the measured one: V8 optimises the logging path only after some tens of thousands of lines
 * (Beacon's first 20,000 after 20,000 cost ~1.8× the later ones, plain pino's ~1.2×); pino's
 * first writes; the outputs' workers and the exporters' first batches.
 */
export const LOG_PASS = { lines: 20_000, burst: 500, warmUpPasses: 3 };

interface LogVariant {
  name: string;
  args: string[];
  env: Record<string, string>;
}

function variants(sinkUrl: string): LogVariant[] {
  const common = { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_LOG_LEVEL: 'error' };
  return [
    { name: 'bare pino', args: [writer, 'bare'], env: {} },
    {
      name: 'pino under upstream register',
      args: ['--import', '@opentelemetry/auto-instrumentations-node/register', writer, 'upstream'],
      env: { ...common, OTEL_LOGS_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', NODE_NO_WARNINGS: '1' },
    },
    {
      name: 'beacon logger (console)',
      args: ['--import', registerPath, writer, 'beacon'],
      env: { ...common, BEACON_CONFIG: configFile({ metrics: { enabled: false }, logging: { outputs: ['console'] } }) },
    },
    {
      name: 'beacon logger (console + otlp)',
      args: ['--import', registerPath, writer, 'beacon'],
      env: { ...common, BEACON_CONFIG: configFile({ metrics: { enabled: false }, logging: { outputs: ['console', 'otlp'] } }) },
    },
  ];
}

async function measure(variant: LogVariant): Promise<number> {
  const { lines, burst, warmUpPasses } = LOG_PASS;
  const child = spawn(process.execPath, [...variant.args, String(lines), String(burst), String(warmUpPasses)], { cwd: repoRoot, env: cleanEnv(variant.env), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const message = await firstMessage<{ ms: number }>(child, variant.name, 60_000);
  await killChild(child); // what is still queued does not matter here: only the app-thread cost does
  return lines / (message.ms / 1000);
}

export interface LoggingRow {
  name: string;
  linesPerSecond: number;
  /** The median of each round's ratio to that round's plain pino. */
  toPino: number;
}

export async function benchLogging(sinkUrl: string, rounds: number): Promise<LoggingRow[]> {
  const list = variants(sinkUrl);
  const samples = new Map<string, number[]>(list.map((variant) => [variant.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < list.length; i++) {
      const variant = list[(i + round) % list.length]!;
      samples.get(variant.name)!.push(await measure(variant));
    }
  }
  const pino = samples.get(list[0]!.name)!;
  return list.map((variant) => {
    const runs = samples.get(variant.name)!;
    return { name: variant.name, linesPerSecond: median(runs), toPino: median(runs.map((perSecond, round) => perSecond / pino[round]!)) };
  });
}
