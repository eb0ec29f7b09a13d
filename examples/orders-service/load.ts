/**
 * Traffic for the orders service: a bounded mix of every API endpoint, including requests that
 * fail on purpose (400 validation errors, 404 unknown ids) so that the error panels and
 * alerts have something to show.
 *
 *   npm run load -- --duration 30s --rate 50 [--target http://127.0.0.1:3000]   (or TARGET=…)
 *
 * --duration: 500ms, 30s, 5m (at most 1h); --rate: requests per second (at most 1000).
 * Requests are started on a fixed schedule (open model) with at most 64 in flight; a
 * summary by route and status is printed at the end. Exits 1 if no request succeeded.
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const MAX_DURATION_MS = 60 * 60 * 1000;
const MAX_RATE = 1000;
const MAX_IN_FLIGHT = 64;

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration: expected e.g. 500ms, 30s, 5m or 1h, got '${text}'`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(match[1]) * factor;
  if (!(ms > 0) || ms > MAX_DURATION_MS) throw new Error(`--duration: must be more than 0 and at most 1h, got '${text}'`);
  return ms;
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE) throw new Error(`--rate: expected a number of requests per second in (0, ${MAX_RATE}], got '${text}'`);
  return rate;
}

interface Call {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const regions = ['us-east', 'us-west', 'eu-west', 'ap-south'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** The mix: weights sum to 100. `users` is how many users exist so far (ids 1..users). */
function nextCall(users: number): Call {
  const userId = 1 + Math.floor(Math.random() * Math.max(users, 1));
  const roll = Math.random() * 100;
  if (users < 3 || roll < 10) {
    const n = Math.floor(Math.random() * 1e9);
    return { name: 'create user', method: 'POST', path: '/api/users', body: { username: `user${n}`, email: `user${n}@example.com` } };
  }
  if (roll < 35) {
    return {
      name: 'create order',
      method: 'POST',
      path: '/api/orders',
      body: { user_id: userId, product_type: pick(['digital', 'physical']), amount: Math.round(Math.random() * 20000) / 100 + 1, region: pick(regions) },
    };
  }
  if (roll < 45) return { name: 'list users', method: 'GET', path: '/api/users' };
  if (roll < 55) return { name: 'get user', method: 'GET', path: `/api/users/${userId}` };
  if (roll < 63) return { name: 'list orders', method: 'GET', path: '/api/orders' };
  if (roll < 80) return { name: 'orders of user', method: 'GET', path: `/api/orders/user/${userId}` };
  if (roll < 88) return { name: 'revenue', method: 'GET', path: '/api/orders/revenue' };
  if (roll < 92) return { name: 'invalid order (400)', method: 'POST', path: '/api/orders', body: { user_id: userId, product_type: 'gift', amount: -1 } };
  if (roll < 94) return { name: 'invalid user (400)', method: 'POST', path: '/api/users', body: { username: '', email: 'nobody' } };
  if (roll < 97) return { name: 'unknown user (404)', method: 'GET', path: `/api/users/${1_000_000 + userId}` };
  return { name: 'orders of unknown user (404)', method: 'GET', path: `/api/orders/user/${1_000_000 + userId}` };
}

interface LoadResult {
  sent: number;
  byStatus: Record<string, number>;
  byCall: Record<string, Record<string, number>>;
  skipped: number;
}

async function runLoad(target: string, durationMs: number, rate: number): Promise<LoadResult> {
  const base = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const result: LoadResult = { sent: 0, byStatus: {}, byCall: {}, skipped: 0 };
  let users = 0;
  const pending = new Set<Promise<void>>();

  const send = (call: Call): Promise<void> =>
    new Promise((resolve) => {
      const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
      const req = request(
        new URL(call.path, base),
        { method: call.method, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
        (res) => {
          res.resume();
          res.on('end', () => done(String(res.statusCode)));
        },
      );
      const done = (status: string) => {
        if (call.name === 'create user' && status === '201') users++;
        result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
        const perCall = (result.byCall[call.name] ??= {});
        perCall[status] = (perCall[status] ?? 0) + 1;
        resolve();
      };
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      req.end(payload);
    });

  const start = performance.now();
  const interval = 1000 / rate;
  for (let i = 0; ; i++) {
    const due = start + i * interval;
    if (due - start >= durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (pending.size >= MAX_IN_FLIGHT) {
      result.skipped++;
      continue;
    }
    result.sent++;
    const promise = send(nextCall(users)).finally(() => pending.delete(promise));
    pending.add(promise);
  }
  await Promise.all(pending);
  agent.destroy();
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '30s' },
      rate: { type: 'string', default: '50' },
      target: { type: 'string', default: process.env.TARGET ?? 'http://127.0.0.1:3000' },
    },
  });
  let durationMs: number;
  let rate: number;
  try {
    durationMs = parseDuration(values.duration);
    rate = parseRate(values.rate);
    new URL(values.target);
  } catch (error) {
    console.error(`load: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  console.log(`load: ${rate} req/s for ${durationMs / 1000} s against ${values.target}`);
  const result = await runLoad(values.target, durationMs, rate);
  console.log(`load: sent ${result.sent} requests${result.skipped ? `, skipped ${result.skipped} (more than ${MAX_IN_FLIGHT} in flight)` : ''}`);
  console.log(`load: by status ${JSON.stringify(result.byStatus)}`);
  for (const [name, statuses] of Object.entries(result.byCall).sort()) console.log(`  ${name.padEnd(30)} ${JSON.stringify(statuses)}`);
  const ok = Object.keys(result.byStatus).some((status) => status.startsWith('2'));
  if (!ok) {
    console.error(`load: no request succeeded — is the service running at ${values.target}?`);
    process.exitCode = 1;
  }
}

await main();
