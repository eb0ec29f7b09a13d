/**
 * A real Alertmanager for tests: Debian's `prometheus-alertmanager`, bound to 127.0.0.1 on a
 * free port, clustering off, with the given config and a temp data dir, stopped afterwards.
 * When the binary is missing the test fails with a message saying how to install it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from './net.js';
import { startServerProcess } from './server-process.js';

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
  const { logs } = await startServerProcess(
    t,
    ALERTMANAGER_BINARY,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=${address}`, '--cluster.listen-address=', '--log.level=warn'],
    dir,
    `http://${address}/-/ready`,
  );
  return { address, logs };
}
