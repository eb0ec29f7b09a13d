/**
 * Component instrumentation: every method call of a service or repository gets a child span
 * `Component.method` and the component metrics (calls, errors, duration by component and
 * method, calls in flight). Exceptions are recorded on the span and rethrown untouched; `this`, return
 * values and sync/async behaviour are unchanged. Getters, setters, fields and private
 * (#) members are left alone. Span names and label sets are built once per method.
 */
import { type Attributes, type Span, SpanStatusCode, context, trace } from '../otel/api.cjs';
import { BeaconError, ErrorCodes } from '../errors.js';
import { decoratorMode } from '../metrics/api/decorator-call.js';
import { type AnyFunction, errorType, passFor, wrapAround } from '../metrics/api/wrap.js';
import { componentCallsInFlight, recordComponentCall } from '../metrics/collectors/components.js';

const tracer = trace.getTracer('beacon-otel/components');
const WRAPPED = Symbol('beacon.instrumented');

interface CallState {
  span: Span;
  start: number;
}

export function instrumentMethod<F extends AnyFunction>(fn: F, component: string, method: string): F {
  if ((fn as { [WRAPPED]?: true })[WRAPPED]) return fn;
  const spanName = `${component}.${method}`;
  const labels = Object.freeze({ component, method });
  const inFlight = componentCallsInFlight(labels);
  const spanAttributes: Attributes = Object.freeze({ 'code.namespace': component, 'code.function': method });

  // wrapAround calls `before` and then `inner` synchronously, so handing the state over
  // through a variable is safe; `inner` makes the span active while the method runs, so
  // that whatever it calls nests under it.
  let handover: CallState | undefined;
  const inner = function (this: unknown, ...args: unknown[]): unknown {
    const { span } = handover!;
    handover = undefined;
    return context.with(trace.setSpan(context.active(), span), fn as AnyFunction, this, ...args);
  };
  const wrapped = wrapAround(inner as F, {
    before: () => {
      inFlight.value++;
      return (handover = { span: tracer.startSpan(spanName, { attributes: spanAttributes }), start: performance.now() });
    },
    after: ({ span, start }, failed, error) => {
      inFlight.value--;
      if (failed) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      span.end();
      recordComponentCall(labels, (performance.now() - start) / 1000, failed ? errorType(error) : null);
    },
  });
  passFor(fn, wrapped);
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  return wrapped;
}

/** Plain methods of `target` itself (not accessors, not the constructor). */
function methodNames(target: object): string[] {
  return Object.getOwnPropertyNames(target).filter((key) => {
    if (key === 'constructor') return false;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return descriptor !== undefined && 'value' in descriptor && typeof descriptor.value === 'function' && descriptor.writable !== false;
  });
}

function wrapMethods(target: object, holder: object, component: string): void {
  for (const key of methodNames(holder)) {
    const original = (holder as Record<string, AnyFunction>)[key]!;
    const descriptor = Object.getOwnPropertyDescriptor(holder, key)!;
    Object.defineProperty(target, key, { ...descriptor, value: instrumentMethod(original, component, key) });
  }
}

type AnyClass = abstract new (...args: never[]) => unknown;

/** `@Instrumented()` as TC39 decorators and as experimentalDecorators call it. */
export interface InstrumentedDecorator {
  <C extends AnyClass>(value: C, context: ClassDecoratorContext<C>): C;
  <C extends AnyClass>(value: C): C;
}

/**
 * `@Instrumented()` / `@Instrumented('Orders')` on a class: the methods the class itself
 * declares are instrumented as `Name.method` (inherited ones keep their own instrumentation,
 * if their class has it; base classes like EventEmitter are never touched).
 */
export function Instrumented(name?: string): InstrumentedDecorator {
  return (...args: unknown[]) => {
    decoratorMode(args, 'class', 'Instrumented()');
    const [value, context] = args as [AnyClass, ClassDecoratorContext | undefined];
    const prototype = value.prototype as object;
    wrapMethods(prototype, prototype, name ?? context?.name ?? value.name);
    return value;
  };
}

/**
 * The plain-function twin of `@Instrumented()`: instruments an existing object in place, as
 * `name.method`, and returns it — its own methods (an object literal) and those of its class
 * (an instance), set on the object itself so that other instances stay as they were.
 */
export function instrument<T extends object>(target: T, name: string): T {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) {
    throw new BeaconError(ErrorCodes.DECORATOR_TARGET, `instrument(target, '${name}') takes an object, got ${target === null ? 'null' : typeof target}`);
  }
  const proto = Object.getPrototypeOf(target) as object | null;
  if (proto && proto !== Object.prototype) wrapMethods(target, proto, name);
  wrapMethods(target, target, name);
  return target;
}
