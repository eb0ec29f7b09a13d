/**
 * `npm run bench`: start-up time and request overhead of Beacon, side by side with a bare
 * app and with the upstream `@opentelemetry/auto-instrumentations-node/register`, in one
 * run, rounds interleaved so that machine noise hits every variant alike. Reports medians
 * and ratios to the bare app. Then two focused comparisons: the Prometheus scrape's
 * serialization (scrape.ts) and the app-thread cost of correlated log lines shipped to
 * stdout and OTLP (logging.ts). Everything binds to 127.0.0.1; every loop is bounded.
 *
 *   npm run bench -- --rounds 5 --requests 3000 --concurrency 16
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { cleanEnv, fixture, registerPath, repoRoot } from '../test/helpers/app.js';
import { firstMessage } from './child.js';
import { benchLogging } from './logging.js';
import { benchScrape } from './scrape.js';
import { benchSpanPrivacy } from './span-privacy.js';
import { median, quantile } from './stats.js';

const app = fixture('express-app.cjs');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const rounds = Math.min(50, Number(values.rounds));
const requests = Math.min(100_000, Number(values.requests));
const concurrency = Math.min(256, Number(values.concurrency));

interface Variant {
  name: string;
  importArgs: string[];
  env: Record<string, string>;
}

interface Sample {
  startupMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** A cheap OTLP sink: reads each export and answers 200, so exporters do their full work. */
async function startSink(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

function variants(sinkUrl: string): Variant[] {
  const common = { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_LOG_LEVEL: 'error' };
  return [
    { name: 'bare', importArgs: [], env: {} },
    {
      name: 'upstream auto-instrumentations-node/register',
      importArgs: ['--import', '@opentelemetry/auto-instrumentations-node/register'],
      // Upstream pushes metrics and logs by OTLP too; point everything at the sink.
      // NODE_NO_WARNINGS: its cloud detectors' MetadataLookupWarning would clutter the table.
      env: { ...common, OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'otlp', NODE_NO_WARNINGS: '1' },
    },
    {
      name: 'beacon-otel/register',
      importArgs: ['--import', registerPath],
      // Metrics on the Prometheus pull endpoint (default; cleanEnv puts it on an ephemeral loopback port).
      env: { ...common, BEACON_LOG_LEVEL: 'warn' },
    },
  ];
}


async function measure(variant: Variant): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, [...variant.importArgs, app], { cwd: repoRoot, env: cleanEnv(variant.env), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const message = await firstMessage<{ port: number }>(child, variant.name, 30_000);
  const startupMs = performance.now() - started;

  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const sent = performance.now();
      request({ host: '127.0.0.1', port: message.port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - sent));
      })
        .on('error', reject)
        .end();
    });
  for (let i = 0; i < 200; i++) await get(`/users/warmup${i}`);

  const latencies: number[] = [];
  let next = 0;
  const loadStarted = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) latencies.push(await get(`/users/${next++}`));
    }),
  );
  const seconds = (performance.now() - loadStarted) / 1000;
  agent.destroy();
  // Upstream's register keeps the process alive after SIGTERM (its listener replaces Node's
  // default exit), so the stop is bounded: SIGKILL after 5 s.
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
  latencies.sort((a, b) => a - b);
  return { startupMs, requestsPerSecond: requests / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

async function main(): Promise<void> {
  const sink = await startSink();
  const list = variants(sink.url);
  const samples = new Map<string, Sample[]>(list.map((variant) => [variant.name, []]));
  console.log(`bench: ${rounds} rounds × ${list.length} variants, ${requests} requests at concurrency ${concurrency} each, express app, every request traced`);
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order each round so no variant always runs first (or last).
    const order = list.map((_, i) => list[(i + round) % list.length]!);
    for (const variant of order) samples.get(variant.name)!.push(await measure(variant));
    process.stdout.write(`  round ${round}/${rounds} done\n`);
  }

  const summary = list.map((variant) => {
    const runs = samples.get(variant.name)!;
    return {
      name: variant.name,
      startupMs: median(runs.map((run) => run.startupMs)),
      requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
      p50Ms: median(runs.map((run) => run.p50Ms)),
      p99Ms: median(runs.map((run) => run.p99Ms)),
    };
  });
  const bare = summary[0]!;
  const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;
  console.log('\nmedians of the rounds (ratios to bare):');
  console.log('variant'.padEnd(46), 'startup ms'.padStart(16), 'req/s'.padStart(16), 'p50 ms'.padStart(14), 'p99 ms'.padStart(14));
  for (const row of summary) {
    console.log(
      row.name.padEnd(46),
      `${row.startupMs.toFixed(0)} (${ratio(row.startupMs, bare.startupMs)})`.padStart(16),
      `${row.requestsPerSecond.toFixed(0)} (${ratio(row.requestsPerSecond, bare.requestsPerSecond)})`.padStart(16),
      `${row.p50Ms.toFixed(2)} (${ratio(row.p50Ms, bare.p50Ms)})`.padStart(14),
      `${row.p99Ms.toFixed(2)} (${ratio(row.p99Ms, bare.p99Ms)})`.padStart(14),
    );
  }
  const upstream = summary[1]!;
  const beacon = summary[2]!;
  console.log(
    `\nbeacon vs upstream: start-up ${ratio(beacon.startupMs, upstream.startupMs)}, throughput ${ratio(beacon.requestsPerSecond, upstream.requestsPerSecond)}, p99 ${ratio(beacon.p99Ms, upstream.p99Ms)}`,
  );

  const scrape = await benchScrape(rounds);
  console.log(
    `\nPrometheus scrape, serialization only (${scrape.series} series, ${(scrape.bytes / 1024).toFixed(0)} KiB, medians of ${rounds} rounds):` +
      `\n  upstream PrometheusSerializer ${scrape.upstreamMs.toFixed(2)} ms, beacon ${scrape.beaconMs.toFixed(2)} ms (${ratio(scrape.beaconMs, scrape.upstreamMs)})`,
  );

  const logging = await benchLogging(sink.url, rounds);
  sink.close();
  const [barePino] = logging;
  console.log(`\nlog lines inside an active span, to stdout and OTLP, app-thread cost (medians of ${rounds} rounds, ratios to bare pino):`);
  for (const row of logging) console.log(`  ${row.name.padEnd(32)} ${Math.round(row.linesPerSecond).toLocaleString('en-US').padStart(9)} lines/s (${ratio(row.linesPerSecond, barePino!.linesPerSecond)})`);

  console.log(`\nsecret redaction in spans (PrivacyProcessor.onEnding), per span, medians of ${rounds} rounds:`);
  for (const row of await benchSpanPrivacy(rounds)) console.log(`  ${row.shape.padEnd(32)} ${row.nsPerSpan.toFixed(0).padStart(6)} ns`);
}

await main();
