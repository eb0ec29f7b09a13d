/**
 * The peers Beacon is compared with (Elastic's distribution, dd-trace) and the load generator
 * (autocannon) live in bench/peers with their own lockfile: installed here on the first bench
 * run (and again when the lockfile changes), never part of the product's `npm install`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/helpers/app.js';

export const peersRoot = join(repoRoot, 'bench', 'peers');
const modules = join(peersRoot, 'node_modules');

export const peerPath = (relative: string) => join(modules, relative);

export function installPeers(): void {
  const installed = join(modules, '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(peersRoot, 'package-lock.json')).mtimeMs) return;
  console.log('bench: installing the peers into bench/peers (npm ci, once)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peersRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ci in bench/peers failed (status ${result.status})`);
}

export function peerVersion(name: string): string {
  return (JSON.parse(readFileSync(peerPath(join(name, 'package.json')), 'utf8')) as { version: string }).version;
}
