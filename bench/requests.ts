/**
 * Request overhead side by side: each bench app (bench/apps) runs bare, under the upstream
 * register, Elastic's distribution, dd-trace and Beacon, at sampler ratios 0.1 and 1.0 with
 * traces only (every agent exports OTLP to the same discarding sink: like for like), and
 * Beacon once more with all its signals on (Prometheus endpoint scraped every second, the
 * HTTP collector, one correlated log line per request to stdout); bare once more with that log
 * line, for what the line costs without any agent. Every start also gives the start-up time
 * to listening and the RSS at listening. Load comes from a second process (load.ts). All of an
 * app's variants run at once, warmed up, and the load moves between them in short slices
 * (measureApp), so that machine noise hits all alike; the report takes medians.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, registerPath, repoRoot } from '../test/helpers/app.js';
import { freePort } from '../test/helpers/net.js';
import { firstMessage, killChild } from './child.js';
import type { LoadRequest, LoadResult } from './load.js';
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

/** What one start of a variant gives: the time to listening and the RSS then. */
export interface StartSample {
  startupMs: number;
  rssMiB: number;
}

/** One slice of load on a variant. */
export interface SliceSample {
  /** The app process's CPU time (user + system) per request served: what machine noise moves least. */
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
  p99Ms: number;
}

/** A variant's round: its start, then its slices (slice k of every variant ran in the same pass). */
export interface RoundSamples {
  start: StartSample;
  slices: SliceSample[];
}

/**
 * Warming up until this many requests were served (the ~1 ms route's agents reached their steady
 * cost between ~3,600 and ~7,200: docs/performance.md), or for 12 s at most (warmUp).
 */
export const WARM_UP = { requests: 6000, maxSeconds: 12 };

export interface LoadOptions {
  /** Each variant's warm-up: until it has served this many requests, or for warmupSeconds at most. */
  warmupRequests: number;
  warmupSeconds: number;
  /** Measured seconds per variant and round, in `slices` slices. */
  seconds: number;
  slices: number;
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
  const list: RequestVariant[] = [
    { name: 'bare', args: [], env: {} },
    // No agent: what the app's own log line costs by itself, the reference for "all signals".
    { name: "bare, with the app's log line", args: [], env: { BENCH_LOG_LINES: '1' } },
  ];
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

/** The load generator (load.ts), one process for a round. */
export async function startLoader(): Promise<{ load: (request: LoadRequest) => Promise<LoadResult>; stop: () => Promise<void> }> {
  const loader = spawn(process.execPath, [join(repoRoot, 'dist', 'bench', 'load.js')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await firstMessage(loader, 'the load generator (start)', 30_000);
  return {
    load: async (request) => {
      loader.send(request);
      return firstMessage<LoadResult>(loader, 'the load generator', (request.seconds + 30) * 1000);
    },
    stop: () => killChild(loader),
  };
}

/**
 * Scrapes the metrics endpoint every second, as Prometheus would, until stopped: the first at
 * once, so that a 1 s slice holds one scrape (a timer alone would fire as the slice ends).
 */
function scrapeEverySecond(port: number): () => number {
  let failures = 0;
  const scrape = () => {
    fetch(`http://127.0.0.1:${port}/metrics`)
      .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(String(response.status)))))
      .catch(() => failures++);
  };
  scrape();
  const timer = setInterval(scrape, 1000);
  return () => {
    clearInterval(timer);
    return failures;
  };
}

interface RunningApp {
  variant: RequestVariant;
  child: ChildProcess;
  url: string;
  metricsPort?: number;
  stderr: () => string;
  start: StartSample;
}

async function startApp(app: BenchApp, variant: RequestVariant): Promise<RunningApp> {
  const metricsPort = variant.allSignals ? await freePort() : undefined;
  const env = cleanEnv({ ...variant.env, ...(metricsPort ? { OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) } : {}) });
  const started = performance.now();
  const child = spawn(process.execPath, [...variant.args, join(repoRoot, 'bench', 'apps', app.file)], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-4000)));
  const running = { variant, child, metricsPort, stderr: () => stderr };
  try {
    const listening = await firstMessage<{ port: number; rssBytes: number }>(child, `${app.file} under ${variant.name}`, 30_000);
    return { ...running, url: `http://127.0.0.1:${listening.port}${app.path}`, start: { startupMs: performance.now() - started, rssMiB: listening.rssBytes / 2 ** 20 } };
  } catch (error) {
    await killChild(child);
    throw failure(app, running, error);
  }
}

/** A fresh start of a variant, for its start-up to listening and RSS then; stopped at once. */
async function measureStart(app: BenchApp, variant: RequestVariant): Promise<StartSample> {
  const running = await startApp(app, variant);
  await killChild(running.child);
  return running.start;
}

function failure(app: BenchApp, running: Pick<RunningApp, 'variant' | 'stderr'>, error: unknown): Error {
  return new Error(`${app.name} under ${running.variant.name}: ${(error as Error).message}\n${running.stderr()}`);
}

type Loader = Awaited<ReturnType<typeof startLoader>>;

/**
 * Load until the app has served `warmupRequests`, or for `warmupSeconds` at most, in 1 s steps
 * (the metrics endpoint, if any, scraped meanwhile). Counted in requests, not seconds: V8
 * optimises a function called once a request only after some thousands of calls, so a fixed
 * 2 s left the per-request code of a ~1 ms route (~500 requests a second) in V8's lower tiers
 * while a hello world's (~10,000 a second) was long optimised: the bench measured agents
 * warming up on one app and warm on the others.
 */
export async function warmUp(loader: Loader, url: string, load: Pick<LoadOptions, 'warmupRequests' | 'warmupSeconds' | 'connections'>, metricsPort?: number): Promise<void> {
  const stopScraping = metricsPort ? scrapeEverySecond(metricsPort) : () => 0;
  let served = 0;
  for (let second = 0; second < load.warmupSeconds && served < load.warmupRequests; second++) {
    const result = await loader.load({ url, seconds: 1, connections: load.connections });
    if (result.failed > 0) throw new Error(`${result.failed} failed requests while warming up`);
    served += result.requests;
  }
  const scrapeFailures = stopScraping();
  if (scrapeFailures > 0) throw new Error(`${scrapeFailures} failed scrapes while warming up`);
}

/** Load on one app for `seconds` (the all-signals variant is scraped meanwhile), with its CPU time. */
async function loadSlice(running: RunningApp, loader: Loader, seconds: number, connections: number): Promise<SliceSample> {
  const stopScraping = running.metricsPort ? scrapeEverySecond(running.metricsPort) : () => 0;
  const cpuBefore = await cpuMicros(running.child);
  const result = await loader.load({ url: running.url, seconds, connections });
  const cpuMicrosPerRequest = ((await cpuMicros(running.child)) - cpuBefore) / result.requests;
  const scrapeFailures = stopScraping();
  if (result.failed > 0 || scrapeFailures > 0) throw new Error(`${result.failed} failed requests, ${scrapeFailures} failed scrapes`);
  return { cpuMicrosPerRequest, requestsPerSecond: result.requestsPerSecond, p99Ms: result.p99Ms };
}

const rotated = <T>(list: readonly T[], by: number): T[] => list.map((_, i) => list[(i + by) % list.length]!);

/**
 * Every round of one app. Each variant runs in one process for all the app's rounds: started,
 * warmed up (warmUp) and kept running, so that what is measured is the agents' per-request
 * cost and not their warming up. Each round then starts every variant once more, on its own,
 * for start-up to listening and RSS (one after the other, in a rotated order), and moves the
 * load from variant to variant in slices, each pass in a rotated order and every other pass
 * reversed. A slice's ratio to bare is taken against bare's slice of the same pass, seconds
 * apart: these machines change speed by up to 2× from one minute to the next, and a ratio
 * between runs half a minute apart carried that swing. A variant not under load is idle (its
 * agent's timers aside). Returns each variant's rounds, in the order of `variants`.
 */
export async function measureApp(app: BenchApp, variants: readonly RequestVariant[], load: LoadOptions, rounds: number, onRound: (round: number) => void): Promise<RoundSamples[][]> {
  const loader = await startLoader();
  const running: RunningApp[] = [];
  try {
    const guarded = async <T>(target: Pick<RunningApp, 'variant' | 'stderr'>, step: () => Promise<T>): Promise<T> => {
      try {
        return await step();
      } catch (error) {
        throw failure(app, target, error);
      }
    };
    for (const variant of variants) running.push(await startApp(app, variant));
    for (const target of running) await guarded(target, () => warmUp(loader, target.url, load, target.metricsPort));
    const samples = variants.map(() => [] as RoundSamples[]);
    for (let round = 0; round < rounds; round++) {
      const starts = new Map<RequestVariant, StartSample>();
      for (const variant of rotated(variants, round % variants.length)) starts.set(variant, await measureStart(app, variant));
      const slices = new Map<RunningApp, SliceSample[]>(running.map((target) => [target, []]));
      for (let pass = 0; pass < load.slices; pass++) {
        const order = rotated(running, (pass + round) % running.length);
        if (pass % 2 === 1) order.reverse();
        for (const target of order) slices.get(target)!.push(await guarded(target, () => loadSlice(target, loader, load.seconds / load.slices, load.connections)));
      }
      running.forEach((target, i) => samples[i]!.push({ start: starts.get(target.variant)!, slices: slices.get(target)! }));
      onRound(round);
    }
    return samples;
  } finally {
    await Promise.all(running.map((target) => killChild(target.child)));
    await loader.stop();
  }
}
