/**
 * The bench's report, in Markdown: the machine and versions, one table per app (absolute
 * medians and ratios to bare), the budgets Beacon is held to with the figures of this run,
 * then the metrics, scrape, logging and redaction tables.
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEACON_VERSION } from '../src/version.js';
import { repoRoot } from '../test/helpers/app.js';
import { peerVersion } from './peers.js';
import { LOG_PASS, type LoggingRow } from './logging.js';
import type { AgentName, BenchApp, LoadOptions, RequestVariant } from './requests.js';
import type { ScrapeRow } from './scrape.js';

interface RequestRow {
  variant: RequestVariant;
  startupMs: number;
  rssMiB: number;
  cpuMicrosPerRequest: number;
  /** Median over all slices of the ratio to bare's slice in the same pass. */
  cpuToBare: number;
  requestsPerSecond: number;
  requestsToBare: number;
  p99Ms: number;
}

export interface Report {
  rounds: number;
  load: LoadOptions;
  seconds: number;
  /** startupOverhead: Beacon's start-up time over bare's as a share of the upstream register's, per round, pooled over both samplers. */
  requests: { app: BenchApp; rows: RequestRow[]; startupOverhead: number }[];
  metrics: { name: string; opsPerSecond: number }[];
  scrape: ScrapeRow[];
  logging: LoggingRow[];
  privacy: { shape: string; nsPerSpan: number }[];
}

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const times = (value: number) => `${value.toFixed(2)}×`;
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
const localVersion = (name: string) => (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

function requestTable({ rows }: Report['requests'][number]): string {
  return table(
    ['variant', 'start-up to listening', 'RSS at listening', 'req/s (× bare)', 'p99', 'CPU per request (× bare)'],
    rows.map((row) => [
      row.variant.name,
      `${fixed(row.startupMs)} ms`,
      `${fixed(row.rssMiB)} MiB`,
      `${fixed(row.requestsPerSecond)} (${times(row.requestsToBare)})`,
      `${fixed(row.p99Ms, 2)} ms`,
      `${fixed(row.cpuMicrosPerRequest)} µs (${times(row.cpuToBare)})`,
    ]),
  );
}

/** The budgets of the request path, each with this run's figures and whether they meet it. */
function budgets(report: Report): string {
  const lines: string[] = [];
  const check = (met: boolean, text: string) => lines.push(`- ${met ? 'met' : '**not met**'}: ${text}`);
  for (const { app, rows, startupOverhead } of report.requests) {
    const ratio = (row: RequestRow) => row.requestsToBare;
    const at = (agent: AgentName, allSignals = false) => rows.find((row) => row.variant.agent === agent && row.variant.ratio === 0.1 && !!row.variant.allSignals === allSignals)!;
    const peers = rows.filter((row) => row.variant.ratio === 0.1 && row.variant.agent && row.variant.agent !== 'Beacon');
    const bestPeer = peers.reduce((best, row) => (ratio(row) > ratio(best) ? row : best));
    const bestP99 = Math.min(...peers.map((row) => row.p99Ms));
    const beacon = at('Beacon');
    const all = at('Beacon', true);
    // Not a budget: what the app's own log line, part of "all signals", costs with no agent at all.
    const logLineAlone = `bare with the app's log line alone ${times(ratio(rows.find((row) => !row.variant.agent && row.variant.env.BENCH_LOG_LINES)!))}`;
    if (app.file !== 'express-work.cjs') {
      check(ratio(beacon) >= 1.25 * ratio(bestPeer), `${app.name}, traces 0.1: Beacon ${times(ratio(beacon))} bare ≥ 1.25 × the best peer's (${bestPeer.variant.agent}, ${times(ratio(bestPeer))}) = ${times(1.25 * ratio(bestPeer))}`);
      check(beacon.p99Ms <= bestP99, `${app.name}, traces 0.1: Beacon's p99 ${fixed(beacon.p99Ms, 2)} ms ≤ the best peer's ${fixed(bestP99, 2)} ms`);
    }
    check(ratio(all) >= ratio(bestPeer), `${app.name}, all of Beacon's signals: ${times(ratio(all))} bare ≥ the best peer's traces-only ${times(ratio(bestPeer))} (${logLineAlone})`);
    if (app.file === 'express-work.cjs') check(ratio(all) >= 0.9, `${app.name}, all of Beacon's signals: ${times(ratio(all))} bare ≥ 0.90× (${logLineAlone})`);
    if (app.file !== 'express-work.cjs') {
      const upstream = at('upstream register');
      check(
        startupOverhead <= 0.6,
        `${app.name}: Beacon's start-up overhead ${times(startupOverhead)} the upstream register's ≤ 0.60× (median of ${2 * report.rounds} paired ratios: each round, traces 0.1 and 1)`,
      );
      check(beacon.rssMiB <= upstream.rssMiB, `${app.name}: Beacon's RSS at listening ${fixed(beacon.rssMiB)} MiB ≤ the upstream register's ${fixed(upstream.rssMiB)} MiB`);
    }
  }
  const ops = (name: string) => report.metrics.find((row) => row.name === name)!.opsPerSecond;
  for (const kind of ['counter', 'histogram']) {
    check(ops(`${kind}, Beacon API`) >= ops(`${kind}, raw OTel API`), `${kind}: Beacon's API ${fixed(ops(`${kind}, Beacon API`))} ops/s ≥ raw OTel's ${fixed(ops(`${kind}, raw OTel API`))}`);
  }
  for (const kind of ['counter', 'histogram']) {
    const beacon = ops(`${kind}, Beacon pre-bound`);
    const prom = ops(`${kind}, prom-client pre-bound`);
    check(beacon >= prom, `${kind}: Beacon's pre-bound series ${fixed(beacon)} ops/s ≥ prom-client's pre-bound series ${fixed(prom)}`);
  }
  const histograms = report.scrape.find((row) => row.kind === 'histogram' && row.series === 10_000)!;
  check(histograms.ms.Beacon <= histograms.ms['prom-client'], `scrape of 10k histogram series: Beacon ${fixed(histograms.ms.Beacon, 1)} ms ≤ prom-client's ${fixed(histograms.ms['prom-client'], 1)} ms`);
  check(histograms.bytes.Beacon <= 1.1 * histograms.bytes['prom-client'], `scrape of 10k histogram series: Beacon ${fixed(histograms.bytes.Beacon)} bytes ≤ prom-client's + 10 % (${fixed(1.1 * histograms.bytes['prom-client'])})`);
  const [, , consoleOnly, withOtlp] = report.logging;
  check(consoleOnly!.toPino >= 0.9, `correlated log lines: ${times(consoleOnly!.toPino)} plain pino ≥ 0.90×`);
  check(withOtlp!.toPino >= 0.8, `correlated log lines with the OTLP output: ${times(withOtlp!.toPino)} plain pino ≥ 0.80×`);
  return lines.join('\n');
}

export function reportMarkdown(report: Report): string {
  const cpu = cpus();
  const sections = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${report.seconds} s): ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${fixed(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}.`,
    `Versions: beacon-otel ${BEACON_VERSION}, upstream register (@opentelemetry/auto-instrumentations-node) ${localVersion('@opentelemetry/auto-instrumentations-node')}, Elastic EDOT Node.js ${peerVersion('@elastic/opentelemetry-node')}, dd-trace ${peerVersion('dd-trace')}, prom-client ${localVersion('prom-client')}, load by autocannon ${peerVersion('autocannon')}.`,
    '',
    `Medians of ${report.rounds} rounds. One app after the other, every variant of the app runs in one process for all of the app's rounds: started, warmed up until it has served ${fixed(report.load.warmupRequests)} requests (or for ${report.load.warmupSeconds} s at most; V8 optimises code run once a request only after some thousands of requests, so a fixed warm-up would leave a slow route's agents half warm while a fast route's are warm) and kept running. In each round, every variant is started once more on its own, for start-up to listening and RSS then; then the load moves from variant to variant in ${report.load.slices} passes of ${fixed(report.load.seconds / report.load.slices, 1)} s slices (each pass in a rotated order, every other one reversed), so each variant is measured ${report.load.seconds} s a round, ${report.load.connections} connections from a second process. A ratio to bare is the median over all slices of the slice's figure over bare's in the same pass, seconds apart: these machines change speed by up to 2× from one minute to the next, and ratios between runs half a minute apart carried that swing. Every agent exports OTLP to one local sink that discards; "traces" runs have metrics and log sending off in every agent; "all signals" is Beacon with its Prometheus endpoint scraped every second, the HTTP collector, and one correlated log line per request to stdout; "bare, with the app's log line" is the bare app writing that line (the app's own pino, to stdout), for what it costs with no agent. CPU per request is the app process's user + system time over a slice divided by the requests it served. Start-up, RSS, req/s, p99 and CPU columns are medians of the absolute figures (req/s, p99 and CPU over all slices).`,
    '',
    '## Budgets',
    '',
    budgets(report),
  ];
  for (const entry of report.requests) sections.push('', `## Requests: ${entry.app.name} (\`GET ${entry.app.path}\`)`, '', requestTable(entry));
  const ops = (name: string) => report.metrics.find((row) => row.name === name)!.opsPerSecond;
  sections.push(
    '',
    '## Metrics hot path (one call, 3 labels; ops/s on the app thread, under the register entry)',
    '',
    table(['case', 'ops/s', '× raw OTel'], report.metrics.map((row) => [row.name, fixed(row.opsPerSecond), times(row.opsPerSecond / ops(`${row.name.split(',')[0]}, raw OTel API`))])),
    '',
    '## Prometheus scrape (collect + serialize; ms per scrape, bytes)',
    '',
    table(
      ['series', 'Beacon', 'upstream exporter', 'prom-client'],
      report.scrape.map((row) => [
        `${fixed(row.series)} ${row.kind}`,
        `${fixed(row.ms.Beacon, 1)} ms, ${fixed(row.bytes.Beacon)} B`,
        `${fixed(row.ms['upstream exporter'], 1)} ms, ${fixed(row.bytes['upstream exporter'])} B`,
        `${fixed(row.ms['prom-client'], 1)} ms, ${fixed(row.bytes['prom-client'])} B`,
      ]),
    ),
    '',
    '## Log lines inside an active span (app-thread CPU time)',
    '',
    `${fixed(LOG_PASS.lines)} lines a pass in bursts of ${LOG_PASS.burst}, after ${LOG_PASS.warmUpPasses} warm-up passes, in one child process per variant and round; the app thread's CPU over the pass, the log calls and what the outputs leave for the event loop's turns between bursts (the console transport's hand-off, the OTLP output's batches and requests). Medians of ${report.rounds} rounds; a ratio is the median of each round's ratio to that round's plain pino.`,
    '',
    table(['logger', 'lines per CPU second', '× plain pino'], report.logging.map((row) => [row.name, fixed(row.linesPerSecond), times(row.toPino)])),
    '',
    '## Secret redaction in spans (PrivacyProcessor.onEnding, per span)',
    '',
    table(['span shape', 'ns'], report.privacy.map((row) => [row.shape, fixed(row.nsPerSpan)])),
    '',
    'Reproduce: `npm run bench` (peers are installed into bench/peers on the first run).',
    '',
  );
  return sections.join('\n');
}
