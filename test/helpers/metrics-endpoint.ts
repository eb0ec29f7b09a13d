/**
 * Starts Beacon's metrics module in the test process (no child app): the resolved config,
 * a plain resource, and a request helper that can pick the address family it connects from.
 */
import { request } from 'node:http';
import type { TestContext } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { resolveConfig } from '../../src/config/resolve.js';
import type { BeaconConfig } from '../../src/config/types.js';
import { startMetrics } from '../../src/metrics/signal.js';
import type { SignalComponent } from '../../src/signal-component.js';

export async function startMetricsModule(t: TestContext, metrics: BeaconConfig['metrics']): Promise<SignalComponent> {
  const { config } = resolveConfig({ service: { name: 'metrics-test' }, metrics }, {});
  const component = await startMetrics(config, resourceFromAttributes({ 'service.name': 'metrics-test' }));
  if (!component) throw new Error('metrics did not start');
  t.after(() => component.shutdown());
  return component;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function call(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${url} timed out`)));
    req.end();
  });
}

/** The port from a start-up destination like `prometheus http://[::]:1234/metrics`. */
export function portOf(destination: string): number {
  const match = /prometheus http:\/\/.*?:(\d+)\//.exec(destination);
  if (!match) throw new Error(`no port in ${destination}`);
  return Number(match[1]);
}
