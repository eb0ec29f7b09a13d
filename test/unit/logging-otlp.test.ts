/**
 * The 'otlp' output, decoded from the protobuf the real exporter sends: severity, body,
 * attributes, resource and trace context on each record. And outputs that fail: each one
 * warns once and goes quiet, the others and the app carry on.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiagLogLevel, type DiagLogger, diag } from '@opentelemetry/api';
import { createLogger, logger } from '../../src/logging/logger.js';
import { BEACON_VERSION } from '../../src/version.js';
import { SERVICE, fileLines, startLoggingFor, tempDir, testTracer } from '../helpers/logging.js';
import { receiverFor } from '../helpers/otlp-receiver.js';
import { refusedUrl } from '../helpers/net.js';

/** Collects Beacon's diagnostic warnings for the duration of a test. */
function captureWarnings(t: { after(fn: () => void): void }): string[] {
  const warnings: string[] = [];
  const capture: DiagLogger = {
    error: (message) => warnings.push(message),
    warn: (message) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(capture, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  t.after(() => diag.disable());
  return warnings;
}

/** A port nobody listens on. */
test('otlp: records carry severity, body, attributes, resource and the trace context', async (t) => {
  const receiver = await receiverFor(t);
  const logging = await startLoggingFor(t, { outputs: ['otlp'], level: 'debug', otlp: { endpoint: `${receiver.url}/v1/logs` } });
  const log = createLogger({ component: 'billing' });
  const ids = testTracer().startActiveSpan('checkout', (span) => {
    log.debug({ step: 1 }, 'debugging');
    log.info({ order: { id: 7, items: ['a', 'b'] }, password: 'hunter2' }, 'placed');
    log.warn('slow');
    log.error({ err: new RangeError('out of stock') }, 'failed');
    span.end();
    return span.spanContext();
  });
  logger.info('outside');
  await logging.forceFlush();
  await receiver.waitFor((r) => r.logs.length >= 5, { timeoutMs: 10_000 });

  const [debug, info, warn, error, outside] = receiver.logs;
  assert.deepEqual(receiver.logs.map((record) => [record.severityNumber, record.severityText, record.body]), [
    [5, 'DEBUG', 'debugging'],
    [9, 'INFO', 'placed'],
    [13, 'WARN', 'slow'],
    [17, 'ERROR', 'failed'],
    [9, 'INFO', 'outside'],
  ]);
  for (const record of [debug!, info!, warn!, error!]) {
    assert.equal(record.traceId, ids.traceId);
    assert.equal(record.spanId, ids.spanId);
    assert.equal(record.flags & 1, 1);
    assert.equal(record.attributes.component, 'billing');
    assert.equal(record.resource['service.name'], SERVICE.name);
    assert.deepEqual(record.scope, { name: 'beacon-otel', version: BEACON_VERSION, attributes: {} });
    // The line's time (milliseconds) is the record's; observed is when the output read it.
    assert.equal(record.timeUnixNano % 1_000_000n, 0n);
    assert.ok(record.observedTimeUnixNano >= record.timeUnixNano && record.observedTimeUnixNano - record.timeUnixNano < 5_000_000_000n);
  }
  assert.equal(outside!.traceId, '', 'no trace context outside a span');
  assert.deepEqual(info!.attributes.order, { id: 7, items: ['a', 'b'] });
  assert.equal(info!.attributes.password, '[Redacted]');
  assert.equal(error!.attributes['exception.type'], 'RangeError');
  assert.equal(error!.attributes['exception.message'], 'out of stock');
  assert.match(error!.attributes['exception.stacktrace'] as string, /RangeError: out of stock/);
  for (const record of receiver.logs) {
    for (const key of ['msg', 'time', 'level', 'trace_id', 'span_id', 'service', 'pid', 'hostname']) {
      assert.equal(key in record.attributes, false, `${key} is not repeated as an attribute`);
    }
  }
});

test('otlp: a line keeps every field the app logs, past the SDK\'s 128 attributes', async (t) => {
  const receiver = await receiverFor(t);
  const logging = await startLoggingFor(t, { outputs: ['otlp'], otlp: { endpoint: `${receiver.url}/v1/logs` } });
  const wide = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, i]));
  logger.info({ ...wide, '': 'no name' }, 'wide');
  await logging.forceFlush();
  await receiver.waitFor((r) => r.logs.length >= 1, { timeoutMs: 10_000 });
  assert.deepEqual(receiver.logs[0]!.attributes, wide, 'every named field, nothing for the empty key');
});

test('an unreachable collector: the file output still gets every line and nothing throws', async (t) => {
  const dir = tempDir(t);
  const logging = await startLoggingFor(t, {
    outputs: ['otlp', 'file'],
    otlp: { endpoint: `${await refusedUrl()}/v1/logs`, timeoutMs: 1000 },
    file: { path: join(dir, 'app.log'), size: null, frequency: null },
  });
  for (let i = 0; i < 100; i++) assert.doesNotThrow(() => logger.info({ seq: i }, 'line'));
  const started = Date.now();
  await logging.shutdown();
  assert.ok(Date.now() - started < 5000, 'shutdown is bounded');
  assert.equal(fileLines(dir).length, 100);
});

test('a file output that cannot open warns once; the otlp output still gets every line', async (t) => {
  const warnings = captureWarnings(t);
  const receiver = await receiverFor(t);
  const dir = tempDir(t);
  const notADirectory = join(dir, 'plain-file');
  writeFileSync(notADirectory, '');
  const logging = await startLoggingFor(t, {
    outputs: ['file', 'otlp'],
    file: { path: join(notADirectory, 'app.log') },
    otlp: { endpoint: `${receiver.url}/v1/logs` },
  });
  const fileWarnings = () => warnings.filter((line) => line.includes("log output 'file' failed"));
  for (let i = 0; i < 50; i++) {
    assert.doesNotThrow(() => logger.info({ seq: i }, 'line'));
    // Halfway, wait until the worker has failed: the rest is written to a failed output.
    for (let waited = 0; i === 25 && fileWarnings().length === 0 && waited < 5000; waited += 20) await sleep(20);
  }
  await logging.shutdown();
  await receiver.waitFor((r) => r.logs.length >= 50);
  assert.deepEqual(receiver.logs.map((record) => record.attributes.seq), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(fileWarnings().length, 1, warnings.join('\n'));
  assert.match(fileWarnings()[0]!, /plain-file/, 'the warning names the path');
});

test('otlp: protocol http/json sends OTLP/JSON with the same content', async (t) => {
  const receiver = await receiverFor(t);
  const logging = await startLoggingFor(t, { outputs: ['otlp'], otlp: { endpoint: `${receiver.url}/v1/logs`, protocol: 'http/json' } });
  const ids = testTracer().startActiveSpan('json', (span) => {
    logger.warn({ kind: 'json' }, 'as json');
    span.end();
    return span.spanContext();
  });
  await logging.forceFlush();
  await receiver.waitFor((r) => r.logs.length >= 1);
  assert.equal(receiver.requests[0]!.encoding, 'json');
  const [record] = receiver.logs;
  assert.deepEqual([record!.severityNumber, record!.body, record!.attributes.kind, record!.traceId, record!.spanId], [13, 'as json', 'json', ids.traceId, ids.spanId]);
});
