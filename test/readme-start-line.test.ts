/**
 * The README's sample start-up line is what Beacon prints for the README's sample config: the
 * config block is written, as printed there, to a new app's `monitoring.config.ts`, the app is
 * started with the register entry, and its first start-up line must equal the sample. Two parts
 * of the line depend on the machine and are put back to the sample's values before comparing:
 * the Node.js version, and the metrics endpoint's address (tests never bind the default port).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot, runToEnd } from './helpers/app.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

function readmeBlock(pattern: RegExp, what: string): string {
  const block = readme.match(pattern)?.[1];
  assert.ok(block, `the README has no ${what}`);
  return block;
}

test("the README's sample start-up line is what Beacon prints for the README's sample config", async () => {
  const config = readmeBlock(/```ts\n(\/\/ monitoring\.config\.ts\n[\s\S]*?)```/, 'sample monitoring.config.ts');
  const sampleLine = readmeBlock(/```\n(\[beacon\] beacon-otel .*)\n/, 'sample start-up line');

  const app = mkdtempSync(join(tmpdir(), 'beacon-readme-'));
  const beacon = pathToFileURL(join(repoRoot, 'dist', 'src', 'index.js')).href;
  writeFileSync(join(app, 'monitoring.config.ts'), config.replace("from 'beacon-otel'", `from '${beacon}'`));
  writeFileSync(join(app, 'app.mjs'), '');

  const { exit, stderr } = await runToEnd(['app.mjs'], { cwd: app });
  assert.equal(exit.code, 0, stderr);
  const printed = stderr.match(/^\[beacon\] beacon-otel .*$/m)?.[0];
  assert.ok(printed, `no start-up line:\n${stderr}`);

  const sampleNode = sampleLine.match(/Node\.js (v[\d.]+)/)![1]!;
  const sampleMetrics = sampleLine.match(/metrics → prometheus ([^\s;]+)/)![1]!;
  const normalized = printed
    .replace(/Node\.js v[\d.]+/, `Node.js ${sampleNode}`)
    .replace(/metrics → prometheus http:\/\/127\.0\.0\.1:\d+\/metrics/, `metrics → prometheus ${sampleMetrics}`);
  assert.equal(normalized, sampleLine);
});
