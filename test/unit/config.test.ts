import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BeaconConfigError, ErrorCodes, resolveConfig, type BeaconConfig } from '../../src/index.js';
import { findConfigFile, loadConfigFile } from '../../src/config/load.js';

type Row = { name: string; options: unknown; error: RegExp; field: string };

// Every field's bad values: the error names the path, what is allowed and what was given.
const invalidRows: Row[] = [
  { name: 'sampler above 1', options: { tracing: { sampler: 1.5 } }, field: 'tracing.sampler',
    error: /^tracing\.sampler: expected a number between 0 and 1, one of 'always_on' \| 'always_off' \| .*got 1\.5$/ },
  { name: 'negative sampler', options: { tracing: { sampler: -0.1 } }, field: 'tracing.sampler', error: /got -0\.1$/ },
  { name: 'sampler name typo', options: { tracing: { sampler: 'always' } }, field: 'tracing.sampler', error: /got "always"$/ },
  { name: 'sampler NaN', options: { tracing: { sampler: Number.NaN } }, field: 'tracing.sampler', error: /got NaN$/ },
  { name: 'sampler rule ratio', options: { tracing: { sampler: { rules: [{ path: '/a', ratio: 2 }] } } }, field: 'tracing.sampler.rules[0].ratio', error: /between 0 and 1, got 2/ },
  { name: 'sampler rule without ratio', options: { tracing: { sampler: { rules: [{ path: '/a' }] } } }, field: 'tracing.sampler.rules[0].ratio', error: /got undefined/ },
  { name: 'sampler rule path', options: { tracing: { sampler: { rules: [{ path: 'health', ratio: 0 }] } } }, field: 'tracing.sampler.rules[0].path', error: /starting with '\/'/ },
  { name: 'sampler cap', options: { tracing: { sampler: { maxPerSecond: -1 } } }, field: 'tracing.sampler.maxPerSecond', error: />= 0, got -1/ },
  { name: 'exporter', options: { tracing: { exporter: 'zipkin' } }, field: 'tracing.exporter', error: /one of 'jaeger' \| 'otlp' \| 'console' \| 'none', got "zipkin"/ },
  { name: 'endpoint not a URL', options: { tracing: { otlp: { endpoint: 'localhost:4318' } } }, field: 'tracing.otlp.endpoint', error: /http:\/\/ or https:\/\/ URL/ },
  { name: 'protocol', options: { tracing: { otlp: { protocol: 'http' } } }, field: 'tracing.otlp.protocol', error: /'http\/protobuf' \| 'http\/json' \| 'grpc', got "http"/ },
  { name: 'header value', options: { tracing: { otlp: { headers: { 'x-key': 5 } } } }, field: 'tracing.otlp.headers.x-key', error: /string header value, got 5/ },
  { name: 'timeout', options: { tracing: { otlp: { timeoutMs: 0 } } }, field: 'tracing.otlp.timeoutMs', error: /positive integer/ },
  { name: 'batch size', options: { tracing: { batch: { maxQueueSize: 1.5 } } }, field: 'tracing.batch.maxQueueSize', error: /integer >= 1/ },
  { name: 'propagator', options: { tracing: { propagators: ['w3c'] } }, field: 'tracing.propagators[0]', error: /'tracecontext'/ },
  { name: 'ignore path', options: { tracing: { ignorePaths: ['health'] } }, field: 'tracing.ignorePaths[0]', error: /starting with '\/'/ },
  { name: 'attribute value length 0', options: { tracing: { limits: { attributeValueLength: 0 } } }, field: 'tracing.limits.attributeValueLength', error: /positive integer \(characters\), got 0/ },
  { name: 'event count', options: { tracing: { limits: { eventCount: -1 } } }, field: 'tracing.limits.eventCount', error: /integer >= 0, got -1/ },
  { name: 'tracing enabled', options: { tracing: { enabled: 'yes' } }, field: 'tracing.enabled', error: /true or false, got "yes"/ },
  { name: 'service name blank', options: { service: { name: '   ' } }, field: 'service.name', error: /non-empty string/ },
  { name: 'service attribute', options: { service: { attributes: { team: {} } } }, field: 'service.attributes.team', error: /string, number or boolean/ },
  { name: 'detector', options: { service: { detectors: ['kubernetes'] } }, field: 'service.detectors[0]', error: /'aws'/ },
  { name: 'log level', options: { logging: { level: 'verbose' } }, field: 'logging.level', error: /'trace' \| 'debug'/ },
  { name: 'log format', options: { logging: { format: 'json' } }, field: 'logging.format', error: /'structured' \| 'ecs' \| 'pretty'/ },
  { name: 'log output', options: { logging: { outputs: ['kafka'] } }, field: 'logging.outputs[0]', error: /'console' \| 'file' \| 'otlp'/ },
  { name: 'log output level', options: { logging: { outputs: [{ type: 'file', level: 'loud' }] } }, field: 'logging.outputs[0].level', error: /got "loud"/ },
  { name: 'log file size', options: { logging: { file: { size: 'big' } } }, field: 'logging.file.size', error: /'10m'/ },
  { name: 'log file keep', options: { logging: { file: { keep: 0 } } }, field: 'logging.file.keep', error: />= 1/ },
  { name: 'metrics collector', options: { metrics: { collectors: ['gpu'] } }, field: 'metrics.collectors[0]', error: /'http' \| 'runtime'/ },
  { name: 'duplicate collector', options: { metrics: { collectors: ['http', 'http'] } }, field: 'metrics.collectors[1]', error: /no duplicates/ },
  { name: 'metrics interval', options: { metrics: { interval: 0 } }, field: 'metrics.interval', error: /seconds between 0\.1 and 3600/ },
  { name: 'metrics exporter', options: { metrics: { exporters: ['http'] } }, field: 'metrics.exporters[0]', error: /'prometheus'/ },
  { name: 'prometheus port', options: { metrics: { prometheus: { port: 70000 } } }, field: 'metrics.prometheus.port', error: /port number/ },
  { name: 'prometheus path', options: { metrics: { prometheus: { path: 'metrics' } } }, field: 'metrics.prometheus.path', error: /starting with '\/'/ },
  { name: 'allowed ip', options: { metrics: { prometheus: { allowedIps: ['10.0.0.0/33'] } } }, field: 'metrics.prometheus.allowedIps[0]', error: /CIDR/ },
  { name: 'allowed ip v6', options: { metrics: { prometheus: { allowedIps: ['fe80::/129'] } } }, field: 'metrics.prometheus.allowedIps[0]', error: /CIDR/ },
  { name: 'allowed ip with host bits', options: { metrics: { prometheus: { allowedIps: ['127.0.0.5/24'] } } }, field: 'metrics.prometheus.allowedIps[0]',
    error: /CIDR, e\.g\. '10\.0\.0\.0\/8' or '::1\/128' \(no host bits set after the prefix: write '127\.0\.0\.0\/24' for the network or '127\.0\.0\.5' for the one address\), got "127\.0\.0\.5\/24"$/ },
  { name: 'allowed ip prefix with a leading zero', options: { metrics: { prometheus: { allowedIps: ['10.0.0.0/08'] } } }, field: 'metrics.prometheus.allowedIps[0]', error: /write '10\.0\.0\.0\/8'/ },
  { name: 'allowed ip octet with a leading zero', options: { metrics: { prometheus: { allowedIps: ['010.0.0.1'] } } }, field: 'metrics.prometheus.allowedIps[0]', error: /without leading zeros/ },
  { name: 'allowed ip with a zone id', options: { metrics: { prometheus: { allowedIps: ['fe80::1%eth0'] } } }, field: 'metrics.prometheus.allowedIps[0]', error: /no zone id: write 'fe80::1'/ },
  { name: 'trusted proxy with host bits', options: { metrics: { prometheus: { trustProxy: ['10.1.0.0/8'] } } }, field: 'metrics.prometheus.trustProxy[0]', error: /write '10\.0\.0\.0\/8'/ },
  { name: 'scrape interval', options: { metrics: { prometheus: { minIntervalMs: -1 } } }, field: 'metrics.prometheus.minIntervalMs', error: /integer >= 0 \(milliseconds; 0: share only a collection in progress\), got -1$/ },
  { name: 'scrape interval fraction', options: { metrics: { prometheus: { minIntervalMs: 0.5 } } }, field: 'metrics.prometheus.minIntervalMs', error: /got 0\.5$/ },
  { name: 'response cap', options: { metrics: { prometheus: { maxResponseBytes: 100 } } }, field: 'metrics.prometheus.maxResponseBytes', error: /integer >= 1024 \(bytes\), got 100$/ },
  { name: 'auth', options: { metrics: { prometheus: { auth: { user: 'a' } } } }, field: 'metrics.prometheus.auth.user', error: /unknown key 'user'\. Did you mean 'username'\?/ },
  { name: 'buckets', options: { metrics: { buckets: [0.1, -1] } }, field: 'metrics.buckets[1]', error: />= 0/ },
  { name: 'cardinality', options: { metrics: { cardinalityLimit: 0 } }, field: 'metrics.cardinalityLimit', error: />= 1/ },
  { name: 'unknown instrumentation', options: { instrumentations: { expres: false } }, field: 'instrumentations.expres', error: /Did you mean 'express'\?/ },
  { name: 'instrumentation setting', options: { instrumentations: { pg: 'on' } }, field: 'instrumentations.pg', error: /true, false or an options object/ },
  { name: 'shutdown timeout', options: { shutdown: { timeoutMs: -5 } }, field: 'shutdown.timeoutMs', error: /positive integer/ },
  { name: 'diagnostics level', options: { diagnostics: { level: 'loud' } }, field: 'diagnostics.level', error: /'none' \| 'error'/ },
  { name: 'top-level typo', options: { tracng: {} }, field: 'tracng', error: /unknown key 'tracng'\. Did you mean 'tracing'\?/ },
  { name: 'nested typo', options: { tracing: { sampeler: 0.1 } }, field: 'tracing.sampeler', error: /Did you mean 'sampler'\?/ },
  { name: 'not an object', options: { tracing: 0.1 }, field: 'tracing', error: /expected an object, got 0\.1/ },
];

for (const row of invalidRows) {
  test(`config error: ${row.name}`, () => {
    assert.throws(
      () => resolveConfig(row.options as BeaconConfig),
      (error: unknown) => {
        assert.ok(error instanceof BeaconConfigError, `expected BeaconConfigError, got ${String(error)}`);
        assert.equal(error.field, row.field);
        assert.match(error.message, row.error);
        assert.ok(error.message.startsWith(`${row.field}: `));
        return true;
      },
    );
  });
}

test('an unknown key far from every known one gets no suggestion but lists what is allowed', () => {
  assert.throws(() => resolveConfig({ zzzzzzzz: 1 } as BeaconConfig), (error: BeaconConfigError) => {
    assert.equal(error.code, ErrorCodes.UNKNOWN_KEY);
    assert.doesNotMatch(error.message, /Did you mean/);
    assert.match(error.message, /Allowed: enabled, service, logging, metrics, tracing/);
    return true;
  });
});

test("the app's package.json names the service below the config and env, its version only with its name", () => {
  const app = { name: 'orders', version: '2.3.1' };
  const identity = (options: BeaconConfig, env: Record<string, string> = {}) => {
    const { config, sources } = resolveConfig(options, env, app);
    return [config.service.name, sources.get('service.name'), config.service.version, sources.get('service.version')];
  };
  assert.deepEqual(identity({}), ['orders', 'package.json', '2.3.1', 'package.json']);
  assert.deepEqual(identity({ service: { version: '9' } }), ['orders', 'package.json', '9', 'config']);
  assert.deepEqual(identity({ service: { name: 'billing' } }), ['billing', 'config', null, 'default']);
  assert.deepEqual(identity({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=env-name' }), ['env-name', 'env:OTEL_RESOURCE_ATTRIBUTES', null, 'default']);
  assert.deepEqual(resolveConfig({}, {}, { version: '2.3.1' }).config.service, resolveConfig({}, {}).config.service);
});

test('level names in the config object are case-insensitive and resolve to lower case', () => {
  const { config } = resolveConfig({
    logging: { level: 'INFO', outputs: ['file', { type: 'console', level: 'WARN' }] },
    diagnostics: { level: 'DEBUG' },
  });
  assert.equal(config.logging.level, 'info');
  assert.deepEqual(config.logging.outputs, [{ type: 'file', level: 'info' }, { type: 'console', level: 'warn' }]);
  assert.equal(config.diagnostics.level, 'debug');
  // Written in mixed case (not in the types, but in a JSON config file).
  assert.equal(resolveConfig({ logging: { level: 'Error' as 'error' } }).config.logging.level, 'error');
});

test('{} resolves to the documented defaults, frozen', () => {
  const { config, warnings } = resolveConfig({}, {});
  assert.deepEqual(warnings, []);
  assert.equal(config.enabled, true);
  assert.equal(config.service.name, 'unknown_service:node');
  assert.deepEqual(config.tracing.sampler, { ratio: 1, parentBased: true, rules: [], maxPerSecond: null });
  assert.equal(config.tracing.exporter, 'otlp');
  assert.equal(config.tracing.otlp.endpoint, 'http://localhost:4318/v1/traces');
  assert.equal(config.tracing.otlp.protocol, 'http/protobuf');
  assert.deepEqual(config.tracing.limits, { attributeValueLength: 4096, attributeCount: 128, eventCount: 128, linkCount: 128 });
  assert.deepEqual(config.logging.outputs, [{ type: 'console', level: 'info' }]);
  assert.equal(config.metrics.prometheus.port, 9464);
  assert.deepEqual(config.service.detectors, ['host', 'os', 'process', 'container']);
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.tracing.sampler) && Object.isFrozen(config.tracing.ignorePaths));
  assert.throws(() => {
    (config.tracing as { exporter: string }).exporter = 'none';
  }, TypeError);
});

test('sampler shorthands normalise to one shape', () => {
  const sampler = (value: unknown) => resolveConfig({ tracing: { sampler: value } } as BeaconConfig).config.tracing.sampler;
  assert.deepEqual(sampler(0.1), { ratio: 0.1, parentBased: true, rules: [], maxPerSecond: null });
  assert.deepEqual(sampler('always_off'), { ratio: 0, parentBased: false, rules: [], maxPerSecond: null });
  assert.deepEqual(sampler('parentbased_always_on'), { ratio: 1, parentBased: true, rules: [], maxPerSecond: null });
  assert.deepEqual(sampler({ ratio: 0.5, parentBased: false, maxPerSecond: 5, rules: [{ path: '/health', ratio: 0 }, { method: 'post', ratio: 1 }] }), {
    ratio: 0.5,
    parentBased: false,
    maxPerSecond: 5,
    rules: [{ path: '/health', ratio: 0 }, { method: 'POST', ratio: 1 }],
  });
});

type EnvRow = { name: string; options?: BeaconConfig; env: Record<string, string>; check: (r: ReturnType<typeof resolveConfig>) => void };

const envRows: EnvRow[] = [
  { name: 'OTEL_SERVICE_NAME sets the name', env: { OTEL_SERVICE_NAME: 'orders' },
    check: ({ config, sources }) => { assert.equal(config.service.name, 'orders'); assert.equal(sources.get('service.name'), 'env:OTEL_SERVICE_NAME'); } },
  { name: 'the config object wins over the environment', options: { service: { name: 'from-code' } }, env: { OTEL_SERVICE_NAME: 'from-env' },
    check: ({ config, sources }) => { assert.equal(config.service.name, 'from-code'); assert.equal(sources.get('service.name'), 'config'); } },
  { name: 'OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES', env: { OTEL_SERVICE_NAME: 'a', OTEL_RESOURCE_ATTRIBUTES: 'service.name=b' },
    check: ({ config }) => assert.equal(config.service.name, 'a') },
  { name: 'resource attributes are percent-decoded and split into identity and extras',
    env: { OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.2.3,deployment.environment.name=prod,team=pay%20ments' },
    check: ({ config }) => {
      assert.equal(config.service.version, '1.2.3');
      assert.equal(config.service.environment, 'prod');
      assert.deepEqual(config.service.attributes, { team: 'pay ments' });
    } },
  { name: 'NODE_ENV is the environment unless the resource says otherwise', env: { NODE_ENV: 'staging' },
    check: ({ config }) => assert.equal(config.service.environment, 'staging') },
  { name: 'config attributes merge key by key over env attributes', options: { service: { attributes: { team: 'code' } } },
    env: { OTEL_RESOURCE_ATTRIBUTES: 'team=env,region=eu' },
    check: ({ config }) => assert.deepEqual(config.service.attributes, { team: 'code', region: 'eu' }) },
  { name: 'OTEL_SDK_DISABLED=true wins even over enabled: true', options: { enabled: true }, env: { OTEL_SDK_DISABLED: 'TRUE' },
    check: ({ config, sources }) => { assert.equal(config.enabled, false); assert.equal(sources.get('enabled'), 'env:OTEL_SDK_DISABLED'); } },
  { name: 'OTEL_TRACES_SAMPLER with its argument', env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
    check: ({ config }) => assert.deepEqual(config.tracing.sampler, { ratio: 0.25, parentBased: true, rules: [], maxPerSecond: null }) },
  { name: 'OTEL_TRACES_SAMPLER=always_off', env: { OTEL_TRACES_SAMPLER: 'always_off' },
    check: ({ config }) => assert.equal(config.tracing.sampler.ratio, 0) },
  { name: 'env ratio fills what the code leaves out', options: { tracing: { sampler: { rules: [{ path: '/health', ratio: 0 }] } } },
    env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' },
    check: ({ config }) => { assert.equal(config.tracing.sampler.ratio, 0.5); assert.equal(config.tracing.sampler.rules.length, 1); } },
  { name: 'OTEL_TRACES_EXPORTER', env: { OTEL_TRACES_EXPORTER: 'console' }, check: ({ config }) => assert.equal(config.tracing.exporter, 'console') },
  { name: 'generic endpoint gets the signal path', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' },
    check: ({ config }) => {
      assert.equal(config.tracing.otlp.endpoint, 'http://collector:4318/v1/traces');
      assert.equal(config.metrics.otlp.endpoint, 'http://collector:4318/v1/metrics');
      assert.equal(config.logging.otlp.endpoint, 'http://collector:4318/v1/logs');
    } },
  { name: 'signal endpoint is used as is and beats the generic one',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom' },
    check: ({ config, sources }) => { assert.equal(config.tracing.otlp.endpoint, 'https://b/custom'); assert.equal(sources.get('tracing.otlp.endpoint'), 'env:OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'); } },
  { name: 'headers: generic and signal-specific', env: { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20xyz' },
    check: ({ config }) => {
      assert.deepEqual(config.tracing.otlp.headers, { authorization: 'Bearer xyz' });
      assert.deepEqual(config.metrics.otlp.headers, { 'api-key': 'abc' });
    } },
  { name: 'protocol from env', env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    check: ({ config }) => assert.equal(config.tracing.otlp.protocol, 'http/json') },
  { name: 'grpc: the default endpoint is the collector\'s gRPC port, for every signal', env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    check: ({ config }) => {
      for (const target of [config.tracing.otlp, config.metrics.otlp, config.logging.otlp]) assert.deepEqual([target.protocol, target.endpoint], ['grpc', 'http://localhost:4317']);
    } },
  { name: 'grpc: the generic endpoint is used without signal paths; a signal\'s own protocol and endpoint win',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4317/', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9000/ingest', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf' },
    check: ({ config }) => {
      assert.equal(config.tracing.otlp.endpoint, 'https://collector:4317');
      assert.equal(config.logging.otlp.endpoint, 'http://logs:9000/ingest');
      assert.deepEqual([config.metrics.otlp.protocol, config.metrics.otlp.endpoint], ['http/protobuf', 'https://collector:4317/v1/metrics']);
    } },
  { name: 'grpc in the config object: its default endpoint; an endpoint set in code is kept', env: {}, options: { tracing: { otlp: { protocol: 'grpc' } }, logging: { otlp: { protocol: 'grpc', endpoint: 'http://collector:4317' } } },
    check: ({ config }) => {
      assert.equal(config.tracing.otlp.endpoint, 'http://localhost:4317');
      assert.equal(config.logging.otlp.endpoint, 'http://collector:4317');
      assert.deepEqual([config.metrics.otlp.protocol, config.metrics.otlp.endpoint], ['http/protobuf', 'http://localhost:4318/v1/metrics']);
    } },
  { name: 'OTEL_LOG_LEVEL is case-insensitive', env: { OTEL_LOG_LEVEL: 'DEBUG' },
    check: ({ config }) => assert.equal(config.diagnostics.level, 'debug') },
  { name: 'BEACON_LOG_LEVEL is case-insensitive', env: { BEACON_LOG_LEVEL: 'Warn' },
    check: ({ config }) => assert.deepEqual([config.logging.level, config.logging.outputs[0]?.level], ['warn', 'warn']) },
  { name: 'batch settings', env: { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_SCHEDULE_DELAY: '250' },
    check: ({ config }) => { assert.equal(config.tracing.batch.maxQueueSize, 100); assert.equal(config.tracing.batch.scheduledDelayMs, 250); } },
  { name: 'span limits from the spec variables; the span-specific ones beat the general ones',
    env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '1000', OTEL_ATTRIBUTE_COUNT_LIMIT: '10', OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '64',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '5', OTEL_SPAN_LINK_COUNT_LIMIT: '0' },
    check: ({ config, sources }) => {
      assert.deepEqual(config.tracing.limits, { attributeValueLength: 1000, attributeCount: 64, eventCount: 5, linkCount: 0 });
      assert.equal(sources.get('tracing.limits.attributeValueLength'), 'env:OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT');
    } },
  { name: 'the general attribute limits apply to spans when the span ones are unset', env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_ATTRIBUTE_COUNT_LIMIT: '10' },
    check: ({ config }) => { assert.equal(config.tracing.limits.attributeValueLength, 100); assert.equal(config.tracing.limits.attributeCount, 10); } },
  { name: 'enabled-instrumentations list turns others off', env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express' },
    check: ({ config }) => { assert.equal(config.instrumentations.http, true); assert.equal(config.instrumentations.pg, false); } },
  { name: 'metric export interval is read in milliseconds', env: { OTEL_METRIC_EXPORT_INTERVAL: '15000' },
    check: ({ config }) => assert.equal(config.metrics.interval, 15) },
  { name: 'blank and whitespace-only values are ignored silently', env: { OTEL_SERVICE_NAME: '   ', OTEL_TRACES_SAMPLER: '' },
    check: ({ config, warnings }) => { assert.equal(config.service.name, 'unknown_service:node'); assert.deepEqual(warnings, []); } },
];

for (const row of envRows) {
  test(`env: ${row.name}`, () => row.check(resolveConfig(row.options ?? {}, row.env)));
}

// Bad env values are an operator's deploy-time mistake: warn, name the variable, keep the default.
const badEnvRows: [string, string, string, (config: ReturnType<typeof resolveConfig>['config']) => void][] = [
  ['OTEL_TRACES_SAMPLER', 'sometimes', 'tracing.sampler', (c) => assert.equal(c.tracing.sampler.ratio, 1)],
  ['OTEL_TRACES_SAMPLER_ARG', '2', 'tracing.sampler', (c) => assert.equal(c.tracing.sampler.ratio, 1)],
  ['OTEL_TRACES_EXPORTER', 'zipkin', 'tracing.exporter', (c) => assert.equal(c.tracing.exporter, 'otlp')],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url', 'tracing.otlp.endpoint', (c) => assert.equal(c.tracing.otlp.endpoint, 'http://localhost:4318/v1/traces')],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc/json', 'tracing.otlp.protocol', (c) => assert.equal(c.tracing.otlp.protocol, 'http/protobuf')],
  ['OTEL_EXPORTER_OTLP_HEADERS', 'novalue', 'tracing.otlp.headers', (c) => assert.deepEqual(c.tracing.otlp.headers, {})],
  ['OTEL_SDK_DISABLED', 'maybe', 'enabled', (c) => assert.equal(c.enabled, true)],
  ['OTEL_LOG_LEVEL', 'chatty', 'diagnostics.level', (c) => assert.equal(c.diagnostics.level, 'info')],
  ['OTEL_BSP_MAX_QUEUE_SIZE', '12abc', 'tracing.batch.maxQueueSize', (c) => assert.equal(c.tracing.batch.maxQueueSize, 2048)],
  ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', '4k', 'tracing.limits.attributeValueLength', (c) => assert.equal(c.tracing.limits.attributeValueLength, 4096)],
  ['OTEL_SPAN_EVENT_COUNT_LIMIT', '-3', 'tracing.limits.eventCount', (c) => assert.equal(c.tracing.limits.eventCount, 128)],
  ['OTEL_EXPORTER_PROMETHEUS_PORT', '-1', 'metrics.prometheus.port', (c) => assert.equal(c.metrics.prometheus.port, 9464)],
  ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', 'htttp', 'instrumentations.htttp', (c) => assert.deepEqual(c.instrumentations, {})],
];

for (const [name, value, field, check] of badEnvRows) {
  test(`bad env value ${name}=${value} warns and keeps the default`, () => {
    const env = name === 'OTEL_TRACES_SAMPLER_ARG' ? { OTEL_TRACES_SAMPLER: 'traceidratio', [name]: value } : { [name]: value };
    const { config, warnings } = resolveConfig({}, env);
    assert.equal(warnings.length, 1, `warnings: ${warnings.join('\n')}`);
    assert.ok(warnings[0]!.startsWith(`${name === 'OTEL_TRACES_SAMPLER_ARG' ? 'OTEL_TRACES_SAMPLER' : name}=`), warnings[0]);
    assert.ok(warnings[0]!.includes(field), warnings[0]);
    check(config);
  });
}

test('a variable that is partly bad is applied where it is good, and the warning says so', () => {
  const { config, warnings } = resolveConfig({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'express, htttp' });
  assert.deepEqual(Object.entries(config.instrumentations).filter(([, on]) => on).map(([name]) => name), ['express']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^OTEL_NODE_ENABLED_INSTRUMENTATIONS="express, htttp" applied in part: instrumentations\.htttp: unknown key 'htttp'\. Did you mean 'http'\?.*; the rest of it is in force$/);
});

test('config file discovery: BEACON_CONFIG, then monitoring.config.* in order, then none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-config-'));
  assert.equal(findConfigFile(dir, undefined), null);
  assert.deepEqual(await loadConfigFile(dir, undefined), { path: null, options: {} });

  writeFileSync(join(dir, 'monitoring.config.json'), JSON.stringify({ service: { name: 'from-json' } }));
  assert.deepEqual((await loadConfigFile(dir, undefined)).options, { service: { name: 'from-json' } });

  writeFileSync(join(dir, 'monitoring.config.mjs'), "export default { service: { name: 'from-mjs' } };");
  assert.deepEqual((await loadConfigFile(dir, undefined)).options, { service: { name: 'from-mjs' } });

  writeFileSync(join(dir, 'monitoring.config.ts'), "const config: { service: { name: string } } = { service: { name: 'from-ts' } };\nexport default config;");
  const fromTs = await loadConfigFile(dir, undefined);
  assert.equal(fromTs.path, join(dir, 'monitoring.config.ts'));
  assert.deepEqual(fromTs.options, { service: { name: 'from-ts' } });

  writeFileSync(join(dir, 'custom.json'), JSON.stringify({ service: { name: 'explicit' } }));
  assert.deepEqual((await loadConfigFile(dir, 'custom.json')).options, { service: { name: 'explicit' } });
});

test('a missing BEACON_CONFIG file and a broken config file are clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-config-'));
  await assert.rejects(loadConfigFile(dir, 'nope.ts'), (error: BeaconConfigError) => {
    assert.equal(error.code, ErrorCodes.CONFIG_FILE);
    assert.match(error.message, /BEACON_CONFIG=nope\.ts: no such file/);
    return true;
  });
  writeFileSync(join(dir, 'monitoring.config.json'), '{ "service": ');
  await assert.rejects(loadConfigFile(dir, undefined), /could not load .*monitoring\.config\.json/);
  writeFileSync(join(dir, 'bad.mjs'), 'export const nothing = 1;');
  await assert.rejects(loadConfigFile(dir, 'bad.mjs'), /no default export/);
});
