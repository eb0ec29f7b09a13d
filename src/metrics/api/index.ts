/**
 * `metrics`: a thin façade over the OTel meter with prom-client-like verbs and label keys
 * checked by the compiler. Instruments are cached by name (asking twice returns the same
 * one); before the SDK is up they are OTel no-ops, and they start recording once it is
 * (binding.ts). Nothing here throws into the app at record time; defining a metric or
 * decorating a method throws a coded BeaconError for a programmer error (errors.ts), once,
 * where it is written.
 */
import {
  type Attributes,
  type Counter as OtelCounter,
  type Histogram as OtelHistogram,
  type Meter,
  type ObservableGauge,
  type UpDownCounter as OtelUpDownCounter,
  diag,
} from '@opentelemetry/api';
import { BeaconError, ErrorCodes } from '../../errors.js';
import { currentMeter, defaultHistogramBuckets, onMeterProvider } from './binding.js';
import { type MethodDecorator, methodDecorator } from './decorator-call.js';
import { ObservedSeries } from './series.js';
import { type AnyFunction, errorType, wrapAround } from './wrap.js';

export type { MethodDecorator };

export const METER_NAME = 'beacon-otel/metrics';

export type LabelValue = string | number | boolean;
/** Only the declared label keys are accepted: a misspelt key is a compile error. */
export type Labels<L extends string> = [L] extends [never] ? Attributes : { readonly [K in L]?: LabelValue };

export interface InstrumentOptions<L extends string> {
  description?: string;
  /** UCUM unit, e.g. 's', 'By', '1', '{order}'; Prometheus shows `s` as `_seconds`, `By` as `_bytes`. */
  unit?: string;
  labels?: readonly L[];
}

export interface HistogramOptions<L extends string> extends InstrumentOptions<L> {
  /** Bucket boundaries; default `metrics.buckets` from the config. */
  buckets?: readonly number[];
}

export interface Counter<L extends string = never> {
  inc(labels?: Labels<L>, value?: number): void;
  add(value: number, labels?: Labels<L>): void;
}

export interface Histogram<L extends string = never> {
  observe(value: number, labels?: Labels<L>): void;
  record(value: number, labels?: Labels<L>): void;
  /** Returns a function that records the seconds elapsed since `startTimer()` and returns them. */
  startTimer(labels?: Labels<L>): (moreLabels?: Labels<L>) => number;
}

export interface Gauge<L extends string = never> {
  set(value: number, labels?: Labels<L>): void;
  inc(labels?: Labels<L>, value?: number): void;
  dec(labels?: Labels<L>, value?: number): void;
}

export interface UpDownCounter<L extends string = never> {
  add(value: number, labels?: Labels<L>): void;
  inc(labels?: Labels<L>, value?: number): void;
  dec(labels?: Labels<L>, value?: number): void;
}

type Kind = 'counter' | 'histogram' | 'gauge' | 'upDownCounter';
const registry = new Map<string, { kind: Kind; instrument: unknown }>();

function cached<T>(name: string, kind: Kind, create: () => T): T {
  const existing = registry.get(name);
  if (existing) {
    if (existing.kind !== kind) {
      throw new BeaconError(ErrorCodes.METRIC_KIND_CONFLICT, `metric "${name}" is already a ${existing.kind}; it cannot also be a ${kind}`);
    }
    return existing.instrument as T;
  }
  const instrument = create();
  registry.set(name, { kind, instrument });
  return instrument;
}

function meter(): Meter {
  return currentMeter(METER_NAME);
}

function counter<const L extends string = never>(name: string, options: InstrumentOptions<L> = {}): Counter<L> {
  return cached(name, 'counter', () => {
    let otel!: OtelCounter;
    onMeterProvider(() => (otel = meter().createCounter(name, otelOptions(options))));
    return {
      inc: (labels, value = 1) => otel.add(value, labels as Attributes),
      add: (value, labels) => otel.add(value, labels as Attributes),
    };
  });
}

function histogram<const L extends string = never>(name: string, options: HistogramOptions<L> = {}): Histogram<L> {
  return cached(name, 'histogram', () => {
    let otel!: OtelHistogram;
    onMeterProvider(() => {
      const buckets = options.buckets ?? defaultHistogramBuckets();
      otel = meter().createHistogram(name, {
        ...otelOptions(options),
        ...(buckets ? { advice: { explicitBucketBoundaries: [...buckets] } } : {}),
      });
    });
    return {
      observe: (value, labels) => otel.record(value, labels as Attributes),
      record: (value, labels) => otel.record(value, labels as Attributes),
      startTimer: (labels) => {
        const start = performance.now();
        return (moreLabels) => {
          const seconds = (performance.now() - start) / 1000;
          otel.record(seconds, { ...(labels as Attributes), ...(moreLabels as Attributes) });
          return seconds;
        };
      },
    };
  });
}

/** Values by label set, reported when a reader collects; bounded so a label leak cannot eat memory. */
const MAX_GAUGE_SERIES = 10_000;

function gauge<const L extends string = never>(name: string, options: InstrumentOptions<L> = {}): Gauge<L> {
  return cached(name, 'gauge', () => {
    const series = new ObservedSeries(MAX_GAUGE_SERIES);
    let observable: ObservableGauge | undefined;
    onMeterProvider(() => {
      observable?.removeCallback(series.observe);
      observable = meter().createObservableGauge(name, otelOptions(options));
      observable.addCallback(series.observe);
    });
    let warned = false;
    const update = (labels: Labels<L> | undefined, next: (current: number) => number) => {
      const entry = series.entry(seriesKey(labels as Attributes | undefined), () => ({ ...(labels as Attributes) }));
      if (entry) {
        entry.value = next(entry.value);
      } else if (!warned) {
        diag.warn(`gauge "${name}" has ${MAX_GAUGE_SERIES} label sets; new ones are dropped`);
        warned = true;
      }
    };
    return {
      set: (value, labels) => update(labels, () => value),
      inc: (labels, value = 1) => update(labels, (current) => current + value),
      dec: (labels, value = 1) => update(labels, (current) => current - value),
    };
  });
}

function upDownCounter<const L extends string = never>(name: string, options: InstrumentOptions<L> = {}): UpDownCounter<L> {
  return cached(name, 'upDownCounter', () => {
    let otel!: OtelUpDownCounter;
    onMeterProvider(() => (otel = meter().createUpDownCounter(name, otelOptions(options))));
    return {
      add: (value, labels) => otel.add(value, labels as Attributes),
      inc: (labels, value = 1) => otel.add(value, labels as Attributes),
      dec: (labels, value = 1) => otel.add(-value, labels as Attributes),
    };
  });
}

function otelOptions(options: InstrumentOptions<string>): { description?: string; unit?: string } {
  return {
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.unit !== undefined ? { unit: options.unit } : {}),
  };
}

function seriesKey(labels: Attributes | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return JSON.stringify(keys.sort().map((key) => [key, labels[key]]));
}

/** `fn` given: the wrapped function. No `fn`: a method decorator doing the same (`what` names it in errors). */
function wrapperOrDecorator(wrap: <F extends AnyFunction>(fn: F) => F, fn: AnyFunction | undefined, what: string): unknown {
  return fn ? wrap(fn) : methodDecorator(wrap, what);
}

/**
 * Times each call (sync or async, whether it returns or throws) into the histogram `name`
 * (seconds). `trackDuration(name, labels, fn)` returns the wrapped function;
 * `@trackDuration(name, labels)` decorates a method.
 */
function trackDuration<const L extends string = never>(name: string, labels?: Labels<L>): MethodDecorator;
function trackDuration<const L extends string, F extends AnyFunction>(name: string, labels: Labels<L> | undefined, fn: F): F;
function trackDuration(name: string, labels?: Attributes, fn?: AnyFunction): unknown {
  const timer = histogram(name, { unit: 's', description: `Duration of ${name}.` });
  return wrapperOrDecorator(
    (target) => wrapAround(target, { before: () => performance.now(), after: (start) => timer.observe((performance.now() - start) / 1000, labels) }),
    fn,
    `metrics.trackDuration('${name}')`,
  );
}

/** Counts calls in flight in the up-down counter `name` (a gauge in Prometheus). */
function trackActive<const L extends string = never>(name: string, labels?: Labels<L>): MethodDecorator;
function trackActive<const L extends string, F extends AnyFunction>(name: string, labels: Labels<L> | undefined, fn: F): F;
function trackActive(name: string, labels?: Attributes, fn?: AnyFunction): unknown {
  const active = upDownCounter(name, { description: `Calls of ${name} in progress.` });
  return wrapperOrDecorator(
    (target) => wrapAround(target, { before: () => active.inc(labels), after: () => active.dec(labels) }),
    fn,
    `metrics.trackActive('${name}')`,
  );
}

/** Counts failed calls in the counter `name`, labelled with `error_type`, and rethrows. */
function trackErrors<const L extends string = never>(name: string, labels?: Labels<L>): MethodDecorator;
function trackErrors<const L extends string, F extends AnyFunction>(name: string, labels: Labels<L> | undefined, fn: F): F;
function trackErrors(name: string, labels?: Attributes, fn?: AnyFunction): unknown {
  const errors = counter<string>(name, { description: `Failed calls of ${name}.` });
  return wrapperOrDecorator(
    (target) =>
      wrapAround(target, {
        before: () => undefined,
        after: (_state, failed, error) => {
          if (failed) errors.inc({ ...labels, error_type: errorType(error) });
        },
      }),
    fn,
    `metrics.trackErrors('${name}')`,
  );
}

export const metrics = {
  counter,
  histogram,
  gauge,
  upDownCounter,
  trackDuration,
  trackActive,
  trackErrors,
  /** The raw OTel meter, for anything the façade does not cover; taken before start it stays a no-op. */
  meter: (name: string = METER_NAME, version?: string): Meter => currentMeter(name, version),
};
