/**
 * One copy of each OpenTelemetry core package: a second @opentelemetry/api turns spans
 * into silent no-ops, and a second SDK tree doubles start-up cost.
 */
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/app.js';

// One walk of node_modules for every package below (a walk costs the better part of a second).
// The test receivers' OTLP definitions (otlp-definitions, a dev-only alias of an older
// otlp-transformer) bring that release's SDK along, never loaded: only its generated protobuf root is.
const manifests = globSync('node_modules/**/@opentelemetry/*/package.json', { cwd: repoRoot }).filter((path) => !path.includes('node_modules/otlp-definitions/'));

for (const name of ['api', 'core', 'instrumentation', 'sdk-trace', 'sdk-metrics', 'sdk-logs', 'resources', 'sdk-node']) {
  test(`node_modules holds exactly one @opentelemetry/${name}`, () => {
    const copies = manifests.filter((path) => basename(dirname(path)) === name);
    const versions = copies.map((path) => `${path} (${(JSON.parse(readFileSync(join(repoRoot, path), 'utf8')) as { version: string }).version})`);
    assert.equal(copies.length, 1, versions.join('\n'));
  });
}

test('@opentelemetry/api is a peer dependency, so the app and Beacon share one copy', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  assert.ok(manifest.peerDependencies?.['@opentelemetry/api']);
  assert.equal(manifest.dependencies?.['@opentelemetry/api'], undefined);
});

test('@opentelemetry/sdk-node is an optional peer (kept out of the default install), pinned with the other 0.300.x packages', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
  assert.equal(manifest.dependencies?.['@opentelemetry/sdk-node'], undefined);
  assert.equal(manifest.peerDependencies?.['@opentelemetry/sdk-node'], manifest.dependencies?.['@opentelemetry/instrumentation']);
  assert.deepEqual(manifest.peerDependenciesMeta?.['@opentelemetry/sdk-node'], { optional: true });
});
