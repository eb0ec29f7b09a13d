/**
 * Starts Beacon's metrics module in the test process (no child app): the resolved config
 * and a plain resource.
 */
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
