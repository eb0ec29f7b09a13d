/**
 * The metrics hot path: what recording a value costs the app's thread through Beacon's API,
 * the raw OTel API and prom-client (metrics-writer.ts, one child under the register entry so
 * that Beacon's real meter provider, views and limits are in the path). Medians of the rounds.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, registerPath, repoRoot } from '../test/helpers/app.js';
import { firstMessage, killChild } from './child.js';
import { median } from './stats.js';

export async function benchMetricsHotPath(rounds: number, operations = 500_000): Promise<{ name: string; opsPerSecond: number }[]> {
  const child = spawn(process.execPath, ['--import', registerPath, join(repoRoot, 'dist', 'bench', 'metrics-writer.js'), String(operations), String(rounds)], {
    cwd: repoRoot,
    env: cleanEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_LOG_LEVEL: 'error' }),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const samples = await firstMessage<Record<string, number[]>>(child, 'the metrics writer', 120_000);
  await killChild(child);
  return Object.entries(samples).map(([name, values]) => ({ name, opsPerSecond: median(values) }));
}
