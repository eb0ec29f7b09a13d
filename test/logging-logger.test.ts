/**
 * `logger` / `createLogger()` as an app uses them: usable before (or without)
 * startMonitoring(), then following the configured pipeline, including loggers and
 * children made before it; the process still exits on its own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cleanEnv, fixture, registerPath, repoRoot, runToEnd } from './helpers/app.js';
import { hiding } from './helpers/hidden-packages.js';

function runWith(nodeArgs: string[], args: string[]) {
  const result = spawnSync(process.execPath, [...nodeArgs, fixture('logging-early.mjs'), ...args], { cwd: repoRoot, env: cleanEnv(), encoding: 'utf8', timeout: 15_000, maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `exit ${result.status} ${result.signal ?? ''}: the process must end by itself\n${result.stderr}`);
  return { stdout: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}
const run = (...args: string[]) => runWith([], args).stdout;

test('without startMonitoring the logger writes structured JSON to stdout', () => {
  const lines = run();
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(line.msg, 'before start');
  assert.equal(line.level, 'info');
  assert.equal(line.component, 'early');
});

test('loggers made before start follow the configured format (ecs) after it', () => {
  const output = run('start', 'ecs');
  assert.equal(output.at(-1), 'shutdown settled', 'await monitoring.shutdown() settles, after every line was written');
  const all = output.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(all.filter((line) => line.filler !== undefined).length, 20_000);
  const lines = all.filter((line) => line.filler === undefined);
  assert.deepEqual(lines.map((line) => line.msg ?? line.message), ['before start', 'after start', 'child after start', 'after shutdown']);
  assert.equal(lines.at(-1)!['log.level'], 'info', 'written after shutdown, still in the configured format');
  const [, after, child] = lines as [unknown, Record<string, unknown>, Record<string, unknown>];
  assert.equal(after['service.name'], 'early-app');
  assert.equal(after.component, 'early', 'the early binding is kept');
  assert.equal(child['log.level'], 'warn');
  assert.equal(child.sub, 1);
});

test("'pretty' renders lines for humans when pino-pretty is installed", () => {
  const lines = run('start', 'pretty').filter((line) => !line.includes('filler'));
  assert.ok(lines.some((line) => /^\[.+\] INFO \(\d+\): after start$/.test(line)), lines.join('\n'));
  assert.ok(lines.some((line) => /^\[.+\] WARN \(\d+\): child after start$/.test(line)), lines.join('\n'));
  assert.equal(lines.filter((line) => line.includes('"after start"')).length, 0, 'no JSON for lines after start');
});

test("'pretty' without pino-pretty installed: one warning, structured JSON, nothing lost", () => {
  const { stdout, stderr } = runWith(['--import', hiding('pino-pretty')], ['start', 'pretty']);
  const warnings = stderr.split('\n').filter((line) => line.includes('pino-pretty'));
  assert.equal(warnings.length, 1, stderr);
  assert.match(warnings[0]!, /npm install --save-dev pino-pretty/);
  const lines = stdout.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(
    lines.filter((line) => line.filler === undefined).map((line) => line.msg),
    ['before start', 'after start', 'child after start', 'after shutdown'],
  );
  assert.equal(lines.filter((line) => line.filler !== undefined).length, 20_000);
});

test("the console output's worker thread starts with the first line, not with the app", async () => {
  const workers = async (mode: string) => {
    const { exit, stdout, stderr } = await runToEnd(['--import', fixture('worker-heaps.mjs'), '--import', registerPath, fixture('logging-worker.mjs'), mode], { bare: true });
    assert.equal(exit.code, 0, stderr);
    const report = JSON.parse(stderr.split('\n').find((line) => line.startsWith('{'))!) as { atStart: number; afterLine: number };
    return { ...report, stdout };
  };
  const silent = await workers('silent');
  assert.deepEqual([silent.atStart, silent.afterLine], [0, 0], 'an app that never logs through Beacon pays no log worker');
  const logging = await workers('log');
  assert.deepEqual([logging.atStart, logging.afterLine], [0, 1]);
  assert.match(logging.stdout, /"msg":"first line"/, 'the first line is written all the same');
});
