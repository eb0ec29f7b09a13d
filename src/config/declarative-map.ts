/**
 * The declarative configuration model (OTEL_CONFIG_FILE, as @opentelemetry/configuration
 * parses and validates it) mapped onto the monitoring config, key by key. Every key of the
 * model is either mapped or refused with BEACON_CONFIG_UNSUPPORTED naming its YAML path
 * (`tracer_provider.processors[0].batch.exporter.zipkin`): nothing is silently ignored.
 * The README's "Declarative configuration file" table lists the same subset.
 */
import type {
  ConfigurationModel,
  NameStringValuePairConfigModel,
  SamplerConfigModel,
  TextMapPropagatorConfigModel,
} from '@opentelemetry/configuration';
import { BeaconConfigError, ErrorCodes } from '../errors.js';
import { isOneOf, isPlainObject } from './checks.js';
import { OTLP_PROTOCOLS, PROPAGATORS } from './enums.js';
import type { BeaconConfig } from './types.js';

/** The parser's own merge rules for the `*_list` keys, handed in by the loader that loaded the parser. */
export interface ModelHelpers {
  mergeHeadersConfig(headers?: NameStringValuePairConfigModel[], list?: string | null): Record<string, string> | undefined;
  mergePropagatorCompositeConfig(composite?: TextMapPropagatorConfigModel[], list?: string | null): TextMapPropagatorConfigModel[] | undefined;
  mergeResourceAttributesConfig(
    attributes?: NonNullable<ConfigurationModel['resource']>['attributes'],
    list?: string | null,
  ): NonNullable<ConfigurationModel['resource']>['attributes'];
}

export interface MappedModel {
  /** The file's settings in the config object's shape (not yet checked). */
  options: BeaconConfig;
  /** Dotted config path → the YAML path it was read from. */
  origins: Map<string, string>;
  /** `disabled: true`: the file's kill switch, in the place of OTEL_SDK_DISABLED. */
  disabled: boolean;
  /** OTEL_* variables the file's components read themselves (the service detector's OTEL_SERVICE_NAME). */
  envRead: Set<string>;
}

type Node = Record<string, unknown>;
type Handlers = Record<string, (value: any, path: string) => void>;

const GENERIC = 'Beacon cannot express this setting (see the supported subset in the README)';
/** The scalar attribute types and the YAML value each takes; the array types are refused before. */
const ATTRIBUTE_TYPES = { string: 'string', bool: 'boolean', int: 'number', double: 'number' } as const;
const SEVERITY_TO_DIAG = { trace: 'verbose', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'error' } as const;

export function mapDeclarativeModel(model: ConfigurationModel, helpers: ModelHelpers, file: string): MappedModel {
  return new ModelMapping(helpers, file).map(model);
}

class ModelMapping {
  private readonly result: MappedModel = { options: {}, origins: new Map(), disabled: false, envRead: new Set() };

  constructor(
    private readonly helpers: ModelHelpers,
    private readonly file: string,
  ) {}

  map(model: ConfigurationModel): MappedModel {
    this.section(model, '', {
      disabled: (value: boolean | null) => {
        this.result.disabled = value === true;
      },
      log_level: (value: keyof typeof SEVERITY_TO_DIAG | null, path) =>
        this.set('diagnostics.level', value && SEVERITY_TO_DIAG[value.replace(/\d$/, '') as keyof typeof SEVERITY_TO_DIAG], path),
      // The general limits first: tracer_provider.limits, mapped after, wins (as in the SDK).
      attribute_limits: (limits, path) => this.section(limits, path, {
        attribute_value_length_limit: (value, at) => this.set('tracing.limits.attributeValueLength', value, at),
        attribute_count_limit: (value, at) => this.set('tracing.limits.attributeCount', value, at),
      }),
      resource: (resource, path) => this.resource(resource, path),
      propagator: (propagator, path) => this.propagator(propagator, path),
      tracer_provider: (provider, path) => this.tracerProvider(provider, path),
      meter_provider: (provider, path) => this.meterProvider(provider, path),
      logger_provider: (provider, path) => this.loggerProvider(provider, path),
    });
    // What the file leaves out is off (the declarative configuration's rule): an absent provider is a no-op one.
    if (model.tracer_provider == null) this.set('tracing.enabled', false, 'tracer_provider');
    if (model.meter_provider == null) this.set('metrics.enabled', false, 'meter_provider');
    if (model.propagator == null) this.set('tracing.propagators', ['none'], 'propagator');
    // Without detectors listed, none runs.
    if (model.resource?.['detection/development'] == null) this.set('service.detectors', [], 'resource.detection/development');
    return this.result;
  }

  private resource(resource: Node, path: string): void {
    this.section(resource, path, {
      attributes: () => {},
      attributes_list: (list, at) => this.keyValueList(list, at),
      schema_url: (value, at) => value != null && this.unsupported(at, "Beacon's resource carries no schema URL"),
      'detection/development': (detection, at) => this.section(detection, at, {
        detectors: (detectors: Node[], leaf) => this.set('service.detectors', detectors.flatMap((detector, index) => this.detector(detector, `${leaf}[${index}]`)), leaf),
      }),
    });
    const attributes = this.helpers.mergeResourceAttributesConfig(resource.attributes as never, resource.attributes_list as string | null) ?? [];
    const declared = (resource.attributes as unknown[] | undefined)?.length ?? 0;
    const extra: Record<string, unknown> = {};
    attributes.forEach(({ name, value, type }, index) => {
      const at = index < declared ? `${path}.attributes[${index}]` : `${path}.attributes_list`;
      if (Array.isArray(value)) this.unsupported(`${at}.value`, 'resource attributes are strings, numbers or booleans in Beacon');
      if (type != null && typeof value !== ATTRIBUTE_TYPES[type as keyof typeof ATTRIBUTE_TYPES]) {
        throw new BeaconConfigError(ErrorCodes.INVALID_VALUE, `${at}.value`, `expected a value of type ${type}, got ${JSON.stringify(value)} (OTEL_CONFIG_FILE ${this.file})`);
      }
      if (name === 'service.name') this.set('service.name', value, at);
      else if (name === 'service.version') this.set('service.version', value, at);
      else if (name === 'deployment.environment.name') this.set('service.environment', value, at);
      else if (value != null) extra[name] = value;
    });
    if (Object.keys(extra).length > 0) this.set('service.attributes', extra, `${path}.attributes`);
  }

  /** The schema's detectors as Beacon's: `host` fills host.* and os.*; `service` is service.instance.id (always set) and OTEL_SERVICE_NAME. */
  private detector(detector: Node, path: string): string[] {
    const [kind, options] = this.oneKey(detector, path);
    this.section(options, `${path}.${kind}`, {});
    if (kind === 'host') return ['host', 'os'];
    if (kind === 'process' || kind === 'container') return [kind];
    if (kind === 'service') {
      this.result.envRead.add('OTEL_SERVICE_NAME');
      return [];
    }
    return this.unsupported(`${path}.${kind}`, 'Beacon detects host, process, container and service here (cloud detectors: service.detectors in the config object)');
  }

  private propagator(propagator: Node, path: string): void {
    this.section(propagator, path, { composite: () => {}, composite_list: () => {} });
    const composite = propagator.composite as TextMapPropagatorConfigModel[] | undefined;
    const merged = this.helpers.mergePropagatorCompositeConfig(composite, propagator.composite_list as string | null) ?? [];
    const names = merged.map((entry, index) => {
      const at = index < (composite?.length ?? 0) ? `${path}.composite[${index}]` : `${path}.composite_list`;
      const [name, options] = this.oneKey(entry, at);
      if (!isOneOf(PROPAGATORS, name)) this.unsupported(index < (composite?.length ?? 0) ? `${at}.${name}` : at, `no '${name}' propagator; Beacon has ${PROPAGATORS.join(', ')}`);
      this.section(options, `${at}.${name}`, {});
      return name;
    });
    this.set('tracing.propagators', names.length > 0 ? names : ['none'], path);
  }

  private tracerProvider(provider: Node, path: string): void {
    this.section(provider, path, {
      processors: (processors: Node[], at) => this.spanProcessors(processors, at),
      sampler: (sampler, at) => this.set('tracing.sampler', this.sampler(sampler, at), at),
      limits: (limits, at) => this.section(limits, at, {
        attribute_value_length_limit: (value, leaf) => this.set('tracing.limits.attributeValueLength', value, leaf),
        attribute_count_limit: (value, leaf) => this.set('tracing.limits.attributeCount', value, leaf),
        event_count_limit: (value, leaf) => this.set('tracing.limits.eventCount', value, leaf),
        link_count_limit: (value, leaf) => this.set('tracing.limits.linkCount', value, leaf),
      }),
      // Random ids are what Beacon makes.
      id_generator: (generator, at) => this.section(generator, at, { random: (options, leaf) => this.section(options, leaf, {}) }),
    });
  }

  private spanProcessors(processors: Node[], path: string): void {
    // The parser's schema check guarantees one processor at least.
    if (processors.length > 1) this.unsupported(`${path}[1]`, 'Beacon sends spans through one processor');
    const [kind, options] = this.oneKey(processors[0], `${path}[0]`);
    const at = `${path}[0].${kind}`;
    if (kind === 'batch') {
      this.section(options, at, {
        schedule_delay: (value, leaf) => this.set('tracing.batch.scheduledDelayMs', value, leaf),
        max_queue_size: (value, leaf) => this.set('tracing.batch.maxQueueSize', value, leaf),
        max_export_batch_size: (value, leaf) => this.set('tracing.batch.maxExportBatchSize', value, leaf),
        export_timeout: (_, leaf) => this.unsupported(leaf, 'one deadline bounds each export: set exporter.otlp_http.timeout'),
        exporter: (exporter, leaf) => this.set('tracing.exporter', this.exporter(exporter, leaf, 'tracing.otlp', false), leaf),
      });
    } else if (kind === 'simple') {
      this.section(options, at, {
        exporter: (exporter, leaf) => {
          if (!isPlainObject(exporter) || !('console' in exporter)) this.unsupported(at, 'Beacon batches the spans it sends over OTLP: write batch');
          this.set('tracing.exporter', this.exporter(exporter, leaf, 'tracing.otlp', false), leaf);
        },
      });
    } else {
      this.unsupported(at, GENERIC);
    }
  }

  /** OTLP (HTTP, or gRPC where Beacon has it) or the console; returns the exporter's name in the config. */
  private exporter(exporter: Node, path: string, target: 'tracing.otlp' | 'metrics.otlp' | 'logging.otlp', metric: boolean): 'otlp' | 'console' {
    const [kind, options] = this.oneKey(exporter, path);
    const at = `${path}.${kind}`;
    const grpc = (OTLP_PROTOCOLS as readonly string[]).includes('grpc');
    if (kind === 'console') {
      this.section(options, at, metric ? this.metricExporterOptions() : {});
      return 'console';
    }
    if (kind === 'otlp_grpc' && !grpc) this.unsupported(at, 'OTLP/gRPC is not supported; write otlp_http');
    if (kind !== 'otlp_http' && kind !== 'otlp_grpc') this.unsupported(at, `no '${kind}' exporter; Beacon sends OTLP or to the console`);
    const node = (options ?? {}) as Node;
    this.section(node, at, {
      endpoint: (value, leaf) => this.set(`${target}.endpoint`, value, leaf),
      headers: () => {},
      headers_list: (list, leaf) => this.keyValueList(list, leaf),
      timeout: (value, leaf) => this.set(`${target}.timeoutMs`, value, leaf),
      ...(kind === 'otlp_http' ? { encoding: (value: string | null, leaf: string) => this.set(`${target}.protocol`, value && `http/${value}`, leaf) } : {}),
      compression: (_, leaf) => this.unsupported(leaf, 'compression follows OTEL_EXPORTER_OTLP_COMPRESSION (read by the OTLP/HTTP settings)'),
      tls: (_, leaf) => this.unsupported(leaf, 'TLS files follow OTEL_EXPORTER_OTLP_CERTIFICATE and the CLIENT_* variables'),
      ...(metric ? this.metricExporterOptions() : {}),
    });
    if (kind === 'otlp_grpc') this.set(`${target}.protocol`, 'grpc', at);
    const headers = this.helpers.mergeHeadersConfig(node.headers as NameStringValuePairConfigModel[] | undefined, node.headers_list as string | null);
    if (headers) this.set(`${target}.headers`, headers, `${at}.headers`);
    return 'otlp';
  }

  /** What Beacon's metric exporters do, accepted when stated; anything else is refused. */
  private metricExporterOptions(): Handlers {
    return {
      temporality_preference: (value, leaf) => value != null && value !== 'cumulative' && this.unsupported(leaf, 'Beacon exports cumulative metrics'),
      default_histogram_aggregation: (value, leaf) =>
        value != null && value !== 'explicit_bucket_histogram' && this.unsupported(leaf, 'Beacon exports explicit-bucket histograms (buckets: meter_provider.views)'),
    };
  }

  private sampler(sampler: SamplerConfigModel, path: string): unknown {
    const [kind, options] = this.oneKey(sampler, path);
    const at = `${path}.${kind}`;
    if (kind === 'parent_based') {
      const node = (options ?? {}) as Node;
      // The SDK's own defaults for the parent cases are what Beacon's parent-based sampler does.
      const parentCase = (expected: string) => (value: SamplerConfigModel, leaf: string) => {
        if (this.oneKey(value, leaf)[0] !== expected) this.unsupported(leaf, `Beacon follows the parent's decision: only ${expected} here`);
      };
      this.section(node, at, {
        root: () => {},
        remote_parent_sampled: parentCase('always_on'),
        local_parent_sampled: parentCase('always_on'),
        remote_parent_not_sampled: parentCase('always_off'),
        local_parent_not_sampled: parentCase('always_off'),
      });
      const root = (node.root ?? { always_on: null }) as SamplerConfigModel;
      const [rootKind, rootOptions] = this.oneKey(root, `${at}.root`);
      if (rootKind === 'always_on') return { ratio: 1, parentBased: true };
      if (rootKind === 'always_off') return 'parentbased_always_off';
      if (rootKind === 'trace_id_ratio_based') return { ratio: this.ratio(rootOptions, `${at}.root.${rootKind}`), parentBased: true };
      return this.unsupported(`${at}.root.${rootKind}`, 'the root sampler is always_on, always_off or trace_id_ratio_based');
    }
    if (kind === 'always_on' || kind === 'always_off') {
      this.section(options, at, {});
      return kind;
    }
    if (kind === 'trace_id_ratio_based') return { ratio: this.ratio(options, at), parentBased: false };
    return this.unsupported(at, 'Beacon samples with always_on, always_off, trace_id_ratio_based or parent_based');
  }

  private ratio(options: unknown, path: string): unknown {
    let ratio: unknown = 1; // the declarative configuration's default
    this.section(options, path, { ratio: (value) => (ratio = value ?? 1) });
    this.result.origins.set('tracing.sampler.ratio', `${path}.ratio`);
    return ratio;
  }

  private meterProvider(provider: Node, path: string): void {
    this.section(provider, path, {
      readers: (readers: Node[], at) => this.metricReaders(readers, at),
      views: (views: Node[], at) => this.views(views, at),
      exemplar_filter: (value, at) => value != null && value !== 'always_off' && this.unsupported(at, 'Beacon records no exemplars: only always_off'),
    });
  }

  private metricReaders(readers: Node[], path: string): void {
    const exporters: string[] = [];
    readers.forEach((reader, index) => {
      const [kind, options] = this.oneKey(reader, `${path}[${index}]`);
      const at = `${path}[${index}].${kind}`;
      let exporter: string;
      if (kind === 'pull') {
        this.section(options, at, { exporter: (node, leaf) => this.pullExporter(node, leaf) });
        exporter = 'prometheus';
      } else if (kind === 'periodic') {
        exporter = 'console';
        this.section(options, at, {
          interval: (value, leaf) => this.set('metrics.interval', value == null ? value : value / 1000, leaf),
          timeout: (value, leaf) => this.set('metrics.otlp.timeoutMs', value, leaf),
          // After the reader's timeout: the exporter's own wins.
          exporter: (node, leaf) => (exporter = this.exporter(node, leaf, 'metrics.otlp', true)),
        });
      } else {
        return this.unsupported(at, GENERIC);
      }
      if (exporters.includes(exporter)) this.unsupported(`${path}[${index}]`, `Beacon has one ${exporter} metric reader`);
      exporters.push(exporter);
    });
    this.set('metrics.exporters', exporters, path);
  }

  private pullExporter(exporter: Node, path: string): void {
    const [kind, options] = this.oneKey(exporter, path);
    if (kind !== 'prometheus/development') this.unsupported(`${path}.${kind}`, "Beacon's pull exporter is prometheus/development");
    this.section(options, `${path}.${kind}`, {
      host: (value, leaf) => this.set('metrics.prometheus.host', value, leaf),
      port: (value, leaf) => this.set('metrics.prometheus.port', value, leaf),
    });
  }

  /** Histogram buckets per instrument name: what `metrics.views` holds. */
  private views(views: Node[], path: string): void {
    const buckets: Record<string, { buckets?: number[] }> = {};
    views.forEach((view, index) => {
      const at = `${path}[${index}]`;
      let name: string | undefined;
      this.section(view, at, {
        selector: (selector, leaf) => this.section(selector, leaf, {
          instrument_name: (value: string | null, nameAt) => {
            if (value == null || /[*?]/.test(value)) this.unsupported(nameAt, 'views select one instrument by its exact name');
            name = value;
          },
          instrument_type: (value, typeAt) => value != null && value !== 'histogram' && this.unsupported(typeAt, 'views set histogram buckets'),
        }),
        stream: (stream, leaf) => this.section(stream, leaf, {
          aggregation: (aggregation, aggregationAt) => this.section(aggregation, aggregationAt, {
            explicit_bucket_histogram: (histogram, histogramAt) => this.section(histogram, histogramAt, {
              boundaries: (value: number[]) => (buckets[name ?? ''] = { buckets: value }),
            }),
          }),
        }),
      });
      if (name === undefined) this.unsupported(`${at}.selector.instrument_name`, 'views select one instrument by its exact name');
      if (!buckets[name]) this.unsupported(`${at}.stream.aggregation`, 'views set explicit_bucket_histogram boundaries');
    });
    this.set('metrics.views', buckets, path);
  }

  private loggerProvider(provider: Node, path: string): void {
    this.section(provider, path, {
      processors: (processors: Node[], at) => processors.forEach((processor, index) => {
        if (index > 0) this.unsupported(`${at}[${index}]`, 'Beacon sends log records through one OTLP output');
        const [kind, options] = this.oneKey(processor, `${at}[${index}]`);
        const processorAt = `${at}[${index}].${kind}`;
        if (kind !== 'batch') this.unsupported(processorAt, 'Beacon batches the log records it sends over OTLP: write batch');
        this.section(options, processorAt, {
          exporter: (exporter, leaf) => {
            if (isPlainObject(exporter) && 'console' in exporter) this.unsupported(`${leaf}.console`, 'the app\'s log lines go to the console already');
            this.exporter(exporter, leaf, 'logging.otlp', false);
            // The app's lines stay on the console beside the OTLP output, as with OTEL_LOGS_EXPORTER=otlp.
            this.set('logging.outputs', ['console', 'otlp'], processorAt);
          },
        });
      }),
    });
  }

  /**
   * `name=value,…`: the parser's merge drops a malformed list with a diagnostic only; here
   * it is an error at its path, as a bad value anywhere else in the file.
   */
  private keyValueList(list: string | null, path: string): void {
    const bad = (list ?? '').split(',').find((pair) => pair.trim() !== '' && (pair.split('=').length !== 2 || pair.split('=')[0]!.trim() === ''));
    if (bad !== undefined) {
      throw new BeaconConfigError(ErrorCodes.INVALID_VALUE, path, `expected name=value pairs separated by commas, got ${JSON.stringify(bad)} (OTEL_CONFIG_FILE ${this.file})`);
    }
  }

  /** Walks one object: a key without a handler is refused with its path; handlers run in their own order. */
  private section(node: unknown, path: string, handlers: Handlers): void {
    if (node == null) return;
    for (const key of Object.keys(node as Node)) {
      if (!(key in handlers)) this.unsupported(path ? `${path}.${key}` : key, GENERIC);
    }
    for (const [key, handle] of Object.entries(handlers)) {
      if (key in (node as Node)) handle((node as Node)[key], path ? `${path}.${key}` : key);
    }
  }

  /** A plugin choice: an object with exactly one key (`always_on: {}`, `otlp_http: {...}`). */
  private oneKey(node: unknown, path: string): [string, unknown] {
    const entries = Object.entries((node ?? {}) as Node);
    if (entries.length !== 1) this.unsupported(path, `expected exactly one kind, got ${entries.length === 0 ? 'none' : entries.map(([key]) => key).join(', ')}`);
    return entries[0]!;
  }

  private set(configPath: string, value: unknown, yamlPath: string): void {
    if (value === null || value === undefined) return;
    const segments = configPath.split('.');
    let node = this.result.options as Node;
    for (const segment of segments.slice(0, -1)) node = (node[segment] ??= {}) as Node;
    node[segments.at(-1)!] = value;
    this.result.origins.set(configPath, yamlPath);
  }

  private unsupported(yamlPath: string, why: string): never {
    throw new BeaconConfigError(ErrorCodes.UNSUPPORTED, yamlPath, `not supported by Beacon: ${why} (OTEL_CONFIG_FILE ${this.file})`);
  }
}
