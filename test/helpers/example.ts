/** The example service (examples/orders-service) built, under Beacon with its own config, its metrics on a free port. */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type RunningApp, repoRoot, startApp } from './app.js';
import { freePort } from './net.js';

export async function startExample(t: TestContext): Promise<{ app: RunningApp; metricsTarget: string }> {
  const metricsPort = await freePort();
  const app = await startApp(t, join(repoRoot, 'dist', 'examples', 'orders-service', 'server.js'), {
    env: {
      BEACON_CONFIG: join(repoRoot, 'examples', 'orders-service', 'monitoring.config.ts'),
      PORT: '0',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    },
  });
  return { app, metricsTarget: `127.0.0.1:${metricsPort}` };
}
