/**
 * `metrics`: instruments with prom-client-like verbs, label keys checked by the compiler and
 * pre-bound series (`.labels(...)`), reported through the OTel SDK's readers. Their series
 * are Beacon's own (series.ts says why). Instruments are cached by name (asking twice
 * returns the same one); what they record before the SDK is up goes nowhere, and they
 * report once it is (binding.ts). Nothing here throws into the app at record time; defining
 * a metric or decorating a method throws a coded BeaconError for a programmer error
 * (errors.ts), once, where it is written.
 */
import { type Attributes, type Meter, type Observable, diag } from '../../otel/api.cjs';
import { BeaconError, ErrorCodes } from '../../errors.js';
import { METER_NAME, cardinalityLimit, currentMeter, onMeterProvider } from './binding.js';
import { type MethodDecorator, methodDecorator } from './decorator-call.js';
import { type HistogramCell, reportedHistogram } from './histogram-series.js';
import { ObservedSeries, type SeriesCell, type SeriesEntry, type SeriesTable, boundCell } from './series.js';
import { type AnyFunction, errorType, wrapAround } from './wrap.js';

export type { MethodDecorator };
export { METER_NAME };

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

/** One series of a counter, its labels fixed: `counter.labels({ route }).inc()`. */
export interface BoundCounter {
  inc(value?: number): void;
  add(value: number): void;
}

export interface Counter<L extends string = never> {
  inc(labels?: Labels<L>, value?: number): void;
  add(value: number, labels?: Labels<L>): void;
  /** The series for `labels`, looked up once: each call then only adds. */
  labels(labels: Labels<L>): BoundCounter;
}

/** One series of a histogram, its labels fixed. */
export interface BoundHistogram {
  observe(value: number): void;
  record(value: number): void;
  /** Returns a function that records the seconds elapsed since `startTimer()` and returns them. */
  startTimer(): () => number;
}

export interface Histogram<L extends string = never> {
  observe(value: number, labels?: Labels<L>): void;
  record(value: number, labels?: Labels<L>): void;
  /** Returns a function that records the seconds elapsed since `startTimer()` and returns them. */
  startTimer(labels?: Labels<L>): (moreLabels?: Labels<L>) => number;
  /** The series for `labels`, looked up once: each call then only records. */
  labels(labels: Labels<L>): BoundHistogram;
}

/** One series of a gauge or up-down counter, its labels fixed. */
export interface BoundGauge {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}

export interface Gauge<L extends string = never> {
  set(value: number, labels?: Labels<L>): void;
  inc(labels?: Labels<L>, value?: number): void;
  dec(labels?: Labels<L>, value?: number): void;
  labels(labels: Labels<L>): BoundGauge;
}

export interface BoundUpDownCounter {
  add(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}

export interface UpDownCounter<L extends string = never> {
  add(value: number, labels?: Labels<L>): void;
  inc(labels?: Labels<L>, value?: number): void;
  dec(labels?: Labels<L>, value?: number): void;
  labels(labels: Labels<L>): BoundUpDownCounter;
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

/** The cell of `series` for a label set, or null when the series is full (it has no overflow series). */
function cellLookup<C extends SeriesCell>(series: SeriesTable<C>): (labels: Attributes | undefined) => C | null {
  return (labels) => series.cell(labels);
}

/**
 * Sums and gauges: one number per label set, reported through an observable instrument
 * (re)created on each provider, which starts the series afresh. Counters and up-down
 * counters keep the SDK's cardinality limit and its overflow series; gauges drop new label
 * sets beyond MAX_GAUGE_SERIES.
 */
function observedSeries(create: (meter: Meter) => Observable, overflow: boolean): ObservedSeries {
  const series = new ObservedSeries(overflow ? undefined : MAX_GAUGE_SERIES, overflow);
  let observable: Observable | undefined;
  onMeterProvider(() => {
    observable?.removeCallback(series.observe);
    if (overflow) series.clear(cardinalityLimit());
    observable = create(meter());
    observable.addCallback(series.observe);
  });
  return series;
}

/** Warns once per instrument about values it cannot take; they are dropped, as the SDK drops them. */
function invalidValueWarning(name: string, expected: string): (value: unknown) => void {
  let warned = false;
  return (value) => {
    if (warned) return;
    warned = true;
    diag.warn(`metric "${name}" takes ${expected}; ${String(value)} was dropped (warned once)`);
  };
}

function counter<const L extends string = never>(name: string, options: InstrumentOptions<L> = {}): Counter<L> {
  return cached(name, 'counter', () => {
    const series = observedSeries((m) => m.createObservableCounter(name, otelOptions(options)), true);
    const invalid = invalidValueWarning(name, 'numbers ≥ 0');
    const add = (cell: SeriesEntry | null, value: number) => {
      if (typeof value !== 'number' || !(value >= 0)) invalid(value);
      else if (cell) cell.value += value;
    };
    const cellOf = cellLookup(series);
    return {
      inc: (labels, value = 1) => add(cellOf(labels as Attributes), value),
      add: (value, labels) => add(cellOf(labels as Attributes), value),
      labels: (labels) => {
        const cell = boundCell(series, labels as Attributes);
        return { inc: (value = 1) => add(cell(), value), add: (value) => add(cell(), value) };
      },
    };
  });
}

function histogram<const L extends string = never>(name: string, options: HistogramOptions<L> = {}): Histogram<L> {
  return cached(name, 'histogram', () => {
    // Instruments live as long as the process (they are cached by name): never stopped.
    const { series } = reportedHistogram({ name, description: options.description ?? '', unit: options.unit ?? '', scope: { name: METER_NAME } }, options.buckets);
    const invalid = invalidValueWarning(name, 'numbers ≥ 0');
    const record = (cell: HistogramCell | null, value: number) => {
      if (typeof value !== 'number' || !(value >= 0)) invalid(value);
      else cell?.record(value);
    };
    const cellOf = cellLookup(series);
    const recordAt = (value: number, labels: Labels<L> | undefined) => record(cellOf(labels as Attributes), value);
    return {
      observe: recordAt,
      record: recordAt,
      startTimer: (labels) => {
        const start = performance.now();
        return (moreLabels) => {
          const seconds = (performance.now() - start) / 1000;
          recordAt(seconds, moreLabels ? { ...labels, ...moreLabels } : labels);
          return seconds;
        };
      },
      labels: (labels) => {
        const cell = boundCell(series, labels as Attributes);
        const bound = (value: number) => record(cell(), value);
        return {
          observe: bound,
          record: bound,
          startTimer: () => {
            const start = performance.now();
            return () => {
              const seconds = (performance.now() - start) / 1000;
              bound(seconds);
              return seconds;
            };
          },
        };
      },
    };
  });
}

/** Values by label set, reported when a reader collects; bounded so a label leak cannot eat memory. */
const MAX_GAUGE_SERIES = 10_000;

/** set/inc/dec on a cell; a gauge full of label sets drops new ones, with one warning. */
function gaugeUpdates(name: string): (cell: SeriesEntry | null, next: (current: number) => number) => void {
  let warned = false;
  return (cell, next) => {
    if (cell) {
      cell.value = next(cell.value);
    } else if (!warned) {
      diag.warn(`gauge "${name}" has ${MAX_GAUGE_SERIES} label sets; new ones are dropped`);
      warned = true;
    }
  };
}

function gauge<const L extends string = never>(name: string, options: InstrumentOptions<L> = {}): Gauge<L> {
  return cached(name, 'gauge', () => {
    const series = observedSeries((m) => m.createObservableGauge(name, otelOptions(options)), false);
    const update = gaugeUpdates(name);
    const cellOf = cellLookup(series);
    return {
      set: (value, labels) => update(cellOf(labels as Attributes), () => value),
      inc: (labels, value = 1) => update(cellOf(labels as Attributes), (current) => current + value),
      dec: (labels, value = 1) => update(cellOf(labels as Attributes), (current) => current - value),
      labels: (labels) => {
        const cell = boundCell(series, labels as Attributes);
        return {
          set: (value) => update(cell(), () => value),
          inc: (value = 1) => update(cell(), (current) => current + value),
          dec: (value = 1) => update(cell(), (current) => current - value),
        };
      },
    };
  });
}

function upDownCounter<const L extends string = never>(name: string, options: InstrumentOptions<L> = {}): UpDownCounter<L> {
  return cached(name, 'upDownCounter', () => {
    const series = observedSeries((m) => m.createObservableUpDownCounter(name, otelOptions(options)), true);
    const invalid = invalidValueWarning(name, 'numbers');
    const add = (cell: SeriesEntry | null, value: number) => {
      if (typeof value !== 'number' || Number.isNaN(value)) invalid(value);
      else if (cell) cell.value += value;
    };
    const cellOf = cellLookup(series);
    return {
      add: (value, labels) => add(cellOf(labels as Attributes), value),
      inc: (labels, value = 1) => add(cellOf(labels as Attributes), value),
      dec: (labels, value = 1) => add(cellOf(labels as Attributes), -value),
      labels: (labels) => {
        const cell = boundCell(series, labels as Attributes);
        return { add: (value) => add(cell(), value), inc: (value = 1) => add(cell(), value), dec: (value = 1) => add(cell(), -value) };
      },
    };
  });
}

function otelOptions(options: InstrumentOptions<string>): { description?: string; unit?: string } {
  return {
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.unit !== undefined ? { unit: options.unit } : {}),
  };
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
  // The labels are fixed here: each call records into its pre-bound series.
  const timer = histogram(name, { unit: 's', description: `Duration of ${name}.` }).labels(labels ?? {});
  return wrapperOrDecorator(
    (target) => wrapAround(target, { before: () => performance.now(), after: (start) => timer.observe((performance.now() - start) / 1000) }),
    fn,
    `metrics.trackDuration('${name}')`,
  );
}

/** Counts calls in flight in the up-down counter `name` (a gauge in Prometheus). */
function trackActive<const L extends string = never>(name: string, labels?: Labels<L>): MethodDecorator;
function trackActive<const L extends string, F extends AnyFunction>(name: string, labels: Labels<L> | undefined, fn: F): F;
function trackActive(name: string, labels?: Attributes, fn?: AnyFunction): unknown {
  const active = upDownCounter(name, { description: `Calls of ${name} in progress.` }).labels(labels ?? {});
  return wrapperOrDecorator(
    (target) => wrapAround(target, { before: () => active.inc(), after: () => active.dec() }),
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
