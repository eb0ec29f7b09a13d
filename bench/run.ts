/**
 * `npm run bench`: Beacon side by side with a bare app and its peers (the upstream register,
 * Elastic's distribution, dd-trace), in one run, as medians and as ratios to bare:
 * requests (requests.ts: throughput, p99, start-up, RSS), the metrics hot path, the
 * Prometheus scrape, log lines and span redaction. Prints the report and writes it to
 * bench/RESULTS.md with the machine, the versions and the date. Everything binds to
 * 127.0.0.1; every loop is bounded.
 *
 *   npm run bench -- --rounds 5 --seconds 2 --slices 2 --warmup-requests 6000 --warmup 12 --connections 10
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../test/helpers/app.js';
import { benchLogging } from './logging.js';
import { benchMetricsHotPath } from './metrics-hot-path.js';
import { installPeers } from './peers.js';
import { reportMarkdown } from './report.js';
import { type AgentName, BENCH_APPS, type BenchApp, type RoundSamples, type RequestVariant, type SliceSample, type StartSample, WARM_UP, measureApp, requestVariants } from './requests.js';
import { benchScrape } from './scrape.js';
import { startSink } from './sink.js';
import { benchSpanPrivacy } from './span-privacy.js';
import { median } from './stats.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    // Measured seconds per variant and round, cut into slices that alternate between variants
    // (of 1 s at least: autocannon stops at whole-second ticks).
    seconds: { type: 'string', default: '2' },
    slices: { type: 'string', default: '2' },
    // Each variant is warmed up until it has served this many requests, or for `warmup` seconds
    // at most: warming up is not what the bench measures (requests.ts, warmUp).
    'warmup-requests': { type: 'string', default: String(WARM_UP.requests) },
    warmup: { type: 'string', default: String(WARM_UP.maxSeconds) },
    connections: { type: 'string', default: '10' },
  },
});
const rounds = Math.min(50, Number(values.rounds));
const load = { seconds: Math.min(60, Number(values.seconds)), slices: Math.max(1, Math.min(Math.floor(Number(values.seconds)), Number(values.slices))), warmupRequests: Math.min(100_000, Number(values['warmup-requests'])), warmupSeconds: Math.min(30, Number(values.warmup)), connections: Math.min(256, Number(values.connections)) };

async function main(): Promise<void> {
  installPeers();
  const started = Date.now();
  const sink = await startSink();
  const variants = requestVariants(sink.url);
  const samples = new Map<string, RoundSamples[]>();
  const keyOf = (app: BenchApp, variant: RequestVariant) => `${app.file} ${variant.name}`;
  const runsOf = (app: BenchApp, variant: RequestVariant) => samples.get(keyOf(app, variant)) ?? [];
  console.log(`bench: ${BENCH_APPS.length} apps × ${variants.length} variants × ${rounds} rounds, warm-up to ${load.warmupRequests} requests (${load.warmupSeconds} s at most), then ${load.seconds} s of load a round in ${load.slices} slices at ${load.connections} connections each`);
  for (const app of BENCH_APPS) {
    // One app at a time, its variants side by side (measureApp).
    const measured = await measureApp(app, variants, load, rounds, (round) => console.log(`  ${app.name}: round ${round + 1}/${rounds} done (${Math.round((Date.now() - started) / 1000)} s)`));
    variants.forEach((variant, i) => samples.set(keyOf(app, variant), measured[i]!));
  }
  const requests = BENCH_APPS.map((app) => {
    const bare = runsOf(app, variants[0]!);
    // The start does not depend on the sampler: each round's Beacon and upstream runs at 0.1 and
    // at 1 give one ratio each, so the budget's figure is a median of 2 × rounds paired ratios.
    const tracesOnly = (agent: AgentName, ratio: number) => runsOf(app, variants.find((variant) => variant.agent === agent && variant.ratio === ratio && !variant.allSignals)!);
    const overheadOf = (runs: RoundSamples[], round: number) => runs[round]!.start.startupMs - bare[round]!.start.startupMs;
    const startupOverhead = median(
      [0.1, 1].flatMap((ratio) => {
        const upstream = tracesOnly('upstream register', ratio);
        return tracesOnly('Beacon', ratio).map((_, round, beacon) => overheadOf(beacon, round) / overheadOf(upstream, round));
      }),
    );
    const bareSlices = bare.flatMap((run) => run.slices);
    return {
      app,
      startupOverhead,
      rows: variants.map((variant) => {
        const runs = runsOf(app, variant);
        const slices = runs.flatMap((run) => run.slices);
        const ofStarts = (pick: (start: StartSample) => number) => median(runs.map((run) => pick(run.start)));
        const of = (pick: (slice: SliceSample) => number) => median(slices.map(pick));
        // Slice k of a round ran in the same pass as bare's slice k: the pairs are index for index.
        const toBare = (pick: (slice: SliceSample) => number) => median(slices.map((slice, k) => pick(slice) / pick(bareSlices[k]!)));
        return {
          variant,
          startupMs: ofStarts((start) => start.startupMs),
          rssMiB: ofStarts((start) => start.rssMiB),
          cpuMicrosPerRequest: of((slice) => slice.cpuMicrosPerRequest),
          cpuToBare: toBare((slice) => slice.cpuMicrosPerRequest),
          requestsPerSecond: of((slice) => slice.requestsPerSecond),
          requestsToBare: toBare((slice) => slice.requestsPerSecond),
          p99Ms: of((slice) => slice.p99Ms),
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
