/**
 * What a line looks like: 'structured' and 'ecs' field by field, redaction of the default
 * secret paths and of configured ones, and lines that cannot be forged or crash the app.
 * In-process, through the file output (the one whose bytes are easiest to read back).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger, logger } from '../../src/logging/logger.js';
import { get } from '../helpers/http.js';
import { type Line, SERVICE, fileLines, startLoggingFor, tempDir, testTracer } from '../helpers/logging.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function fileOnly(dir: string) {
  return { outputs: ['file' as const], file: { path: join(dir, 'app.log'), size: null, frequency: null } };
}

function inSpan(fn: () => void): { traceId: string; spanId: string } {
  return testTracer().startActiveSpan('work', (span) => {
    fn();
    span.end();
    return span.spanContext();
  });
}

test('structured: base fields, ISO time, level label, correlation fields only inside a span', async (t) => {
  const dir = tempDir(t);
  const logging = await startLoggingFor(t, fileOnly(dir));
  const log = createLogger({ component: 'billing' });
  const ids = inSpan(() => log.info({ order: 7 }, 'inside'));
  logger.warn('outside');
  await logging.shutdown();

  const [inside, outside] = fileLines(dir) as [Line, Line];
  assert.deepEqual(Object.keys(inside), [
    'level', 'time', 'trace_id', 'span_id', 'trace_flags', 'service', 'version', 'environment', 'hostname', 'pid', 'component', 'order', 'msg',
  ]);
  assert.equal(inside.level, 'info');
  assert.match(inside.time as string, ISO_TIME);
  assert.equal(inside.service, SERVICE.name);
  assert.equal(inside.version, SERVICE.version);
  assert.equal(inside.environment, SERVICE.environment);
  assert.equal(inside.hostname, hostname());
  assert.equal(inside.pid, process.pid);
  assert.equal(inside.trace_id, ids.traceId);
  assert.equal(inside.span_id, ids.spanId);
  assert.equal(inside.trace_flags, '01');
  assert.equal(inside.msg, 'inside');
  assert.equal(outside.level, 'warn');
  assert.equal(outside.msg, 'outside');
  for (const key of ['trace_id', 'span_id', 'trace_flags']) assert.equal(key in outside, false, `${key} outside a span`);
});

test('structured: correlation field names come from logging.fields; correlation: false writes none', async (t) => {
  const dir = tempDir(t);
  const logging = await startLoggingFor(t, { ...fileOnly(dir), fields: { traceId: 'traceId', spanId: 'spanId', traceFlags: 'flags' } });
  const ids = inSpan(() => logger.info('named'));
  await logging.shutdown();
  const [line] = fileLines(dir) as [Line];
  assert.equal(line.traceId, ids.traceId);
  assert.equal(line.spanId, ids.spanId);
  assert.equal(line.flags, '01');
  assert.equal('trace_id' in line, false);

  const dir2 = tempDir(t);
  const off = await startLoggingFor(t, { ...fileOnly(dir2), correlation: false });
  inSpan(() => logger.info('uncorrelated'));
  await off.shutdown();
  const [plain] = fileLines(dir2) as [Line];
  assert.equal('trace_id' in plain, false);
});

test('ecs: the fields Kibana reads, trace.id / span.id from OpenTelemetry, error.*', async (t) => {
  const dir = tempDir(t);
  const logging = await startLoggingFor(t, { ...fileOnly(dir), format: 'ecs' });
  const log = createLogger({ component: 'billing' });
  const before = Date.now();
  const ids = inSpan(() => {
    log.info({ order: 7 }, 'inside');
    log.error({ err: new TypeError('kaput') }, 'failed');
  });
  log.info('outside');
  await logging.shutdown();

  const [inside, failed, outside] = fileLines(dir) as [Line, Line, Line];
  assert.match(inside['@timestamp'] as string, ISO_TIME);
  assert.ok(Date.parse(inside['@timestamp'] as string) >= before - 1);
  assert.equal(inside['log.level'], 'info');
  assert.equal(inside.message, 'inside');
  assert.match(inside['ecs.version'] as string, /^\d+\.\d+\.\d+$/);
  assert.equal(inside['service.name'], SERVICE.name);
  assert.equal(inside['service.version'], SERVICE.version);
  assert.equal(inside['service.environment'], SERVICE.environment);
  assert.equal(inside['event.dataset'], SERVICE.name);
  assert.equal(inside['process.pid'], process.pid);
  assert.equal(inside['host.hostname'], hostname());
  assert.equal(inside['trace.id'], ids.traceId);
  assert.equal(inside['span.id'], ids.spanId);
  assert.equal(inside.component, 'billing');
  assert.equal(inside.order, 7);
  for (const key of ['level', 'time', 'msg', 'pid', 'hostname', 'trace_id', 'span_id', 'trace_flags']) {
    assert.equal(key in inside, false, `non-ECS key ${key}`);
  }

  assert.equal(failed['log.level'], 'error');
  assert.equal(failed.message, 'failed');
  assert.equal(failed['trace.id'], ids.traceId);
  const error = failed.error as Line;
  assert.equal(error.type, 'TypeError');
  assert.equal(error.message, 'kaput');
  assert.match(error.stack_trace as string, /TypeError: kaput\n\s+at /);

  assert.equal(outside['log.level'], 'info');
  assert.equal('trace.id' in outside, false);
  assert.equal('span.id' in outside, false);
});

const SECRETS = {
  password: 'pw-top', token: 'tok-top', apiKey: 'key-top', secret: 'sec-top', authorization: 'Bearer auth-top', cookie: 'sid=cookie-top',
  req: { headers: { authorization: 'Bearer auth-req', cookie: 'sid=cookie-req', 'set-cookie': ['set-req'] } },
  res: { headers: { 'set-cookie': 'set-res' } },
  user: { name: 'ann', password: 'pw-user', profile: { apiKey: 'key-deep' } },
  customer: { email: 'ann@example.com' },
  payment: { card: { cvv: '123-cvv', last4: '4242' } },
};
const SECRET_VALUES = ['tok-binding', 'sec-binding', 'auth-live', 'cookie-live', 'pw-top', 'tok-top', 'key-top', 'sec-top', 'auth-top', 'cookie-top', 'auth-req', 'cookie-req', 'set-req', 'set-res', 'pw-user', 'key-deep', 'ann@example.com', '123-cvv'];

for (const format of ['structured', 'ecs'] as const) {
  test(`${format}: default secret paths and logging.redact paths are redacted at every depth`, async (t) => {
    const dir = tempDir(t);
    const logging = await startLoggingFor(t, { ...fileOnly(dir), format, redact: ['customer.email', 'payment.*.cvv'] });
    logger.info(SECRETS, 'secrets');
    createLogger({ token: 'tok-binding', client: { secret: 'sec-binding' } }).info('bound');
    await logLiveRequest({ authorization: 'Bearer auth-live', cookie: 'sid=cookie-live', 'x-ok': 'visible' });
    await logging.shutdown();

    const text = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).join('');
    for (const value of SECRET_VALUES) assert.equal(text.includes(value), false, `${value} leaked: ${text}`);
    const [line] = fileLines(dir) as [Line];
    assert.equal(line.password, '[Redacted]');
    assert.equal((line.user as Line).name, 'ann', 'other fields survive');
    assert.equal(((line.payment as Line).card as Line).last4, '4242');
    if (format === 'structured') assert.equal(((line.req as Line).headers as Line).authorization, '[Redacted]');
    assert.ok(text.includes('visible'), 'a live request\'s other headers are kept');
  });
}

/** Logs a real IncomingMessage (as `req`) from inside a request handler. */
async function logLiveRequest(headers: Record<string, string>): Promise<void> {
  const server = createServer((req, res) => {
    logger.info({ req }, 'live request');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await get(`http://127.0.0.1:${port}/`, headers);
  await new Promise((resolve) => server.close(resolve));
}

test('a message with newlines or forged JSON stays one record; odd objects do not throw', async (t) => {
  const dir = tempDir(t);
  const logging = await startLoggingFor(t, fileOnly(dir));
  const forged = 'hello\n{"level":"error","msg":"forged"}\r\n{"level":"fatal"}';
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  const throwing = Object.defineProperty({ name: 'throws' }, 'boom', {
    enumerable: true,
    get() {
      throw new Error('getter threw');
    },
  });

  logger.info(forged);
  logger.info({ note: '"},{"evil":true', [`key"\n{"x":1}`]: 'v' }, 'quoted');
  assert.doesNotThrow(() => logger.info({ circular }, 'circular'));
  assert.doesNotThrow(() => logger.info(throwing, 'throwing getter'));
  await logging.shutdown();

  const text = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).join('');
  const lines = text.split('\n').filter(Boolean);
  assert.equal(lines.length, 4, text);
  const [first, second, third, fourth] = lines.map((line) => JSON.parse(line) as Line) as [Line, Line, Line, Line];
  assert.equal(first.msg, forged);
  assert.equal(first.level, 'info');
  assert.equal(second.note, '"},{"evil":true');
  assert.equal(second[`key"\n{"x":1}`], 'v');
  assert.equal((third.circular as Line).self, '[Circular]');
  assert.equal(fourth.msg, 'throwing getter');
  assert.match(fourth.log_error as string, /getter threw/);
  assert.equal(lines.filter((line) => line.includes('"level":"error"') || line.includes('"level":"fatal"')).length, 0);
});

test('secrets are found 10 levels down; deeper objects and cycles are cut, never written unchecked', async (t) => {
  const dir = tempDir(t);
  const logging = await startLoggingFor(t, fileOnly(dir));
  const nest = (levels: number, leaf: Record<string, unknown>): Record<string, unknown> => (levels === 0 ? leaf : { n: nest(levels - 1, leaf) });
  const loop: Record<string, unknown> = { name: 'loop', password: 'pw-loop' };
  loop.self = { back: loop };
  logger.info({ ten: nest(8, { password: 'pw-level-10' }), twelve: nest(11, { password: 'pw-level-12' }), loop }, 'deep');
  await logging.shutdown();
  const text = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).join('');
  for (const value of ['pw-level-10', 'pw-level-12', 'pw-loop']) assert.equal(text.includes(value), false, `${value} leaked: ${text}`);
  const [line] = fileLines(dir) as [Line];
  let ten = line.ten as Line;
  for (let level = 2; level <= 9; level++) ten = ten.n as Line;
  assert.equal(ten.password, '[Redacted]', 'a key at level 10 is checked');
  let twelve = line.twelve as Line;
  for (let level = 2; level <= 9; level++) twelve = twelve.n as Line;
  assert.equal(twelve.n, '[Too deep]', 'the object at level 11 is cut');
  assert.equal(((line.loop as Line).self as Line).back, '[Circular]');
});
