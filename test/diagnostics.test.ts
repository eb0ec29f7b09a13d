import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimitedReporter, redactSecrets } from '../src/diagnostics.js';
import { fixture, startApp } from './helpers/app.js';
import { get, load } from './helpers/http.js';
import { receiverFor } from './helpers/otlp-receiver.js';

test('the same failure is reported once per interval, with the count it stood for', () => {
  let now = 0;
  const lines: string[] = [];
  const reporter = new RateLimitedReporter(30_000, (line) => lines.push(line), () => now);
  for (let i = 0; i < 50; i++) reporter.report(`connect ECONNREFUSED 127.0.0.1:${4000 + i}`);
  reporter.report('a different failure');
  assert.deepEqual(lines, ['connect ECONNREFUSED 127.0.0.1:4000', 'a different failure']);
  now = 30_000;
  reporter.report('connect ECONNREFUSED 127.0.0.1:4318');
  assert.equal(lines[2], 'connect ECONNREFUSED 127.0.0.1:4318 (and 49 more like it since the last report)');
});

test('credentials in URLs and auth values are redacted', () => {
  assert.equal(redactSecrets('POST https://user:s3cret@collector:4318/v1/traces failed'), 'POST https://REDACTED@collector:4318/v1/traces failed');
  assert.equal(redactSecrets('{"authorization":"Bearer abc.def"}'), '{"authorization":"Bearer REDACTED"}');
  assert.equal(redactSecrets('api-key=abc123 sent'), 'api-key=REDACTED sent');
  assert.equal(redactSecrets('nothing secret here http://collector:4318'), 'nothing secret here http://collector:4318');
});

test('a collector answering 503 neither slows the app nor floods stderr', async (t) => {
  const receiver = await receiverFor(t, { status: 503 });
  const app = await startApp(t, fixture('express-app.cjs'), {
    env: { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('http://', 'http://user:pw@') },
    config: { tracing: { otlp: { timeoutMs: 500 } } },
  });
  const responses = await load(400, 8, (i) => get(`${app.url}/users/${i}`));
  assert.ok(responses.every((response) => response.status === 200));
  // Failed exports (then skipped ones while backing off) for the batches of 400 requests.
  await receiver.waitFor((r) => r.requests.length >= 1, { timeoutMs: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const beaconLines = app.stderr().split('\n').filter((line) => line.startsWith('[beacon]'));
  // The start-up line, the endpoint probe, and at most one line per distinct failure message.
  assert.ok(beaconLines.length <= 5, `stderr:\n${beaconLines.join('\n')}`);
  assert.ok(!app.stderr().includes('user:pw'), 'credentials leaked to stderr');
});
