/**
 * The load generator, run as its own process so that it never shares the app's core:
 * autocannon against the URL each message names, for as long as it says. One process serves
 * a whole round, which moves from app to app in short slices (requests.ts); the bench reads
 * the app's CPU time before and after each slice.
 *
 *   parent → { url, seconds, connections }   child → { requests, requestsPerSecond, p99Ms, failed }
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { peersRoot } from './peers.js';

export interface LoadRequest {
  url: string;
  seconds: number;
  connections: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p99Ms: number;
  failed: number;
}

interface AutocannonResult {
  requests: { total: number };
  /** Seconds the run took: autocannon stops at its next whole-second tick. */
  duration: number;
  latency: { p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (options: { url: string; duration: number; connections: number }) => Promise<AutocannonResult>;

const autocannon = createRequire(join(peersRoot, 'package.json'))('autocannon') as Autocannon;

process.on('message', async ({ url, seconds, connections }: LoadRequest) => {
  const result = await autocannon({ url, duration: seconds, connections });
  // Over the time the run took: autocannon's own average is of whole-second samples.
  const answer: LoadResult = { requests: result.requests.total, requestsPerSecond: result.requests.total / result.duration, p99Ms: result.latency.p99, failed: result.errors + result.non2xx };
  process.send!(answer);
});
process.send!({ ready: true });
process.on('disconnect', () => process.exit(0));
