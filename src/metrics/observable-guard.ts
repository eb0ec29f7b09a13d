/**
 * Observable callbacks are the app's code running inside every collection. One that never
 * answers must not hold scrapes (upstream waits for it, or for the whole collection's
 * timeout with an error that names nothing); one that throws must not cost the other series.
 *
 * The provider guards every observable instrument at registration, so Beacon's `metrics.meter()`
 * and the raw OTel API (`metrics.getMeter()`, the global provider is this one) are covered
 * alike, without reaching into the SDK's internals: each callback gets CALLBACK_TIMEOUT_MS,
 * its failure names the instrument, and it is not called again while a previous call is still
 * pending (a stuck callback is not stacked up once per scrape, and later scrapes do not wait
 * for it again).
 */
import type { BatchObservableCallback, Meter, MeterOptions, Observable, ObservableCallback } from '@opentelemetry/api';
import { MeterProvider } from '../otel/sdk-metrics.cjs';

/** Per callback; a scrape with a stuck callback answers after this plus the serialization. */
export const CALLBACK_TIMEOUT_MS = 500;

/**
 * One line wherever it is printed: the OTLP reader logs collection errors with util.format,
 * which would add this stack (always the guard's own frames) and the cause's on every push.
 * The message names the instrument and carries the callback's own error message.
 */
class ObservableCallbackError extends Error {
  override readonly name = 'ObservableCallbackError';

  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

const OBSERVABLE_FACTORIES = ['createObservableGauge', 'createObservableCounter', 'createObservableUpDownCounter'] as const;

export class GuardedMeterProvider extends MeterProvider {
  private readonly guarded = new WeakSet<Meter>();

  override getMeter(name: string, version?: string, options?: MeterOptions): Meter {
    const meter = super.getMeter(name, version, options);
    if (!this.guarded.has(meter)) {
      guardMeter(meter);
      this.guarded.add(meter);
    }
    return meter;
  }
}

/** Instrument → its name, for naming batch callbacks (the SDK keeps the descriptor private). */
const instrumentNames = new WeakMap<Observable, string>();

function guardMeter(meter: Meter): void {
  for (const factory of OBSERVABLE_FACTORIES) {
    const create = meter[factory].bind(meter) as (name: string, options?: object) => Observable;
    meter[factory] = ((name: string, options?: object) => guardInstrument(create(name, options), name)) as never;
  }
  const wrappers = new WeakMap<BatchObservableCallback, BatchObservableCallback>();
  const addBatch = meter.addBatchObservableCallback.bind(meter);
  const removeBatch = meter.removeBatchObservableCallback.bind(meter);
  meter.addBatchObservableCallback = (callback, observables) => {
    let wrapper = wrappers.get(callback);
    if (!wrapper) {
      wrapper = guardCallback(callback, `batch observable callback of ${observables.map((o) => `"${instrumentNames.get(o) ?? '?'}"`).join(', ')}`);
      wrappers.set(callback, wrapper);
    }
    addBatch(wrapper, observables);
  };
  meter.removeBatchObservableCallback = (callback, observables) => {
    const wrapper = wrappers.get(callback);
    if (wrapper) removeBatch(wrapper, observables);
  };
}

/** Patched in place: batch callbacks and the SDK recognise an instrument by its identity. */
function guardInstrument(instrument: Observable, name: string): Observable {
  instrumentNames.set(instrument, name);
  const wrappers = new WeakMap<ObservableCallback, ObservableCallback>();
  const add = instrument.addCallback.bind(instrument);
  const remove = instrument.removeCallback.bind(instrument);
  instrument.addCallback = (callback) => {
    let wrapper = wrappers.get(callback);
    if (!wrapper) {
      wrapper = guardCallback(callback, `observable callback of "${name}"`);
      wrappers.set(callback, wrapper);
    }
    add(wrapper);
  };
  instrument.removeCallback = (callback) => {
    const wrapper = wrappers.get(callback);
    if (wrapper) remove(wrapper);
  };
  return instrument;
}

function guardCallback<R>(callback: (result: R) => void | Promise<void>, what: string): (result: R) => void | Promise<void> {
  const tooSlow = `${what} did not answer within ${CALLBACK_TIMEOUT_MS} ms; its series are left out until it does`;
  let pending: Promise<unknown> | null = null;
  return (result) => {
    if (pending) return Promise.reject(new ObservableCallbackError(tooSlow));
    let returned: unknown;
    try {
      returned = callback(result);
    } catch (error) {
      throw failed(what, error);
    }
    // The common case, a synchronous read: no promise, no timer.
    if (!isThenable(returned)) return undefined;
    const settled = Promise.resolve(returned).finally(() => {
      if (pending === settled) pending = null;
    });
    pending = settled;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ObservableCallbackError(tooSlow)), CALLBACK_TIMEOUT_MS);
      settled.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(failed(what, error));
        },
      );
    });
  };
}

function failed(what: string, error: unknown): ObservableCallbackError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ObservableCallbackError(`${what} failed (${reason}); its series are left out of this collection`);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
