/**
 * Request overhead side by side: each bench app (bench/apps) runs bare, under the upstream
 * register, Elastic's distribution, dd-trace and Beacon, at sampler ratios 0.1 and 1.0 with
 * traces only (every agent exports OTLP to the same discarding sink: like for like), and
 * Beacon once more with all its signals on (Prometheus endpoint scraped every second, the
 * HTTP collector, one correlated log line per request to stdout). Every spawn also gives the
 * start-up time to listening and the RSS at listening. Load comes from a second process
 * (load.ts). Rounds interleave every (app, variant) pair, rotating the order, so that machine
 * noise hits all alike; the report takes medians.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, registerPath, repoRoot } from '../test/helpers/app.js';
import { freePort } from '../test/helpers/net.js';
import { firstMessage, killChild } from './child.js';
import { peerPath } from './peers.js';

export interface BenchApp {
  name: string;
  file: string;
  path: string;
}

export const BENCH_APPS: BenchApp[] = [
  { name: 'node:http hello world', file: 'hello-http.cjs', path: '/' },
  { name: 'express, route parameter', file: 'express-param.cjs', path: '/users/42' },
  { name: 'express, ~1 ms of work', file: 'express-work.cjs', path: '/orders/42' },
];

export const AGENTS = ['upstream register', 'Elastic EDOT', 'dd-trace', 'Beacon'] as const;
export type AgentName = (typeof AGENTS)[number];

export interface RequestVariant {
  name: string;
  agent?: AgentName;
  ratio?: number;
  allSignals?: boolean;
  args: string[];
  env: Record<string, string>;
}

export interface RequestSample {
  startupMs: number;
  rssMiB: number;
  /** The app process's CPU time (user + system) per request served: what machine noise moves least. */
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
  p99Ms: number;
}

export interface LoadOptions {
  warmupSeconds: number;
  seconds: number;
  connections: number;
}

function agentArgs(agent: AgentName): { args: string[]; env: Record<string, string> } {
  switch (agent) {
    case 'upstream register':
      // NODE_NO_WARNINGS: its cloud detectors' MetadataLookupWarning would clutter the output.
      return { args: ['--import', '@opentelemetry/auto-instrumentations-node/register'], env: { NODE_NO_WARNINGS: '1' } };
    case 'Elastic EDOT':
      return { args: ['--import', pathToFileURL(peerPath('@elastic/opentelemetry-node/import.mjs')).href], env: { NODE_NO_WARNINGS: '1' } };
    case 'dd-trace':
      // OTLP out (not the Datadog agent protocol), no runtime metrics, telemetry or remote
      // config, and no cap on sampled traces per second (its default caps at 100/s when a
      // sample rate is set), so that it does the same work as the others.
      return {
        args: ['--require', peerPath('dd-trace/init.js')],
        env: {
          OTEL_TRACES_EXPORTER: 'otlp',
          DD_TRACE_RATE_LIMIT: '1000000',
          DD_RUNTIME_METRICS_ENABLED: 'false',
          DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
          DD_REMOTE_CONFIGURATION_ENABLED: 'false',
          DD_TRACE_STARTUP_LOGS: 'false',
        },
      };
    case 'Beacon':
      return { args: ['--import', registerPath], env: {} };
  }
}

export function requestVariants(sinkUrl: string): RequestVariant[] {
  const sampled = (ratio: number) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    OTEL_SERVICE_NAME: 'bench',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(ratio),
    OTEL_LOG_LEVEL: 'error',
  });
  const tracesOnly = { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  const list: RequestVariant[] = [{ name: 'bare', args: [], env: {} }];
  for (const ratio of [0.1, 1]) {
    for (const agent of AGENTS) {
      const { args, env } = agentArgs(agent);
      list.push({ name: `${agent}, traces ${ratio}`, agent, ratio, args, env: { ...sampled(ratio), ...tracesOnly, ...env } });
    }
  }
  const beacon = agentArgs('Beacon');
  list.push({ name: 'Beacon, all signals, traces 0.1', agent: 'Beacon', ratio: 0.1, allSignals: true, args: beacon.args, env: { ...sampled(0.1), BENCH_LOG_LINES: '1' } });
  return list;
}

/** The app's CPU time so far, user and system, in µs (bench/apps/common.cjs answers). */
export async function cpuUsageOf(app: ChildProcess): Promise<NodeJS.CpuUsage> {
  app.send('cpu-usage');
  return (await firstMessage<{ cpuUsage: NodeJS.CpuUsage }>(app, 'the app (CPU time)', 10_000)).cpuUsage;
}

async function cpuMicros(app: ChildProcess): Promise<number> {
  const { user, system } = await cpuUsageOf(app);
  return user + system;
}

/** Scrapes the metrics endpoint every second, as Prometheus would, until stopped. */
function scrapeEverySecond(port: number): () => number {
  let failures = 0;
  const timer = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/metrics`)
      .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(String(response.status)))))
      .catch(() => failures++);
  }, 1000);
  return () => {
    clearInterval(timer);
    return failures;
  };
}

export async function measureRequests(app: BenchApp, variant: RequestVariant, load: LoadOptions): Promise<RequestSample> {
  const metricsPort = variant.allSignals ? await freePort() : undefined;
  const env = cleanEnv({ ...variant.env, ...(metricsPort ? { OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) } : {}) });
  const started = performance.now();
  const child = spawn(process.execPath, [...variant.args, join(repoRoot, 'bench', 'apps', app.file)], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-4000)));
  try {
    const listening = await firstMessage<{ port: number; rssBytes: number }>(child, `${app.file} under ${variant.name}`, 30_000);
    const startupMs = performance.now() - started;
    const stopScraping = metricsPort ? scrapeEverySecond(metricsPort) : () => 0;
    const loader = spawn(
      process.execPath,
      [join(repoRoot, 'dist', 'bench', 'load.js'), `http://127.0.0.1:${listening.port}${app.path}`, String(load.warmupSeconds), String(load.seconds), String(load.connections)],
      { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    const loaderExited = once(loader, 'exit'); // from the start: it may end before the app's CPU time is read
    await firstMessage(loader, 'the load generator (warm-up)', (load.warmupSeconds + 30) * 1000);
    const cpuBefore = await cpuMicros(child);
    loader.send('go');
    const result = await firstMessage<{ requests: number; requestsPerSecond: number; p99Ms: number; failed: number }>(loader, 'the load generator', (load.seconds + 30) * 1000);
    const cpuMicrosPerRequest = ((await cpuMicros(child)) - cpuBefore) / result.requests;
    const scrapeFailures = stopScraping();
    await loaderExited;
    if (result.failed > 0 || scrapeFailures > 0) throw new Error(`${result.failed} failed requests, ${scrapeFailures} failed scrapes`);
    return { startupMs, rssMiB: listening.rssBytes / 2 ** 20, cpuMicrosPerRequest, requestsPerSecond: result.requestsPerSecond, p99Ms: result.p99Ms };
  } catch (error) {
    throw new Error(`${app.name} under ${variant.name}: ${(error as Error).message}\n${stderr}`);
  } finally {
    await killChild(child);
  }
}
