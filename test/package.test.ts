/**
 * The package as users get it: `npm pack`, installed into a fresh app directory (express
 * beside it), then `node --import beacon-otel/register app.mjs` from there. Catches what
 * tests against the repo's own dist/ cannot: `files` and `exports` in package.json, and
 * dependencies that only resolve because the repo's node_modules has them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { configFile, repoRoot, runToEnd } from './helpers/app.js';
import { receiverFor } from './helpers/otlp-receiver.js';

const run = promisify(execFile);

/** Disk space taken under `dir`, as `du` counts it (allocated blocks: what a small file really costs). */
function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).blocks * 512, 0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const APP = `
import express from 'express';
import { logger } from 'beacon-otel';

const app = express();
app.get('/items/:id', (req, res) => {
  logger.info({ item: req.params.id }, 'item read');
  res.json({ id: req.params.id });
});
const server = app.listen(0, '127.0.0.1', async () => {
  const response = await fetch(\`http://127.0.0.1:\${server.address().port}/items/7\`);
  console.log(\`status \${response.status}\`);
  server.close();
});
`;

test('npm pack → npm install → node --import beacon-otel/register: an app outside the repo is traced', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-consumer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { stdout: packed } = await run(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: repoRoot });
  const tarball = packed.trim().split('\n').at(-1)!;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, type: 'module' }));
  writeFileSync(join(dir, 'app.mjs'), APP);
  // The npm cache already holds every dependency after the repo's own install: mostly offline.
  const install = (...specs: string[]) => run(npm, ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', ...specs], { cwd: dir, timeout: 150_000 });
  await install(`./${tarball}`);
  // The default install, alone in the app: what every user pays in disk and in packages to audit.
  const { stdout: tree } = await run(npm, ['ls', '--all', '--parseable', '--omit=dev'], { cwd: dir });
  const packages = new Set(tree.split('\n').filter((line) => line.includes('node_modules'))).size;
  const megabytes = bytesUnder(join(dir, 'node_modules')) / 1e6;
  t.diagnostic(`default install: ${packages} packages, ${megabytes.toFixed(1)} MB`);
  assert.ok(packages <= 150, `${packages} packages installed; the budget is 150`);
  assert.ok(megabytes <= 70, `${megabytes.toFixed(1)} MB installed; the budget is 70 MB`);
  await install('express@5');
  // The build and the sources its maps point at; no tests, benches or examples.
  assert.deepEqual(readdirSync(join(dir, 'node_modules', 'beacon-otel')).sort(), ['LICENSE', 'README.md', 'dist', 'package.json', 'register.cts', 'register.ts', 'src']);
  assert.deepEqual(readdirSync(join(dir, 'node_modules', 'beacon-otel', 'dist')).sort(), ['register.cjs', 'register.cjs.map', 'register.d.cts', 'register.d.cts.map', 'register.d.ts', 'register.d.ts.map', 'register.js', 'register.js.map', 'src']);
  // The bin, as `npx beacon-otel` finds it in the app's directory.
  const { stdout: usage } = await run(join(dir, 'node_modules', '.bin', 'beacon-otel'), ['--help'], { cwd: dir });
  assert.match(usage, /^usage: beacon-otel /);

  const receiver = await receiverFor(t);
  const { exit, stdout, stderr } = await runToEnd(['--import', 'beacon-otel/register', 'app.mjs'], {
    bare: true, // the register entry comes from the installed package, not the repo
    cwd: dir,
    receiver,
    // The OTLP log output too: its encoder thread's file must ship and resolve from the install.
    env: { OTEL_SERVICE_NAME: 'consumer', BEACON_CONFIG: configFile({ logging: { outputs: ['console', 'otlp'] } }) },
  });
  assert.deepEqual(exit, { code: 0, signal: null }, stderr);
  assert.match(stdout, /^status 200$/m);
  assert.match(stderr, /beacon-otel \S+ on Node\.js .* ESM, service consumer/);
  const server = receiver.spans.find((span) => span.kindName === 'SERVER');
  assert.ok(server, `no server span; requests: ${receiver.requests.map((request) => request.path).join(', ')}`);
  assert.equal(server.attributes['http.route'], '/items/:id');
  const line = stdout.split('\n').find((text) => text.includes('item read'));
  assert.ok(line, stdout);
  assert.equal((JSON.parse(line) as { trace_id: string }).trace_id, server.traceId, 'the log line leads to the trace');
  const record = receiver.logs.find((item) => item.body === 'item read');
  assert.ok(record, `no OTLP log record; requests: ${receiver.requests.map((request) => request.path).join(', ')}`);
  assert.equal(record.traceId, server.traceId);
  assert.equal(record.attributes.item, '7');
});
