/**
 * Case 13: canary secrets placed where apps really put them — incoming query strings (every
 * key of the documented list, in mixed case), auth and cookie headers (with header capture
 * turned on for them), outgoing URLs with `?token=` and `user:pass@` through node:http and
 * fetch, a log object and a log message, an error message holding a `user:pass@` URL thrown
 * inside spans — then every sink is grepped for them: OTLP traces, logs and metrics at the
 * receiver, /metrics, /metrics.json, stdout and stderr, at the default diagnostics level and
 * at OTEL_LOG_LEVEL=debug. Case 13b does the same for the values an app writes to PostgreSQL
 * (pg) and Redis (ioredis), against the real servers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AppOptions, fixture, type RunningApp, startApp } from '../helpers/app.js';
import { get, post } from '../helpers/http.js';
import { freePort } from '../helpers/net.js';
import { type OtlpReceiver, receiverFor } from '../helpers/otlp-receiver.js';
import { startPostgres } from '../helpers/postgres.js';
import { startRedis } from '../helpers/redis.js';
import { recordCase } from './report.js';

/** Every secret the test or the app holds is `c4n4ry-<where>`. */
const CANARY = /c4n4ry-[a-z0-9-]+/g;

/** The documented query-parameter names, in the case a careless client might send them. */
const INCOMING_KEYS = ['ToKeN', 'PASSWORD', 'Api_Key', 'ACCESS_TOKEN', 'Code', 'Secret', 'SESSION', 'Jwt', 'KEY', 'Auth', 'Sig'];
const incomingQuery = ['page=2', ...INCOMING_KEYS.map((key) => `${key}=c4n4ry-in-${key.toLowerCase().replace(/_/g, '-')}`)].join('&');
const INCOMING_HEADERS = {
  authorization: 'Bearer c4n4ry-in-authorization',
  cookie: 'sid=c4n4ry-in-cookie',
  'x-api-key': 'c4n4ry-in-x-api-key',
  'user-agent': 'canary-client/1.0',
};

/** A user who turned header capture on, secret headers included. */
const CONFIG = {
  service: { name: 'privacy-canary' },
  logging: { outputs: ['console', 'otlp'], requests: true },
  metrics: { exporters: ['prometheus', 'otlp'] },
  instrumentations: {
    http: {
      headersToSpanAttributes: {
        server: { requestHeaders: ['Authorization', 'cookie', 'x-api-key', 'user-agent'] },
        client: { requestHeaders: ['authorization', 'cookie'] },
      },
    },
    undici: { headersToSpanAttributes: { requestHeaders: ['authorization', 'cookie', 'user-agent'] } },
  },
};

const json = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item));
const found = (text: string, pattern: RegExp) => [...new Set(text.match(pattern) ?? [])].sort();

type TestContext = Parameters<typeof startApp>[0];

/** The app with its metrics endpoint on a port the test chose, so that the sinks can be scraped. */
async function startCanaryApp(t: TestContext, script: string, options: AppOptions) {
  const metricsPort = await freePort();
  const app = await startApp(t, fixture(script), { ...options, env: { ...options.env, OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) } });
  return { app, metrics: `http://127.0.0.1:${metricsPort}` };
}

interface Run {
  /** sink → the canaries found in it. */
  leaks: Record<string, string[]>;
  receiver: OtlpReceiver;
  stdout: string;
  stderr: string;
}

/**
 * Scrapes the app's metrics endpoints, stops it with SIGTERM (which flushes every signal),
 * then greps every sink for `pattern`.
 */
async function grepSinks({ app, metrics }: { app: RunningApp; metrics: string }, receiver: OtlpReceiver, pattern: RegExp): Promise<Run> {
  const scraped = { '/metrics': (await get(`${metrics}/metrics`)).body, '/metrics.json': (await get(`${metrics}/metrics.json`)).body };
  await app.stop();
  const sinks: Record<string, string> = {
    'OTLP traces': json(receiver.spans),
    'OTLP logs': json(receiver.logs),
    'OTLP metrics': json(receiver.metrics),
    ...scraped,
    stdout: app.stdout(),
    stderr: app.stderr(),
  };
  const leaks = Object.fromEntries(Object.entries(sinks).map(([sink, text]) => [sink, found(text, pattern)]));
  return { leaks, receiver, stdout: app.stdout(), stderr: app.stderr() };
}

async function canaryRun(t: TestContext, diagnostics: Record<string, string>): Promise<Run> {
  const receiver = await receiverFor(t);
  const running = await startCanaryApp(t, 'privacy-app.mjs', { receiver, env: { OTEL_BSP_SCHEDULE_DELAY: '100', ...diagnostics }, config: CONFIG });
  const { app } = running;
  assert.equal((await get(`${app.url}/echo?${incomingQuery}`, INCOMING_HEADERS)).status, 200);
  assert.equal((await get(`${app.url}/outgoing`)).status, 200);
  assert.equal((await get(`${app.url}/log`)).status, 200);
  assert.equal((await get(`${app.url}/fail`)).status, 500);
  return grepSinks(running, receiver, CANARY);
}

/** What each run must have seen, so that an empty sink cannot pass for a clean one. */
function assertSignalsArrived({ receiver, stdout, stderr }: Run): void {
  const server = receiver.spans.find((span) => span.kindName === 'SERVER' && String(span.attributes['url.query'] ?? '').includes('page=2'));
  assert.ok(server, 'the incoming request with the query canaries has its span');
  for (const key of INCOMING_KEYS) assert.ok(String(server.attributes['url.query']).includes(`${key}=REDACTED`), `url.query keeps ${key} as REDACTED`);
  assert.deepEqual(server.attributes['http.request.header.user-agent'], ['canary-client/1.0'], 'header capture is on');
  const clients = receiver.spans.filter((span) => span.kindName === 'CLIENT').map((span) => String(span.attributes['url.full']));
  assert.ok(clients.some((url) => url.includes('REDACTED@') && url.includes('token=REDACTED')), `http client url.full: ${clients.join(' ')}`);
  assert.ok(clients.some((url) => url.includes('Access_Token=REDACTED')), `fetch url.full: ${clients.join(' ')}`);
  const messages = receiver.spans.flatMap((span) => span.events.map((event) => String(event.attributes['exception.message'])));
  assert.ok(messages.some((message) => message.includes('postgres://REDACTED@db.internal')), `exception events: ${messages.join(' | ')}`);
  assert.ok(receiver.logs.some((log) => String(log.body).startsWith('signed in')), 'the log record reached the receiver');
  assert.match(stdout, /signed in/, 'the log line reached stdout');
  assert.ok(receiver.metrics.length > 0, 'metrics reached the receiver');
  assert.match(stderr, /instrumentations\.http\.headersToSpanAttributes: Authorization, cookie, x-api-key, authorization never captured/);
}

const LOG_SINKS = new Set(['OTLP logs', 'stdout']);
const describe = (leaks: Record<string, string[]>) =>
  Object.entries(leaks).filter(([, found]) => found.length > 0).map(([sink, found]) => `${sink}: ${found.join(', ')}`).join('; ') || 'none';

test('case 13: no canary secret reaches any sink, at the default diagnostics level and at debug', async (t) => {
  const runs = { info: await canaryRun(t, {}), debug: await canaryRun(t, { OTEL_LOG_LEVEL: 'debug' }) };
  const leaked = Object.values(runs).some((run) => Object.values(run.leaks).some((found) => found.length > 0));
  recordCase({
    id: '13',
    title: 'Canary secrets in every sink',
    setup: `one app run per diagnostics level (info, OTEL_LOG_LEVEL=debug); canaries in incoming query strings (${INCOMING_KEYS.join(', ')}), incoming authorization/cookie/x-api-key headers with header capture on for them (http, undici), outgoing URLs with ?token= and user:pass@ (node:http, fetch) and auth/cookie headers, a log object (Password, private_key 3 deep) and a log message with user:pass@, an error with a user:pass@ URL thrown inside spans`,
    criterion: 'no canary in OTLP traces, logs or metrics, /metrics, /metrics.json, stdout or stderr',
    measured: Object.entries(runs).map(([level, run]) => `${level}: leaks ${describe(run.leaks)}`).join('. '),
    passed: !leaked,
    upstream: 'issue 8 (2026-12): token, password, api_key, access_token, code, secret, session, jwt, key query values reach the spans (only sig/X-Amz-Signature-like exact names redacted); outgoing url.full keeps ?token=; undici redacts nothing',
  });
  for (const run of Object.values(runs)) assertSignalsArrived(run);
  assert.match(runs.debug.stderr, /tracing\.limits\.attributeValueLength = 4096/, 'the debug run printed the debug dump');
  // Traces, metrics and diagnostics first: the log sinks are redacted by the logging module.
  for (const [level, run] of Object.entries(runs)) {
    const outsideLogs = Object.fromEntries(Object.entries(run.leaks).filter(([sink]) => !LOG_SINKS.has(sink)));
    assert.equal(describe(outsideLogs), 'none', `${level}: secrets outside the log sinks`);
  }
  for (const [level, run] of Object.entries(runs)) assert.equal(describe(run.leaks), 'none', `${level}: secrets in the log sinks`);
});

/** The values the pg and redis fixtures write: a card number and a session token. */
const STORED_VALUES = /card-4111-1111-1111-1111|token-s3cr3t-value/g;

test('case 13b: values written to PostgreSQL and Redis reach no sink', async (t) => {
  const [postgres, redis] = await Promise.all([startPostgres(t), startRedis(t)]);
  const runs: Record<string, Run> = {};
  for (const [name, script, port, call] of [
    ['pg', 'pg-app.cjs', { PG_PORT: String(postgres.port) }, (url: string) => post(`${url}/orders/7`)],
    ['ioredis', 'redis-app.cjs', { REDIS_PORT: String(redis.port) }, (url: string) => get(`${url}/sessions/42`)],
  ] as const) {
    const receiver = await receiverFor(t);
    const running = await startCanaryApp(t, script, {
      receiver,
      env: { ...port, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_LOG_LEVEL: 'debug' },
      config: { logging: { outputs: ['console', 'otlp'], requests: true }, metrics: { exporters: ['prometheus', 'otlp'] } },
    });
    const { status } = await call(running.app.url);
    assert.ok(status >= 200 && status < 300, `status ${status}`);
    runs[name] = await grepSinks(running, receiver, STORED_VALUES);
  }
  const leaked = Object.values(runs).some((run) => Object.values(run.leaks).some((values) => values.length > 0));
  recordCase({
    id: '13b',
    title: 'SQL parameter and Redis values in every sink',
    setup: 'real PostgreSQL and Redis; express apps that INSERT a card number with pg ($1, $2 parameters) and SET a session token with ioredis; OTEL_LOG_LEVEL=debug, request log lines, logs and metrics also over OTLP',
    criterion: 'the card number and the token in no sink: OTLP traces, logs or metrics, /metrics, /metrics.json, stdout, stderr',
    measured: Object.entries(runs).map(([name, run]) => `${name}: leaks ${describe(run.leaks)}`).join('. '),
    passed: !leaked,
  });
  for (const run of Object.values(runs)) assert.ok(run.receiver.spans.some((span) => span.kindName === 'CLIENT'), 'the database client spans arrived');
  for (const [name, run] of Object.entries(runs)) assert.equal(describe(run.leaks), 'none', name);
});
