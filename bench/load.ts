/**
 * The load generator, run as its own process so that it never shares the app's core:
 * autocannon against one URL, a warm-up (JIT, connection set-up, the agents' lazy paths)
 * then the measured run. Says when the warm-up is over (the bench reads the app's CPU time
 * then and answers), and reports the requests served, per second, and the latency quantiles over IPC.
 *
 *   node dist/bench/load.js URL WARMUP_SECONDS SECONDS CONNECTIONS
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { peersRoot } from './peers.js';

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (options: { url: string; duration: number; connections: number }) => Promise<Result>;

const autocannon = createRequire(join(peersRoot, 'package.json'))('autocannon') as Autocannon;
const [url, warmup, seconds, connections] = process.argv.slice(2) as [string, string, string, string];

await autocannon({ url, duration: Number(warmup), connections: Number(connections) });
process.send!({ warmedUp: true });
await once(process, 'message'); // the bench has read the app's CPU time: go
const result = await autocannon({ url, duration: Number(seconds), connections: Number(connections) });
process.send!({ requests: result.requests.total, requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, failed: result.errors + result.non2xx });
