// Community Node.js dashboards query prom-client's default metrics: Beacon's endpoint serves
// every one of them, as prom-client 15 does (name, type, label names), and a real Prometheus
// finds each. The list is prom-client's own, collected in this process, not a copy of it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { type RunningApp, fixture, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { freePort } from './helpers/net.js';
import { startPrometheus } from './helpers/prometheus.js';
import { sleep } from './helpers/timing.js';

interface Family {
  type: string;
  labels: string[];
}

async function promClientDefaults(): Promise<Map<string, Family>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const families = new Map<string, Family>();
  for (const { name, type } of await registry.getMetricsAsJSON()) {
    // The declared label names: a family with no series yet (no GC, no request) has them too.
    const { labelNames } = registry.getSingleMetric(name) as unknown as { labelNames: string[] };
    families.set(name, { type: String(type), labels: [...labelNames].sort() });
  }
  registry.clear();
  return families;
}

/** `# TYPE` lines and the label names of each family's samples (`le` is the histogram's own). */
function parseFamilies(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(name!, { type: type!, labels: [] });
  for (const [, series, labels = ''] of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/gm)) {
    const family = families.get(series!) ?? families.get(series!.replace(/_(bucket|sum|count)$/, ''));
    if (!family) continue;
    const names = [...labels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((match) => match[1]!).filter((name) => name !== 'le');
    family.labels = [...new Set([...family.labels, ...names])].sort();
  }
  return families;
}

/** The metrics app under --import, with a libuv request held open for nodejs_active_requests. */
async function startHoldingApp(t: TestContext): Promise<{ app: RunningApp; metricsPort: number }> {
  const metricsPort = await freePort();
  const app = await startApp(t, fixture('metrics-app.mjs'), {
    env: { OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) },
    config: { service: { name: 'prom-client-names' }, tracing: { exporter: 'none' }, logging: { outputs: [] } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'beacon-fifo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, 'held');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  assert.equal((await get(`${app.url}/hold-request?path=${encodeURIComponent(fifo)}`)).status, 200);
  return { app, metricsPort };
}

test("the endpoint serves every prom-client default metric with prom-client's type and label names", async (t) => {
  const expected = await promClientDefaults();
  assert.ok(expected.size >= 31, `prom-client 15 has 31 default metrics, got ${expected.size}`);
  const { app, metricsPort } = await startHoldingApp(t);

  // Series show up as their cause does: the lag from the second collection, GC durations after a GC.
  const deadline = Date.now() + 20_000;
  let served = new Map<string, Family>();
  const mismatches = () =>
    [...expected].flatMap(([name, family]) => {
      const got = served.get(name);
      return got && got.type === family.type && got.labels.join() === family.labels.join()
        ? []
        : [`${name}: prom-client ${family.type} {${family.labels}}, Beacon ${got ? `${got.type} {${got.labels}}` : 'missing'}`];
    });
  do {
    await get(`${app.url}/orders/1`);
    served = parseFamilies((await get(`http://127.0.0.1:${metricsPort}/metrics`)).body);
    if (mismatches().length === 0) break;
    await sleep(250);
  } while (Date.now() < deadline);
  assert.deepEqual(mismatches(), []);
});

test('a real Prometheus scraping the app answers a query for every prom-client default metric', async (t) => {
  const expected = await promClientDefaults();
  const { app, metricsPort } = await startHoldingApp(t);
  const prometheus = await startPrometheus(t, [`127.0.0.1:${metricsPort}`]);
  await prometheus.waitFor('up{job="app"} == 1');
  await get(`${app.url}/orders/1`);
  for (const [name, { type }] of expected) {
    const series = type === 'histogram' || type === 'summary' ? `${name}_count` : name;
    const samples = await prometheus.waitFor(`${series}{job="app"}`);
    assert.ok(samples.every((sample) => Number(sample.value[1]) >= 0), `${series}: ${JSON.stringify(samples)}`);
  }
});
