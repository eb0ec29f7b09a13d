/**
 * `npm run bench`: Beacon side by side with a bare app and its peers (the upstream register,
 * Elastic's distribution, dd-trace), in one run, as medians and as ratios to bare:
 * requests (requests.ts: throughput, p99, start-up, RSS), the metrics hot path, the
 * Prometheus scrape, log lines and span redaction. Prints the report and writes it to
 * bench/RESULTS.md with the machine, the versions and the date. Everything binds to
 * 127.0.0.1; every loop is bounded.
 *
 *   npm run bench -- --rounds 5 --seconds 2 --warmup 2 --connections 10
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../test/helpers/app.js';
import { benchLogging } from './logging.js';
import { benchMetricsHotPath } from './metrics-hot-path.js';
import { installPeers } from './peers.js';
import { reportMarkdown } from './report.js';
import { type AgentName, BENCH_APPS, type BenchApp, type RequestSample, type RequestVariant, measureRequests, requestVariants } from './requests.js';
import { benchScrape } from './scrape.js';
import { startSink } from './sink.js';
import { benchSpanPrivacy } from './span-privacy.js';
import { median } from './stats.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
    // 2 s: after 1 s the agents' code is not yet optimised (their CPU per request fell by a
    // third between 1 and 3 s of warm-up), and that start-up cost is not what the bench measures.
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
  },
});
const rounds = Math.min(50, Number(values.rounds));
const load = { seconds: Math.min(60, Number(values.seconds)), warmupSeconds: Math.min(30, Number(values.warmup)), connections: Math.min(256, Number(values.connections)) };

async function main(): Promise<void> {
  installPeers();
  const started = Date.now();
  const sink = await startSink();
  const variants = requestVariants(sink.url);
  const samples = new Map<string, RequestSample[]>();
  const keyOf = (app: BenchApp, variant: RequestVariant) => `${app.file} ${variant.name}`;
  const runsOf = (app: BenchApp, variant: RequestVariant) => samples.get(keyOf(app, variant)) ?? [];
  const pairs = BENCH_APPS.length * variants.length;
  console.log(`bench: ${rounds} rounds × ${pairs} (app, variant) pairs, ${load.warmupSeconds} s warm-up + ${load.seconds} s of load at ${load.connections} connections each`);
  for (let round = 0; round < rounds; round++) {
    // One app at a time, so that an app's variants run close together (these machines change
    // speed from one minute to the next, and each round's ratios are taken within the round);
    // the order of apps and of variants rotates each round so that none always runs first.
    for (let a = 0; a < BENCH_APPS.length; a++) {
      const app = BENCH_APPS[(a + round) % BENCH_APPS.length]!;
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + round * 3) % variants.length]!;
        samples.set(keyOf(app, variant), [...runsOf(app, variant), await measureRequests(app, variant, load)]);
      }
    }
    console.log(`  round ${round + 1}/${rounds} done (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  const requests = BENCH_APPS.map((app) => {
    const bare = runsOf(app, variants[0]!);
    // The start does not depend on the sampler: each round's Beacon and upstream runs at 0.1 and
    // at 1 give one ratio each, so the budget's figure is a median of 2 × rounds paired ratios.
    const tracesOnly = (agent: AgentName, ratio: number) => runsOf(app, variants.find((variant) => variant.agent === agent && variant.ratio === ratio && !variant.allSignals)!);
    const startupOverhead = median(
      [0.1, 1].flatMap((ratio) => {
        const upstream = tracesOnly('upstream register', ratio);
        return tracesOnly('Beacon', ratio).map((sample, round) => (sample.startupMs - bare[round]!.startupMs) / (upstream[round]!.startupMs - bare[round]!.startupMs));
      }),
    );
    return {
      app,
      startupOverhead,
      rows: variants.map((variant) => {
        const runs = runsOf(app, variant);
        const of = (pick: (sample: RequestSample) => number) => median(runs.map(pick));
        const toBare = (pick: (sample: RequestSample) => number) => median(runs.map((sample, round) => pick(sample) / pick(bare[round]!)));
        return {
          variant,
          startupMs: of((s) => s.startupMs),
          rssMiB: of((s) => s.rssMiB),
          cpuMicrosPerRequest: of((s) => s.cpuMicrosPerRequest),
          cpuToBare: toBare((s) => s.cpuMicrosPerRequest),
          requestsPerSecond: of((s) => s.requestsPerSecond),
          requestsToBare: toBare((s) => s.requestsPerSecond),
          p99Ms: of((s) => s.p99Ms),
        };
      }),
    };
  });
  console.log('  metrics hot path…');
  const metrics = await benchMetricsHotPath(rounds);
  console.log('  scrape…');
  const scrape = await benchScrape(rounds);
  console.log('  logging…');
  const logging = await benchLogging(sink.url, rounds);
  sink.close();
  const privacy = await benchSpanPrivacy(rounds);

  const markdown = reportMarkdown({ rounds, load, seconds: Math.round((Date.now() - started) / 1000), requests, metrics, scrape, logging, privacy });
  console.log(`\n${markdown}`);
  writeFileSync(join(repoRoot, 'bench', 'RESULTS.md'), markdown);
  console.log('written to bench/RESULTS.md');
}

await main();
