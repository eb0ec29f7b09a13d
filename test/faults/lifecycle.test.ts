/**
 * Lifecycle cases: Beacon changes nothing about how the app ends, does no network I/O of its
 * own at import, and connects to nothing but the endpoints it was given. Apps run bare and
 * under the register entry with the same fixtures as test/shutdown.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { fixture, registerPath, runToEnd, startApp } from '../helpers/app.js';
import { get } from '../helpers/http.js';
import { type OtlpReceiver, receiverFor } from '../helpers/otlp-receiver.js';
import { recordCase } from './report.js';

const preload = fixture('report-connections.mjs');
const attempts = (stderr: string) => [...stderr.matchAll(/^\[connection-attempt\] (\S+)$/gm)].map((match) => match[1]!);
const beaconLines = /^\[beacon\].*\n?/gm;

async function signalExit(t: TestContext, script: string, signal: NodeJS.Signals, bare: boolean, receiver: OtlpReceiver) {
  const app = await startApp(t, fixture(script), { bare, receiver });
  await get(`${app.url}/users/1`);
  return app.stop(signal);
}

test('case L1: exit statuses on SIGTERM/SIGINT, the app\'s own handler and crashes are those of a bare run', async (t) => {
  const receiver = await receiverFor(t);
  const rows: string[] = [];
  let passed = true;
  const compare = (what: string, bare: unknown, beacon: unknown, sameStderr?: boolean) => {
    const same = JSON.stringify(bare) === JSON.stringify(beacon) && sameStderr !== false;
    rows.push(`${what}: bare ${JSON.stringify(bare)}, Beacon ${same ? 'the same' : JSON.stringify(beacon)}${sameStderr === undefined ? '' : `, app stderr ${sameStderr ? 'identical' : 'DIFFERENT'}`}`);
    passed &&= same;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    compare(`${signal} (shell status ${signal === 'SIGTERM' ? 143 : 130})`, await signalExit(t, 'express-app.cjs', signal, true, receiver), await signalExit(t, 'express-app.cjs', signal, false, receiver));
  }
  compare('SIGTERM, app handler sets exitCode 3', await signalExit(t, 'express-app-own-handler.cjs', 'SIGTERM', true, receiver), await signalExit(t, 'express-app-own-handler.cjs', 'SIGTERM', false, receiver));
  for (const [what, code] of <[string, string][]>[
    ['uncaught exception', "setTimeout(() => { throw new Error('boom-uncaught') }, 10)"],
    ['unhandled rejection', "setTimeout(() => Promise.reject(new Error('boom-rejected')), 10)"],
    ['process.exit(7) in a timer', 'setTimeout(() => process.exit(7), 10)'],
  ]) {
    const bare = await runToEnd(['-e', code!], { bare: true, receiver });
    const beacon = await runToEnd(['-e', code!], { receiver });
    // The app's own stderr (Beacon's lines aside) is the same: same message, same stack frames.
    const appStderr = (stderr: string) => stderr.replace(beaconLines, '').replace(/\(node:\d+\)/g, '(node:PID)');
    compare(what, bare.exit, beacon.exit, appStderr(bare.stderr) === appStderr(beacon.stderr));
  }
  recordCase({
    id: 'L1',
    title: 'Exit behaviour as bare',
    setup: 'express-app.cjs and express-app-own-handler.cjs (from test/shutdown.test.ts) and inline crashing scripts, each run bare and under --import',
    criterion: 'same exit code/signal (SIGTERM → 143, SIGINT → 130, the handler\'s exitCode, crash → 1, process.exit code) and the same app stderr',
    measured: rows.join('; '),
    passed,
  });
  assert.ok(passed, rows.join('\n'));
});

test('case L2: no network I/O at import — nothing but the start-up probe of the trace endpoint', async (t) => {
  const receiver = await receiverFor(t);
  const config = { logging: { outputs: ['console', 'otlp'] }, metrics: { exporters: ['prometheus', 'otlp'] } };
  // The preload comes first, so that it sees whatever the register entry does; the app dies
  // by SIGKILL half a second in, before any exit flush could send something.
  const app = ['--import', preload, '--import', registerPath, '-e', "setTimeout(() => process.kill(process.pid, 'SIGKILL'), 500)"];
  const run = await runToEnd(app, { bare: true, receiver, config });
  const quiet = await runToEnd(app, { bare: true, receiver, env: { OTEL_TRACES_EXPORTER: 'none' }, config });
  const probe = `127.0.0.1:${new URL(receiver.url).port}`;
  const passed = run.exit.signal === 'SIGKILL' && attempts(run.stderr).every((to) => to === probe) && attempts(run.stderr).length <= 1 && receiver.requests.length === 0 && attempts(quiet.stderr).length === 0;
  recordCase({
    id: 'L2',
    title: 'No network I/O at import',
    setup: 'node --import report-connections --import register -e <an app killed by SIGKILL after 500 ms> with traces, OTLP logs and OTLP metrics all pointed at a receiver; again with OTEL_TRACES_EXPORTER=none',
    criterion: 'no export request; the only connection is the start-up probe of the trace endpoint (none when traces are off)',
    measured: `connection attempts: [${attempts(run.stderr).join(', ')}], without traces: [${attempts(quiet.stderr).join(', ')}]; requests received: ${receiver.requests.length}`,
    passed,
  });
  assert.equal(run.exit.signal, 'SIGKILL', run.stderr);
  assert.deepEqual(attempts(run.stderr).filter((to) => to !== probe), []);
  assert.ok(attempts(run.stderr).length <= 1, attempts(run.stderr).join(', '));
  assert.equal(receiver.requests.length, 0);
  assert.deepEqual(attempts(quiet.stderr), []);
});

test('case L3: during a run the app connects to nothing but the configured endpoints', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('fault-app.cjs'), {
    receiver,
    env: { NODE_OPTIONS: `--import=${preload}` },
    config: { tracing: { sampler: 1, batch: { scheduledDelayMs: 100 } }, logging: { outputs: ['console', 'otlp'] } },
  });
  for (let i = 0; i < 20; i++) await get(`${app.url}/work`);
  await receiver.waitFor((r) => r.spans.length > 0 && r.logs.length > 0, { description: 'spans and logs' });
  await app.stop();
  const destinations = [...new Set(attempts(app.stderr()))];
  const allowed = `127.0.0.1:${new URL(receiver.url).port}`;
  recordCase({
    id: 'L3',
    title: 'No egress beyond the configured endpoints',
    setup: 'fault-app.cjs under --import with a connection-reporting preload, traces and OTLP logs to one receiver, 20 requests, SIGTERM',
    criterion: `every outgoing connection goes to the configured endpoint (${allowed}); no cloud metadata, no default localhost:4318`,
    measured: `destinations: [${destinations.join(', ')}], ${attempts(app.stderr()).length} connection attempts`,
    passed: destinations.length === 1 && destinations[0] === allowed,
  });
  assert.deepEqual(destinations, [allowed]);
});
