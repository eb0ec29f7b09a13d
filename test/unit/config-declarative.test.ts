/**
 * OTEL_CONFIG_FILE: the declarative configuration file read with the official parser and
 * mapped onto the monitoring config — each supported key, each refused key with its YAML
 * path, `${VAR:-default}` substitution, and the one precedence with the config object and
 * the environment. The parser reads OTEL_CONFIG_FILE and the substituted variables from
 * process.env, so each case sets them there for its own duration.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDeclarativeFile } from '../../src/config/declarative-file.js';
import { OTLP_PROTOCOLS } from '../../src/config/enums.js';
import { type Resolution, resolveConfig } from '../../src/config/resolve.js';
import type { BeaconConfig } from '../../src/config/types.js';
import { BeaconConfigError, ErrorCodes } from '../../src/errors.js';
import { fixture, repoRoot } from '../helpers/app.js';

const scratch = mkdtempSync(join(tmpdir(), 'beacon-declarative-'));
let written = 0;

/** A YAML file of the test's own, for the one-key cases. */
function yamlFile(text: string): string {
  const path = join(scratch, `case-${written++}.yaml`);
  writeFileSync(path, `file_format: "1.0"\n${text}`);
  return path;
}

/** Resolves with OTEL_CONFIG_FILE=file and `vars` in the process environment, then restores it. */
function withFile(file: string, vars: Record<string, string> = {}, options: BeaconConfig = {}): Resolution {
  const all = { OTEL_CONFIG_FILE: file, ...vars };
  const saved = Object.fromEntries(Object.keys(all).map((name) => [name, process.env[name]]));
  Object.assign(process.env, all);
  try {
    return resolveConfig(options, process.env, {}, readDeclarativeFile(process.env));
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const declarative = (name: string) => fixture(`declarative/${name}.yaml`);

function refused(file: string, code: string, field: string | RegExp, message?: RegExp): void {
  assert.throws(() => withFile(file), (error: unknown) => {
    assert.ok(error instanceof BeaconConfigError, String(error));
    assert.equal(error.code, code, error.message);
    if (typeof field === 'string') assert.equal(error.field, field);
    else assert.match(error.message, field);
    if (message) assert.match(error.message, message);
    return true;
  });
}

test('every supported key of the file reaches its config field, each value sourced at its YAML path', () => {
  const { config, sources, warnings } = withFile(declarative('full'));
  assert.deepEqual(warnings, []);
  assert.equal(config.diagnostics.level, 'debug');
  assert.deepEqual(config.service, {
    name: 'checkout',
    version: '2.3.1',
    environment: 'staging',
    // attributes win over attributes_list for the same name (team).
    attributes: { team: 'payments', shard: 7, region: 'eu-west-1' },
    detectors: ['host', 'os', 'process'],
  });
  assert.deepEqual(config.tracing.propagators, ['tracecontext', 'b3multi', 'baggage']);
  assert.equal(config.tracing.exporter, 'otlp');
  assert.deepEqual(config.tracing.otlp, {
    endpoint: 'http://collector.internal:4318/v1/traces',
    headers: { 'x-tenant': 'acme', 'x-region': 'eu' },
    protocol: 'http/json',
    timeoutMs: 3000,
  });
  assert.deepEqual(config.tracing.batch, { scheduledDelayMs: 250, maxQueueSize: 1000, maxExportBatchSize: 100 });
  assert.deepEqual(config.tracing.sampler, { ratio: 0.25, parentBased: true, rules: [], maxPerSecond: null });
  // tracer_provider.limits beats attribute_limits; attribute_limits fills what it leaves.
  assert.deepEqual(config.tracing.limits, { attributeValueLength: 1024, attributeCount: 64, eventCount: 32, linkCount: 16 });
  assert.deepEqual(config.metrics.exporters, ['prometheus', 'otlp']);
  assert.deepEqual([config.metrics.prometheus.host, config.metrics.prometheus.port], ['127.0.0.1', 9777]);
  assert.equal(config.metrics.interval, 15);
  assert.deepEqual(config.metrics.otlp, { endpoint: 'http://collector.internal:4318/v1/metrics', headers: {}, protocol: 'http/protobuf', timeoutMs: 4000 });
  assert.deepEqual(config.metrics.views, { 'http.server.request.duration': { buckets: [0.1, 0.5, 1, 5] } });
  assert.deepEqual(config.logging.outputs.map(({ type }) => type), ['console', 'otlp']);
  assert.equal(config.logging.otlp.endpoint, 'http://collector.internal:4318/v1/logs');

  assert.equal(sources.get('service.name'), 'OTEL_CONFIG_FILE:resource.attributes[0]');
  assert.equal(sources.get('tracing.sampler.ratio'), 'OTEL_CONFIG_FILE:tracer_provider.sampler.parent_based.root.trace_id_ratio_based.ratio');
  assert.equal(sources.get('tracing.limits.attributeCount'), 'OTEL_CONFIG_FILE:attribute_limits.attribute_count_limit');
  assert.equal(sources.get('metrics.prometheus.port'), 'OTEL_CONFIG_FILE:meter_provider.readers[0].pull.exporter.prometheus/development.port');
  assert.equal(sources.get('logging.fields.traceId'), 'default');
});

test('${VAR:-default}: the variable when set, else the default', () => {
  assert.equal(withFile(declarative('full')).config.service.name, 'checkout');
  assert.equal(withFile(declarative('full'), { CHECKOUT_NAME: 'checkout-eu' }).config.service.name, 'checkout-eu');
  // A substituted value is typed as YAML reads it: the file's `disabled` is a boolean either way.
  assert.equal(withFile(declarative('disabled')).config.enabled, false);
  assert.equal(withFile(declarative('disabled'), { BEACON_TEST_OFF: 'false' }).config.enabled, true);
});

test('absent providers are no-ops; a simple console processor and a periodic console reader map to the console', () => {
  const bare = withFile(declarative('resource-only')).config;
  assert.deepEqual([bare.tracing.enabled, bare.metrics.enabled], [false, false]);
  assert.deepEqual(bare.logging.outputs.map(({ type }) => type), ['console']);

  const { config } = withFile(declarative('console'));
  assert.deepEqual([config.tracing.enabled, config.tracing.exporter, config.tracing.sampler.ratio, config.tracing.sampler.parentBased], [true, 'console', 1, false]);
  assert.equal(resolveConfig().config.tracing.sampler.parentBased, true, 'the default is parent-based: always_on in the file says otherwise');
  assert.deepEqual(config.tracing.propagators, ['none']);
  assert.deepEqual([config.metrics.exporters, config.metrics.interval], [['console'], 5]);
});

test('samplers: always_on, always_off, trace_id_ratio_based, parent_based with each root', () => {
  const rows: [yaml: string, sampler: unknown][] = [
    ['always_on:', 'always_on'],
    ['always_off:', 'always_off'],
    ['trace_id_ratio_based:\n      ratio: 0.1', { ratio: 0.1, parentBased: false }],
    ['trace_id_ratio_based:', { ratio: 1, parentBased: false }],
    ['parent_based:', { ratio: 1, parentBased: true }],
    ['parent_based:\n      root:\n        always_off:', { ratio: 0, parentBased: true }],
    ['parent_based:\n      root:\n        trace_id_ratio_based:\n          ratio: 0.5\n      remote_parent_sampled:\n        always_on:', { ratio: 0.5, parentBased: true }],
  ];
  for (const [yaml, expected] of rows) {
    const { sampler } = withFile(yamlFile(`tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  sampler:\n    ${yaml}\n`)).config.tracing;
    const resolved = resolveConfig({ tracing: { sampler: expected as never } }).config.tracing.sampler;
    assert.deepEqual(sampler, resolved, yaml);
  }
});

test('what Beacon cannot express is refused with BEACON_CONFIG_UNSUPPORTED at its YAML path', () => {
  const tracer = (body: string) => `tracer_provider:\n  processors:\n${body}`;
  const otlpBatch = (options: string) => tracer(`    - batch:\n        exporter:\n          otlp_http:\n${options}`);
  const meter = (body: string) => `meter_provider:\n  readers:\n${body}`;
  const periodic = (options: string) => meter(`    - periodic:\n        exporter:\n          otlp_http:\n${options}`);
  const rows: [yaml: string, field: string][] = [
    [tracer('    - batch:\n        exporter:\n          zipkin:\n            endpoint: http://z:9411\n'), 'tracer_provider.processors[0].batch.exporter.zipkin'],
    [tracer('    - batch:\n        exporter:\n          otlp_file/development:\n'), 'tracer_provider.processors[0].batch.exporter.otlp_file/development'],
    [tracer('    - batch:\n        exporter:\n          console:\n    - simple:\n        exporter:\n          console:\n'), 'tracer_provider.processors[1]'],
    [tracer('    - simple:\n        exporter:\n          otlp_http:\n'), 'tracer_provider.processors[0].simple'],
    [tracer('    - batch:\n        export_timeout: 5000\n        exporter:\n          console:\n'), 'tracer_provider.processors[0].batch.export_timeout'],
    [otlpBatch('            compression: gzip\n'), 'tracer_provider.processors[0].batch.exporter.otlp_http.compression'],
    [otlpBatch('            tls:\n              ca_file: /ca.pem\n'), 'tracer_provider.processors[0].batch.exporter.otlp_http.tls'],
    ['tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  sampler:\n    probability/development:\n      ratio: 0.5\n', 'tracer_provider.sampler.probability/development'],
    ['tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  sampler:\n    parent_based:\n      remote_parent_not_sampled:\n        always_on:\n', 'tracer_provider.sampler.parent_based.remote_parent_not_sampled'],
    ['tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  limits:\n    event_attribute_count_limit: 8\n', 'tracer_provider.limits.event_attribute_count_limit'],
    ['tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  tracer_configurator/development:\n    default_config:\n      enabled: false\n', 'tracer_provider.tracer_configurator/development'],
    ['resource:\n  schema_url: https://opentelemetry.io/schemas/1.26.0\n', 'resource.schema_url'],
    ['resource:\n  attributes:\n    - name: zones\n      value: [a, b]\n      type: string_array\n', 'resource.attributes[0].value'],
    ['resource:\n  detection/development:\n    detectors:\n      - host:\n      - aws: {}\n', 'resource.detection/development.detectors[1].aws'],
    ['resource:\n  detection/development:\n    attributes:\n      included: [host.*]\n', 'resource.detection/development.attributes'],
    ['propagator:\n  composite:\n    - tracecontext:\n    - ottrace:\n', 'propagator.composite[1].ottrace'],
    ['propagator:\n  composite_list: tracecontext,xray\n', 'propagator.composite_list'],
    [periodic('            temporality_preference: delta\n'), 'meter_provider.readers[0].periodic.exporter.otlp_http.temporality_preference'],
    [meter('    - pull:\n        exporter:\n          prometheus/development:\n            translation_strategy: underscore_escaping_with_suffixes\n'), 'meter_provider.readers[0].pull.exporter.prometheus/development.translation_strategy'],
    [meter('    - pull:\n        exporter:\n          prometheus/development:\n    - pull:\n        exporter:\n          prometheus/development:\n'), 'meter_provider.readers[1]'],
    [meter('    - periodic:\n        cardinality_limits:\n          default: 100\n        exporter:\n          console:\n'), 'meter_provider.readers[0].periodic.cardinality_limits'],
    ['meter_provider:\n  readers:\n    - periodic:\n        exporter:\n          console:\n  exemplar_filter: trace_based\n', 'meter_provider.exemplar_filter'],
    ['meter_provider:\n  readers:\n    - periodic:\n        exporter:\n          console:\n  views:\n    - selector:\n        instrument_name: http.*\n      stream:\n        aggregation:\n          explicit_bucket_histogram:\n            boundaries: [1]\n', 'meter_provider.views[0].selector.instrument_name'],
    ['meter_provider:\n  readers:\n    - periodic:\n        exporter:\n          console:\n  views:\n    - selector:\n        instrument_name: jobs\n      stream:\n        aggregation:\n          drop:\n', 'meter_provider.views[0].stream.aggregation.drop'],
    ['logger_provider:\n  processors:\n    - simple:\n        exporter:\n          otlp_http:\n', 'logger_provider.processors[0].simple'],
    ['logger_provider:\n  processors:\n    - batch:\n        schedule_delay: 100\n        exporter:\n          otlp_http:\n', 'logger_provider.processors[0].batch.schedule_delay'],
    ['logger_provider:\n  processors:\n    - batch:\n        exporter:\n          console:\n', 'logger_provider.processors[0].batch.exporter.console'],
    ['logger_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n  limits:\n    attribute_count_limit: 10\n', 'logger_provider.limits'],
    ['instrumentation/development:\n  js:\n    http: {}\n', 'instrumentation/development'],
    ['tracer_providers:\n  processors: []\n', 'tracer_providers'],
  ];
  for (const [yaml, field] of rows) refused(yamlFile(yaml), ErrorCodes.UNSUPPORTED, field, /not supported by Beacon: .*\(OTEL_CONFIG_FILE .*\.yaml\)$/);
});

test('otlp_grpc maps to the grpc protocol where the config has it, else is refused at its path', () => {
  const file = yamlFile('tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_grpc:\n            endpoint: http://collector:4317\n');
  if ((OTLP_PROTOCOLS as readonly string[]).includes('grpc')) {
    assert.equal(withFile(file).config.tracing.otlp.protocol, 'grpc');
  } else {
    refused(file, ErrorCodes.UNSUPPORTED, 'tracer_provider.processors[0].batch.exporter.otlp_grpc', /OTLP\/gRPC/);
  }
});

test("a value Beacon's own checks refuse is reported at its YAML path", () => {
  refused(yamlFile('tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: collector:4318\n'),
    ErrorCodes.INVALID_VALUE, 'tracer_provider.processors[0].batch.exporter.otlp_http.endpoint', /tracing\.otlp\.endpoint: expected an http:\/\/ or https:\/\/ URL, got "collector:4318"/);
  refused(yamlFile('resource:\n  attributes_list: region=eu,zone\n'), ErrorCodes.INVALID_VALUE, 'resource.attributes_list', /got "zone"/);
  refused(yamlFile('resource:\n  attributes:\n    - name: shard\n      value: "7"\n      type: int\n'), ErrorCodes.INVALID_VALUE, 'resource.attributes[0].value', /expected a value of type int, got "7"/);
  refused(yamlFile('tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            headers_list: x-tenant\n'),
    ErrorCodes.INVALID_VALUE, 'tracer_provider.processors[0].batch.exporter.otlp_http.headers_list', /got "x-tenant"/);
  refused(yamlFile('meter_provider:\n  readers:\n    - pull:\n        exporter:\n          prometheus/development:\n            port: 70000\n'),
    ErrorCodes.INVALID_VALUE, 'meter_provider.readers[0].pull.exporter.prometheus/development.port');
});

test("the parser's own errors are BEACON_CONFIG_FILE errors naming the file", () => {
  refused(declarative('future-major'), ErrorCodes.CONFIG_FILE, /^OTEL_CONFIG_FILE=.*future-major\.yaml: .*file_format: "2\.0".*1\.x/);
  refused(declarative('schema-error'), ErrorCodes.CONFIG_FILE, /^OTEL_CONFIG_FILE=.*schema-error\.yaml: Invalid OpenTelemetry config file: .*tracer_provider.*processors/);
  refused(yamlFile('resource: [unclosed\n'), ErrorCodes.CONFIG_FILE, /^OTEL_CONFIG_FILE=.*\.yaml: /);
  refused(join(scratch, 'missing.yaml'), ErrorCodes.CONFIG_FILE, /^OTEL_CONFIG_FILE=.*missing\.yaml: no such file/);
});

test('precedence: the config object, then the file, then Beacon\'s own variables; the OTEL_* variables the file does not substitute are ignored, and said', () => {
  const { config, sources, warnings } = withFile(declarative('full'), {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://elsewhere:4318',
    OTEL_TRACES_SAMPLER: 'always_off',
    OTEL_SDK_DISABLED: 'true',
    BEACON_LOG_LEVEL: 'warn',
    BEACON_LOG_FORMAT: 'ecs',
  }, { tracing: { sampler: 0.5 }, logging: { format: 'pretty' } });
  assert.equal(config.enabled, true, 'the file replaces the kill switch variable');
  assert.equal(config.tracing.otlp.endpoint, 'http://collector.internal:4318/v1/traces');
  assert.deepEqual([config.tracing.sampler.ratio, sources.get('tracing.sampler.ratio')], [0.5, 'config']);
  assert.deepEqual([config.logging.level, sources.get('logging.level')], ['warn', 'env:BEACON_LOG_LEVEL']);
  assert.equal(config.logging.format, 'pretty');
  assert.equal(config.service.name, 'checkout');
  assert.deepEqual(warnings, ['OTEL_SDK_DISABLED, OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_ENDPOINT ignored: OTEL_CONFIG_FILE is in force (substitute a variable into the file with ${NAME} to use it)']);

  // A variable the file substitutes is read through it, and not said to be ignored.
  const substituted = withFile(declarative('resource-only'), { OTEL_SERVICE_NAME: 'from-env' });
  assert.deepEqual([substituted.config.service.name, substituted.warnings], ['from-env', []]);

  // The file's `disabled: true` is the kill switch: it beats `enabled: true` in code.
  assert.equal(withFile(declarative('disabled'), {}, { enabled: true }).config.enabled, false);
  assert.equal(withFile(declarative('disabled')).sources.get('enabled'), 'OTEL_CONFIG_FILE:disabled');
});

test('resource detectors: none unless listed; the service detector reads OTEL_SERVICE_NAME, which is otherwise ignored', () => {
  assert.deepEqual(withFile(declarative('resource-only')).config.service.detectors, []);
  const detected = withFile(declarative('service-detector'), { OTEL_SERVICE_NAME: 'detected', OTEL_RESOURCE_ATTRIBUTES: 'team=x' });
  assert.deepEqual(detected.config.service.detectors, ['container']);
  assert.deepEqual([detected.config.service.name, detected.sources.get('service.name')], ['detected', 'env:OTEL_SERVICE_NAME']);
  assert.deepEqual(detected.config.service.attributes, {});
  assert.deepEqual(detected.warnings, ['OTEL_RESOURCE_ATTRIBUTES ignored: OTEL_CONFIG_FILE is in force (substitute a variable into the file with ${NAME} to use it)']);
  const undetected = withFile(declarative('console'), { OTEL_SERVICE_NAME: 'detected' });
  assert.equal(undetected.config.service.name, 'unknown_service:node');
  assert.match(undetected.warnings[0]!, /^OTEL_SERVICE_NAME ignored/);
});

test('without OTEL_CONFIG_FILE nothing is read', () => {
  assert.equal(readDeclarativeFile({}), undefined);
  assert.equal(readDeclarativeFile({ OTEL_CONFIG_FILE: '  ' }), undefined);
  // The parser reads the process's environment: another one given is refused, not half-applied.
  assert.throws(() => readDeclarativeFile({ OTEL_CONFIG_FILE: declarative('full') }), /^BeaconConfigError: OTEL_CONFIG_FILE=.*full\.yaml: set it in the process environment/);
});

test("the README's sample file is read as the README says", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Declarative configuration file'));
  const sample = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const path = join(scratch, 'readme-sample.yaml');
  writeFileSync(path, sample);
  const { config, warnings } = withFile(path);
  assert.deepEqual(warnings, []);
  assert.deepEqual([config.service.name, config.tracing.otlp.endpoint, config.tracing.sampler.ratio, config.metrics.prometheus.port, config.tracing.propagators],
    ['orders', 'http://collector:4318/v1/traces', 0.1, 9464, ['tracecontext', 'baggage']]);
});
