/**
 * A server binary (Prometheus, Alertmanager) run for one test: its output kept for error
 * messages, ready when `readyUrl` answers 200 (at most 20 s), stopped and its temp dir
 * removed afterwards.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { stopChild } from './child.js';
import { get } from './http.js';
import { sleep } from './timing.js';

export async function startServerProcess(t: TestContext, binary: string, args: readonly string[], dir: string, readyUrl: string): Promise<{ logs(): string }> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout.on('data', (chunk: Buffer) => (logs += chunk));
  child.stderr.on('data', (chunk: Buffer) => (logs += chunk));
  t.after(async () => {
    await stopChild(child, 'SIGTERM', 5000);
    rmSync(dir, { recursive: true, force: true });
  });

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}:\n${logs}`);
    const ready = await get(readyUrl).then((response) => response.status === 200, () => false);
    if (ready) return { logs: () => logs };
    if (Date.now() > deadline) throw new Error(`${binary} not ready within 20 s:\n${logs}`);
    await sleep(100);
  }
}
