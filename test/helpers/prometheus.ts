/**
 * A real Prometheus server for tests: the Debian package's binary, bound to 127.0.0.1 on a
 * free port, with a temp config (1 s scrape and evaluation intervals; rule files and
 * Alertmanagers if given) and data dir, stopped afterwards.
 * When the binary is missing the test fails with a message saying how to install it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { get } from './http.js';
import { sleep } from './timing.js';
import { freePort } from './net.js';
import { startServerProcess } from './server-process.js';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface RunningPrometheus {
  url: string;
  query(promql: string): Promise<PromSample[]>;
  /** Polls `promql` until `accept` says yes (default: at least one series) or the time is up. */
  waitFor(promql: string, accept?: (samples: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  targets(): Promise<PromTarget[]>;
  logs(): string;
}

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BIN ?? 'prometheus';

export interface PrometheusOptions {
  /** Rule files to evaluate (every second). */
  ruleFiles?: readonly string[];
  /** Alertmanagers (host:port) to send firing alerts to. */
  alertmanagers?: readonly string[];
}

const list = (items: readonly string[]) => `[${items.map((item) => `'${item}'`).join(', ')}]`;

export async function startPrometheus(t: TestContext, targets: readonly string[], jobName = 'app', options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const probe = spawnSync(PROMETHEUS_BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `the Prometheus server binary '${PROMETHEUS_BINARY}' is not available (${probe.error?.message ?? `exit ${probe.status}`}); ` +
        'install it with `apt-get install -y prometheus` (Debian package) or set PROMETHEUS_BIN',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'beacon-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      ...(options.ruleFiles ? [`rule_files: ${list(options.ruleFiles)}`] : []),
      ...(options.alertmanagers ? ['alerting:', '  alertmanagers:', `    - static_configs: [{ targets: ${list(options.alertmanagers)} }]`] : []),
      'scrape_configs:',
      `  - job_name: ${jobName}`,
      '    static_configs:',
      `      - targets: ${list(targets)}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { logs } = await startServerProcess(
    t,
    PROMETHEUS_BINARY,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    dir,
    `${url}/-/ready`,
  );

  const api = async <T>(path: string): Promise<T> => {
    const response = await get(`${url}${path}`);
    const body = JSON.parse(response.body) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  const query = async (promql: string) =>
    (await api<{ resultType: string; result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`)).result;
  return {
    url,
    query,
    async waitFor(promql, accept = (samples) => samples.length > 0, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last: PromSample[] = [];
      while (Date.now() < until) {
        last = await query(promql);
        if (accept(last)) return last;
        await sleep(250);
      }
      throw new Error(`PromQL ${promql} did not return what was expected within ${timeoutMs} ms; last result: ${JSON.stringify(last)}`);
    },
    targets: async () => (await api<{ activeTargets: PromTarget[] }>('/api/v1/targets')).activeTargets,
    logs,
  };
}
