/**
 * sdk-trace's Tracer reads the API module itself, not rolldown's interop object
 * (src/otel/api-interop.cts): the package's helper hands the API over as it is and still wraps
 * every other module as before, and under Beacon's register the Tracer module loads only after
 * the helper was changed — a Tracer loaded earlier would keep the slow object for good.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanEnv, registerPath, repoRoot } from '../helpers/app.js';

const require = createRequire(import.meta.url);
const interopPath = join(repoRoot, 'dist', 'src', 'otel', 'api-interop.cjs');
const interop = require(interopPath) as { readApiDirectly(name: string): void; rolldownRuntime(name: string): { __toESM?: (mod: unknown, isNodeMode?: unknown) => unknown } | undefined };
const api = require('@opentelemetry/api') as object;

test("sdk-trace's interop helper hands the API over as it is, and wraps other modules as before", () => {
  const runtime = interop.rolldownRuntime('@opentelemetry/sdk-trace');
  assert.equal(typeof runtime?.__toESM, 'function', "the package's build has rolldown's helper where Beacon looks for it");
  const original = runtime!.__toESM!;
  const other = { answer: 42 };
  const wrappedBefore = original(other) as Record<string, unknown>;
  assert.notEqual(original(api), api, 'the API is wrapped before');

  interop.readApiDirectly('@opentelemetry/sdk-trace');
  interop.readApiDirectly('@opentelemetry/sdk-trace'); // twice: still one layer
  const helper = runtime!.__toESM!;
  assert.equal(helper(api), api);
  const wrapped = helper(other) as Record<string, unknown>;
  assert.notEqual(wrapped, other);
  assert.deepEqual({ answer: wrapped.answer, default: wrapped.default }, { answer: wrappedBefore.answer, default: wrappedBefore.default });
  assert.equal(interop.rolldownRuntime('not-a-package-beacon-knows'), undefined);
});

test("under Beacon's register, sdk-trace's Tracer module loads after its helper hands the API over", () => {
  // Preloaded before the register: notes, when the Tracer module is first required, what the helper does with the API.
  const probe = `
    const Module = require('node:module');
    const { join, dirname } = require('node:path');
    const load = Module._load;
    Module._load = function (request, parent, ...rest) {
      if (request === './Tracer.cjs' && parent && parent.filename.includes('sdk-trace') && !globalThis.tracerSeen) {
        globalThis.tracerSeen = true;
        const runtime = require(join(dirname(parent.filename), '_virtual', '_rolldown', 'runtime.cjs'));
        const api = require(require.resolve('@opentelemetry/api', { paths: [parent.filename] }));
        process.stdout.write('tracer loads; API handed over: ' + (runtime.__toESM(api) === api) + '\\n');
      }
      return load.call(this, request, parent, ...rest);
    };`;
  const probePath = join(mkdtempSync(join(tmpdir(), 'beacon-interop-')), 'probe.cjs');
  writeFileSync(probePath, probe);
  const output = execFileSync(process.execPath, ['--require', probePath, '--import', registerPath, '-e', 'setTimeout(() => process.exit(0), 50)'], {
    cwd: repoRoot,
    env: cleanEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }),
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.match(output, /^tracer loads; API handed over: true$/m);
});
