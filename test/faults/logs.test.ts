/**
 * Fault cases for logs (issue 8: 10, 11, 12 and the log half of 13). Each starts the fixture
 * app under the register entry, drives it over HTTP, and reads what reached stdout, the log
 * file and a real OTLP receiver (decoded protobuf).
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { type AppOptions, type RunningApp, fixture, startApp } from '../helpers/app.js';
import { get } from '../helpers/http.js';
import { refusedUrl } from '../helpers/net.js';
import { receiverFor } from '../helpers/otlp-receiver.js';
import { pollUntil, sleepAtLeast } from '../helpers/timing.js';
import { recordCase } from './report.js';

type Line = Record<string, unknown>;
const APP = fixture('logging-faults-app.mjs');
const MiB = 1024 * 1024;
const LIMIT = 16_384;

/** Permissions bind only without root's privileges: as root, the app runs in a user namespace (see AppOptions.unprivileged). */
const unprivileged = process.getuid?.() === 0;

/** A directory the app owns, with its config file in it. */
function appDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-faults-'));
  chmodSync(dir, 0o755);
  t.after(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

async function start(t: TestContext, dir: string, logging: object, more: object = {}): Promise<RunningApp> {
  const configPath = join(dir, 'monitoring.config.json');
  writeFileSync(configPath, JSON.stringify({
    service: { name: 'log-faults' },
    logging,
    metrics: { enabled: false },
    tracing: { exporter: 'none', sampler: 1 },
    ...more,
  }));
  const options: AppOptions = { env: { BEACON_CONFIG: configPath }, unprivileged };
  return startApp(t, APP, options);
}

async function call(app: RunningApp, path: string): Promise<Line> {
  const response = await get(`${app.url}${path}`);
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body) as Line;
}

/** Whole lines only: what follows the last newline may be a line still being written. */
const jsonLines = (text: string): string[] => text.split('\n').slice(0, -1).filter((line) => line.startsWith('{'));
const parse = (lines: string[]): Line[] => lines.map((line) => JSON.parse(line) as Line);
const fileText = (dir: string, name = 'app.log'): string => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
const tagged = (lines: Line[], tag: string) => lines.filter((line) => line.tag === tag);
const stderrLines = (app: RunningApp, pattern: RegExp) => app.stderr().split('\n').filter((line) => pattern.test(line));

/** The top-level keys of one JSON line as written, repeats included (JSON.parse would hide them). */
function writtenKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') {
      const start = i;
      for (i++; line[i] !== '"'; i++) if (line[i] === '\\') i++;
      if (depth === 1 && line[i + 1] === ':') keys.push(JSON.parse(line.slice(start, i + 1)) as string);
    } else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
  }
  return keys;
}
const repeatedKeys = (line: string) => writtenKeys(line).filter((key, index, all) => all.indexOf(key) !== index);

const RESERVED = {
  structured: { level: 'level', time: 'time', message: 'msg', names: ['level', 'time', 'service', 'environment', 'hostname', 'pid', 'trace_id', 'span_id', 'trace_flags'] },
  ecs: { level: 'log.level', time: '@timestamp', message: 'message', names: ['log.level', '@timestamp', 'service.name', 'process.pid', 'host.hostname', 'trace.id', 'span.id', 'ecs.version', 'event.dataset'] },
} as const;

/** The values the fixture forges (test/fixtures/logging-faults-app.mjs). */
const FORGED_VALUES = new Set<unknown>(['fatal', '1999-01-01T00:00:00.000Z', 'forged-service', 'forged-env', 'forged-host', 1, 'f'.repeat(32), 'e'.repeat(16), '00', '0.0.0', 'forged']);

test('case 10: reserved fields cannot be forged and long strings are cut, on console, file and OTLP', async (t) => {
  const measured: string[] = [];
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
  };
  const receiver = await receiverFor(t);
  for (const format of ['structured', 'ecs'] as const) {
    const dir = appDir(t);
    const app = await start(t, dir, {
      format,
      outputs: ['console', 'file', 'otlp'],
      file: { path: join(dir, 'app.log'), size: null, frequency: null },
      otlp: { endpoint: `${receiver.url}/v1/logs` },
    });
    receiver.reset();
    const ids = await call(app, '/forge');
    await pollUntil(() => tagged(parse(jsonLines(fileText(dir))), 'child').length === 1, 10_000);
    await receiver.waitFor((r) => r.logs.length >= 3, { timeoutMs: 15_000 });
    const keys = RESERVED[format];
    const outputs = { stdout: jsonLines(app.stdout()), file: jsonLines(fileText(dir)) };
    for (const [output, raw] of Object.entries(outputs)) {
      const lines = parse(raw);
      const repeats = raw.flatMap(repeatedKeys);
      check(repeats.length === 0, `${format} ${output}: keys written twice: ${repeats.join(', ')}`);
      const [forged, long, child] = [tagged(lines, 'forge')[0], tagged(lines, 'long-message')[0], tagged(lines, 'child')[0]];
      if (!forged || !long || !child) {
        failures.push(`${format} ${output}: lines missing`);
        continue;
      }
      for (const line of [forged, child]) {
        check(line[keys.level] === 'info', `${format} ${output}: level ${String(line[keys.level])}`);
        check(line[`logged_${keys.level}`] === 'fatal', `${format} ${output}: the forged level is kept aside`);
        check(line[keys.time] !== '1999-01-01T00:00:00.000Z', `${format} ${output}: time forged`);
        check(line[format === 'ecs' ? 'trace.id' : 'trace_id'] === ids.traceId, `${format} ${output}: trace id`);
        check(line[format === 'ecs' ? 'span.id' : 'span_id'] === ids.spanId, `${format} ${output}: span id`);
        for (const name of keys.names) check(!FORGED_VALUES.has(line[name]), `${format} ${output}: ${name} is ${String(line[name])}`);
      }
      check(forged[keys.message] === 'real message' && forged[`logged_${keys.message}`] === 'forged message', `${format} ${output}: message and the object's msg`);
      check(child[keys.message] === 'from a child' && child[`logged_${keys.message}`] === 'forged binding', `${format} ${output}: child's msg binding`);
      if (format === 'ecs') check((forged.log as Line | undefined)?.logger === 'kept' && (forged.log as Line).logged_level === 'fatal', `ecs ${output}: log.logger kept, log.level moved`);
      const big = forged.big as string;
      const message = long[keys.message] as string;
      check(big.length <= LIMIT && big.endsWith(`…[truncated ${MiB - big.indexOf('…')} chars]`), `${format} ${output}: big string ${big.length} chars`);
      check(message.length <= LIMIT && /…\[truncated \d+ chars\]$/.test(message), `${format} ${output}: message ${message.length} chars`);
      if (format === 'structured') measured.push(`${output}: longest line ${Math.max(...raw.map((line) => line.length))} chars`);
    }
    const [forged, long, child] = [...receiver.logs];
    for (const record of [forged!, child!]) {
      check(record.severityNumber === 9 && record.severityText === 'INFO', `${format} otlp: severity ${record.severityText}`);
      check(record.traceId === ids.traceId && record.spanId === ids.spanId, `${format} otlp: trace context ${record.traceId}/${record.spanId}`);
    }
    check(forged!.attributes[`logged_${keys.level}`] === 'fatal', `${format} otlp: forged level kept aside as an attribute`);
    check((forged!.attributes.big as string).length <= LIMIT, `${format} otlp: big attribute ${(forged!.attributes.big as string).length}`);
    check((long!.body as string).length <= LIMIT, `${format} otlp: body ${(long!.body as string).length}`);
    if (format === 'structured') measured.push(`otlp: severity ${forged!.severityText}, body ${(long!.body as string).length} chars`);
  }
  recordCase({
    id: '10',
    title: 'Forged reserved fields, 1 MiB strings',
    setup: "fixture app ('structured' and 'ecs'; console + file + OTLP receiver) logs, inside a span, an object with level: 'fatal', time, service, pid, hostname, trace/span ids (and the ECS names), a msg beside a message, a 1 MiB string; a child logger bound with the same; a 1 MiB message",
    criterion: `no key twice in any line; real level, time, service fields and trace context on every output (OTLP: severity INFO, the span's ids); forged values kept under logged_<key>; no string longer than ${LIMIT} chars (cut with …[truncated N chars]), message included`,
    measured: `${failures.length ? `${failures.length} failures: ${failures.slice(0, 3).join('; ')}` : 'all held'}; ${measured.join('; ')}`,
    passed: failures.length === 0,
    upstream: 'pino alone: duplicate keys (level, time, pid, hostname) on stdout; the OTLP record became FATAL with the forged ids; 1 MiB written whole',
  });
  assert.deepEqual(failures, []);
});

test('case 13 (logs): secrets are masked in every sink, at debug too', async (t) => {
  const receiver = await receiverFor(t);
  const sinks: Record<string, string> = {};
  for (const format of ['structured', 'ecs'] as const) {
    const dir = appDir(t);
    const app = await start(t, dir, {
      format,
      level: 'debug',
      outputs: ['console', 'file', 'otlp'],
      file: { path: join(dir, 'app.log'), size: null, frequency: null },
      otlp: { endpoint: `${receiver.url}/v1/logs` },
      redact: ['customer.email'],
    }, { privacy: { secretKeys: ['ssn'] } });
    receiver.reset();
    await call(app, '/secrets');
    await pollUntil(() => tagged(parse(jsonLines(fileText(dir))), 'secrets-child').length === 1, 10_000);
    await receiver.waitFor((r) => r.logs.length >= 3, { timeoutMs: 15_000 });
    sinks[`${format} stdout`] = app.stdout();
    sinks[`${format} stderr`] = app.stderr();
    sinks[`${format} file`] = fileText(dir);
    sinks[`${format} otlp`] = JSON.stringify(receiver.logs, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  }
  const leaks = Object.entries(sinks).flatMap(([sink, text]) => (text.match(/canary-[\w.@-]+/g) ?? []).map((canary) => `${canary} in ${sink}`));
  const masked = Object.values(sinks).join('').split(/\[Redacted\]|REDACTED/).length - 1;
  recordCase({
    id: '13-logs',
    title: 'Secrets in logs',
    setup: "fixture app at level debug ('structured' and 'ecs'; console + file + OTLP receiver; logging.redact ['customer.email']; privacy.secretKeys ['ssn']) logs Password, PASSWORD, db_password, private_key, a password 4 levels deep, an apiKey 9 levels deep, a user:pass@ URL as a field, in the message and in an error message/stack, password=… pairs in the message and the error, secret child bindings",
    criterion: 'no canary value in stdout, stderr, the file or the decoded OTLP records',
    measured: `${leaks.length} canaries leaked${leaks.length ? ` (${leaks.slice(0, 4).join(', ')})` : ''}; ${masked} values masked across ${Object.keys(sinks).length} sinks`,
    passed: leaks.length === 0,
    upstream: 'pino with exact redact paths: Password, PASSWORD, db_password, private_key, nested passwords and URL credentials written as they are',
  });
  assert.deepEqual(leaks, []);
});

test('case 11 (stdout/file): a log flood with the OTLP receiver refused or hanging loses no console or file line', async (t) => {
  const FLOOD = 30_000; // beyond the OTLP output's 20,000 pending records
  const hanging = await receiverFor(t);
  hanging.setOptions({ hang: true });
  const modes = { refused: `${await refusedUrl()}/v1/logs`, hanging: `${hanging.url}/v1/logs` };
  const kept: Record<string, { stdout: number; file: number }> = {};
  for (const [mode, endpoint] of Object.entries(modes)) {
    const dir = appDir(t);
    const app = await start(t, dir, {
      outputs: ['console', 'file', 'otlp'],
      file: { path: join(dir, 'app.log'), size: null, frequency: null },
      otlp: { endpoint, timeoutMs: 2000 },
    });
    for (let batch = 0; batch < FLOOD / 5000; batch++) await call(app, `/log?count=5000&tag=flood-${batch}`);
    const count = (text: string) => jsonLines(text).filter((line) => line.includes('"tag":"flood-')).length;
    await pollUntil(() => count(app.stdout()) >= FLOOD && count(fileText(dir)) >= FLOOD, 20_000, 100);
    kept[mode] = { stdout: count(app.stdout()), file: count(fileText(dir)) };
  }
  const figures = Object.entries(kept).map(([mode, { stdout, file }]) => `${mode}: stdout ${stdout}/${FLOOD}, file ${file}/${FLOOD}`);
  const passed = Object.values(kept).every(({ stdout, file }) => stdout === FLOOD && file === FLOOD);
  recordCase({
    id: '11b',
    title: 'Log flood, OTLP receiver down or slow (console and file)',
    setup: `fixture app, outputs console + file + otlp; the OTLP endpoint refuses connections, then accepts and never answers; ${FLOOD} lines logged in 6 bursts`,
    criterion: `stdout and the file each hold all ${FLOOD} lines (OTLP drops are counted by the OTLP output, see case 3)`,
    measured: figures.join('; '),
    passed,
  });
  for (const { stdout, file } of Object.values(kept)) assert.deepEqual({ stdout, file }, { stdout: FLOOD, file: FLOOD });
});

interface FaultRun {
  fault: string;
  /** Lines written while the fault held, and after it cleared, found in the file(s). */
  figures: string;
  /** Warning lines naming the fault. */
  warnings: number;
  /** Failed checks. */
  failures: string[];
}

/**
 * One file fault: start with `setup`, log while it holds, wait for its warning, `clear` it,
 * wait for "back on", log again and find every later line in the file.
 */
async function faultThatClears(t: TestContext, fault: string, code: string, setup: (dir: string) => void, clear: (dir: string) => void): Promise<FaultRun> {
  const dir = appDir(t);
  setup(dir);
  const app = await start(t, dir, { outputs: ['file'], file: { path: join(dir, 'app.log'), size: null, frequency: null } });
  const failures: string[] = [];
  const warnings = () => stderrLines(app, new RegExp(`log output 'file' failed.*${code}`));
  await call(app, '/log?count=100&tag=during');
  if (!(await pollUntil(() => warnings().length > 0, 10_000))) failures.push(`no ${code} warning`);
  clear(dir);
  if (!(await pollUntil(() => stderrLines(app, /log output 'file' is back on/).length > 0, 20_000, 50))) failures.push('never back on');
  await call(app, '/log?count=100&tag=after');
  await pollUntil(() => tagged(parse(jsonLines(fileText(dir))), 'after').length >= 100, 5000);
  const after = tagged(parse(jsonLines(fileText(dir))), 'after').length;
  if (after !== 100) failures.push(`${after}/100 lines after the fault cleared`);
  const back = stderrLines(app, /is back on/)[0] ?? '';
  return { fault, figures: `${after}/100 lines after it cleared; ${/(\d+) lines were dropped/.exec(back)?.[1] ?? '?'} dropped while off`, warnings: warnings().length, failures };
}

/** The file is moved or deleted under the running app: the path is reopened, later lines land there. */
async function fileTakenAway(t: TestContext, fault: string, takeAway: (file: string) => void): Promise<FaultRun> {
  const dir = appDir(t);
  const app = await start(t, dir, { outputs: ['file'], file: { path: join(dir, 'app.log'), size: null, frequency: null } });
  const failures: string[] = [];
  await call(app, '/log?count=50&tag=before');
  await pollUntil(() => tagged(parse(jsonLines(fileText(dir))), 'before').length === 50, 5000);
  takeAway(join(dir, 'app.log'));
  const warnings = () => stderrLines(app, /log output 'file': .* while open; reopened/);
  if (!(await pollUntil(() => warnings().length > 0 && existsSync(join(dir, 'app.log')), 10_000))) failures.push('not reopened');
  await call(app, '/log?count=50&tag=after');
  await pollUntil(() => tagged(parse(jsonLines(fileText(dir))), 'after').length >= 50, 5000);
  const after = tagged(parse(jsonLines(fileText(dir))), 'after').length;
  if (after !== 50) failures.push(`${after}/50 lines after the reopen`);
  const moved = existsSync(join(dir, 'moved.log')) ? tagged(parse(jsonLines(fileText(dir, 'moved.log'))), 'before').length : 0;
  return { fault, figures: `${after}/50 later lines in the reopened file${moved ? `, ${moved}/50 earlier ones in the moved file` : ''}`, warnings: warnings().length, failures };
}

/** A log path under /proc: one warning, and the idle app's CPU time over 3 s. */
async function procPath(t: TestContext): Promise<FaultRun & { idleCpuMs: number }> {
  const dir = appDir(t);
  const app = await start(t, dir, { outputs: ['file'], file: { path: `/proc/beacon-fault-${process.pid}/app.log` } });
  const failures: string[] = [];
  const warnings = () => stderrLines(app, /log output 'file' failed.*ENOENT/);
  await call(app, '/log?count=100&tag=during');
  if (!(await pollUntil(() => warnings().length > 0, 10_000))) failures.push('no warning');
  const before = (await call(app, '/cpu')).cpuMs as number;
  await sleepAtLeast(3000); // the measured interval: retries at 1 and 2 s fall inside it
  const idleCpuMs = ((await call(app, '/cpu')).cpuMs as number) - before;
  if (idleCpuMs > 300) failures.push(`idle CPU ${idleCpuMs.toFixed(0)} ms in 3 s`);
  return { fault: '/proc path', figures: `idle CPU ${idleCpuMs.toFixed(0)} ms over 3 s`, warnings: warnings().length, failures, idleCpuMs };
}

test('case 12: file faults — one warning per fault, no CPU spin, the output comes back when the fault clears', async (t) => {
  const chmod = (mode: number, ...path: string[]) => (dir: string) => chmodSync(join(dir, ...path), mode);
  const runs = await Promise.all([
    faultThatClears(t, 'unwritable directory', 'EACCES', chmod(0o555), chmod(0o755)),
    faultThatClears(t, 'read-only file', 'EACCES', (dir) => {
      writeFileSync(join(dir, 'app.log'), '');
      chmodSync(join(dir, 'app.log'), 0o444);
    }, chmod(0o644, 'app.log')),
    faultThatClears(t, 'disk full (/dev/full)', 'ENOSPC', (dir) => symlinkSync('/dev/full', join(dir, 'app.log')), (dir) => {
      unlinkSync(join(dir, 'app.log'));
      writeFileSync(join(dir, 'app.log'), '');
    }),
    fileTakenAway(t, 'file renamed', (file) => renameSync(file, join(file, '..', 'moved.log'))),
    fileTakenAway(t, 'file deleted', (file) => unlinkSync(file)),
    procPath(t),
  ]);
  const failures = runs.flatMap((run) => [...run.failures, ...(run.warnings === 1 ? [] : [`${run.warnings} warning lines`])].map((failure) => `${run.fault}: ${failure}`));
  recordCase({
    id: '12',
    title: 'Log file faults',
    setup: `fixture app with the file output (${unprivileged ? 'in a user namespace without root\'s privileges, the suite runs as root' : 'as the suite\'s user'}): directory chmod 555, file chmod 444, file a symlink to /dev/full — each cleared while running; the file renamed, deleted; a path under /proc`,
    criterion: 'exactly one warning line per fault; the output comes back by itself once the fault clears and every later line is in the file; idle CPU under /proc < 300 ms over 3 s',
    measured: runs.map((run) => `${run.fault}: ${run.warnings} warning, ${run.figures}`).join('; '),
    passed: failures.length === 0,
    upstream: 'pino-roll with mkdir: true under /proc: one core spinning (2.9 s CPU in 3 s), no error, the process never exits; any other fault turned the output off until restart',
  });
  assert.deepEqual(failures, []);
});
