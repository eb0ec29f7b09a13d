/**
 * The context manager: AsyncLocalStorage, as upstream's AsyncLocalStorageContextManager, with
 * a cheaper way of binding an event emitter to a context. Written here because binding is paid
 * per request: the http instrumentation binds every incoming request and its response.
 * Upstream replaces eight methods on each bound emitter (eight closures and eight new own
 * properties on objects Node's HTTP code reads all the time) and wraps every listener added
 * later (a closure, a WeakMap per event name, a defineProperty). Here a bound emitter gets one
 * own `emit` that runs its listeners in the bound context: what each listener sees is the same,
 * and so are `listeners()` and `removeListener()`, which keep the app's own functions.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { type Context, type ContextManager, ROOT_CONTEXT } from '../otel/api.cjs';

const boundContext = Symbol('beacon.boundContext');

type BoundEmitter = EventEmitter & { [boundContext]?: Context };

export class BeaconContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const callback = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return this.storage.run(context, callback, ...args);
  }

  bind<T>(context: Context, target: T): T {
    if (target instanceof EventEmitter) return this.bindEmitter(context, target) as T;
    if (typeof target === 'function') return this.bindFunction(context, target as T & ((...args: unknown[]) => unknown));
    return target;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }

  private bindFunction<F extends (...args: unknown[]) => unknown>(context: Context, target: F): F {
    const storage = this.storage;
    const bound = function (this: unknown, ...args: unknown[]) {
      return storage.run(context, Reflect.apply, target, this, args);
    };
    // Callers read a callback's arity (express tells error handlers by their four parameters).
    if (target.length > 0) Object.defineProperty(bound, 'length', { value: target.length, configurable: true });
    return bound as F;
  }

  /** The first binding wins, as upstream's does: a request bound once stays in that context. */
  private bindEmitter(context: Context, emitter: BoundEmitter): EventEmitter {
    if (emitter[boundContext] !== undefined) return emitter;
    emitter[boundContext] = context;
    const storage = this.storage;
    const emit = emitter.emit;
    emitter.emit = function (this: EventEmitter, ...args: [event: string | symbol, ...rest: unknown[]]): boolean {
      // Switching contexts builds a new async context frame: not for events nobody listens to.
      if (storage.getStore() === context || this.listenerCount(args[0]) === 0) return Reflect.apply(emit, this, args);
      return storage.run(context, Reflect.apply, emit, this, args);
    };
    return emitter;
  }
}
