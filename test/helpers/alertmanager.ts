/**
 * A real Alertmanager for tests: Debian's `prometheus-alertmanager`, bound to 127.0.0.1 on a
 * free port, clustering off, with the given config and a temp data dir, stopped afterwards.
 * When the binary is missing the test fails with a message saying how to install it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stopChild } from './child.js';
import { get } from './http.js';
import { freePort } from './net.js';
import { sleep } from './timing.js';

export const ALERTMANAGER_BINARY = process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager';

export interface RunningAlertmanager {
  /** host:port, as Prometheus's alerting config names it. */
  address: string;
  logs(): string;
}

export async function startAlertmanager(t: TestContext, config: string): Promise<RunningAlertmanager> {
  const probe = spawnSync(ALERTMANAGER_BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `the Alertmanager binary '${ALERTMANAGER_BINARY}' is not available (${probe.error?.message ?? `exit ${probe.status}`}); ` +
        'install it with `apt-get install -y prometheus-alertmanager` (Debian package) or set ALERTMANAGER_BIN',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'beacon-alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const address = `127.0.0.1:${await freePort()}`;
  const child: ChildProcess = spawn(
    ALERTMANAGER_BINARY,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=${address}`, '--cluster.listen-address=', '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  child.stdout!.on('data', (chunk: Buffer) => (logs += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (logs += chunk));
  t.after(async () => {
    await stopChild(child, 'SIGTERM', 5000);
    rmSync(dir, { recursive: true, force: true });
  });

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}:\n${logs}`);
    const ready = await get(`http://${address}/-/ready`).then((response) => response.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`alertmanager not ready within 20 s:\n${logs}`);
    await sleep(100);
  }
  return { address, logs: () => logs };
}
