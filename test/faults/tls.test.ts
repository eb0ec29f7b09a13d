/**
 * Case 14, transport security: no fallback to an untrusted or unencrypted connection, a
 * warning when credentials would cross the network in clear, and a start-up probe that
 * counts a failed TLS handshake as a failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runToEnd, startApp } from '../helpers/app.js';
import { get } from '../helpers/http.js';
import { receiverFor } from '../helpers/otlp-receiver.js';
import { selfSignedCert } from '../helpers/tls.js';
import { sleepAtLeast } from '../helpers/timing.js';
import { recordCase } from './report.js';

test('case 14a: an https receiver whose CA is not trusted gets no export, nothing goes in clear, and the probe says the handshake failed', async (t) => {
  const receiver = await receiverFor(t, {}, selfSignedCert());
  const app = await startApp(t, fixture('fault-app.cjs'), {
    receiver,
    config: { tracing: { sampler: 1, otlp: { timeoutMs: 1000 }, batch: { scheduledDelayMs: 100 } }, logging: { outputs: ['console', 'otlp'] } },
  });
  for (let i = 0; i < 10; i++) await get(`${app.url}/work`);
  await sleepAtLeast(1500);
  await app.stop();
  const probe = /trace endpoint \S+ does not answer \(TLS handshake failed: ([A-Z_]+)\)/.exec(app.stderr())?.[1];
  // The delivery report names the TLS failure: "spans: 10 failed (DEPTH_ZERO_SELF_SIGNED_CERT) …".
  const exportError = /\[beacon\] spans: [\d,]+ failed \(([A-Z_]*SELF_SIGNED[A-Z_]*)\)/.exec(app.stderr())?.[1];
  const connections = receiver.connections().opened;
  // The client gives up in the handshake; plain http on the port would fail as ERR_SSL_HTTP_REQUEST (or a wrong version).
  const handshakes = receiver.tlsClientErrors();
  const inClear = handshakes.filter((code) => /HTTP_REQUEST|WRONG_VERSION|UNKNOWN_PROTOCOL/.test(code));
  const passed = receiver.requests.length === 0 && connections > 0 && handshakes.length > 0 && inClear.length === 0 && probe !== undefined && exportError !== undefined;
  recordCase({
    id: '14a',
    title: 'TLS without the CA: no insecure fallback; the probe reports it',
    setup: 'fault-app under --import, traces and OTLP logs to an https receiver with a self-signed certificate made by openssl at test time, 10 requests',
    criterion: 'the receiver decodes no request; every handshake is abandoned by the client and none of the failures is a plain-http request (ERR_SSL_HTTP_REQUEST); the start-up probe warns of a TLS failure; the export error names the certificate problem',
    measured: `${connections} connections, ${handshakes.length} handshakes abandoned by the client (${[...new Set(handshakes)].join(', ')}), ${inClear.length} plain-http requests, ${receiver.requests.length} requests decoded; probe: ${probe ?? 'no TLS failure reported'}; export error: ${exportError ?? 'none'}`,
    passed,
  });
  assert.equal(receiver.requests.length, 0);
  assert.ok(handshakes.length > 0, 'no handshake abandoned by the client');
  assert.deepEqual(inClear, []);
  assert.ok(connections > 0, 'no export was attempted');
  assert.ok(probe, `the probe did not report a TLS failure:\n${app.stderr()}`);
  assert.ok(exportError, `no export error about the certificate:\n${app.stderr()}`);
});

test('case 14b: credentials over plain http to another host warn once per signal, naming host and header, never the secret', async () => {
  const secrets = ['pw-canary-1', 'bearer-canary-2', 'key-canary-3'];
  // A remote collector by name; the preload resolves every name to 127.0.0.1, so nothing leaves the machine.
  const loopbackDns = { NODE_OPTIONS: `--import=${fixture('resolve-to-loopback.mjs')}` };
  const remote = await runToEnd(['-e', ''], {
    env: {
      ...loopbackDns,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://user:${secrets[0]}@collector.example:4318`,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${secrets[1]},x-api-key=${secrets[2]},x-team=blue`,
    },
    config: { logging: { outputs: ['console', 'otlp'] }, shutdown: { timeoutMs: 500 } },
  });
  const local = await runToEnd(['-e', ''], {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://user:${secrets[0]}@127.0.0.1:4318`, OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${secrets[1]}` },
    config: { logging: { outputs: ['console', 'otlp'] }, shutdown: { timeoutMs: 500 } },
  });
  const secure = await runToEnd(['-e', ''], {
    env: { ...loopbackDns, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318', OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${secrets[1]}` },
    config: { shutdown: { timeoutMs: 500 } },
  });
  const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('sent over plain http'));
  const leaked = secrets.filter((secret) => [remote, local, secure].some((run) => run.stderr.includes(secret) || run.stdout.includes(secret)));
  const lines = warnings(remote.stderr);
  const expected = ['traces', 'logs'].every((signal) =>
    lines.filter((line) => line.includes(`${signal}: credentials in the URL, header authorization, header x-api-key sent over plain http to collector.example`)).length === 1,
  );
  const passed = expected && lines.length === 2 && warnings(local.stderr).length === 0 && warnings(secure.stderr).length === 0 && leaked.length === 0;
  recordCase({
    id: '14b',
    title: 'Credentials over plain HTTP to another host',
    setup: "node --import register -e '' with userinfo and authorization/x-api-key headers for traces and OTLP logs: to http://collector.example, to http://127.0.0.1, to https://collector.example (a preload resolves every name to 127.0.0.1: nothing leaves the machine)",
    criterion: 'one warning per signal for the remote plain-http endpoint naming signal, host and header names; none for loopback or https; no secret on stdout/stderr',
    measured: `remote: ${lines.length} warnings (${lines.map((line) => line.replace(/^\[beacon\] /, '')).join(' | ')}); loopback: ${warnings(local.stderr).length}; https: ${warnings(secure.stderr).length}; secrets printed: ${leaked.length}`,
    passed,
  });
  assert.ok(expected && lines.length === 2, remote.stderr);
  assert.deepEqual(warnings(local.stderr), []);
  assert.deepEqual(warnings(secure.stderr), []);
  assert.deepEqual(leaked, []);
});
