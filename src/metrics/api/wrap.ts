/**
 * One way to run code "around" a function, sync or async, keeping `this` and the return
 * value, seeing the error and rethrowing it untouched. Used by trackDuration/trackActive/
 * trackErrors and by component instrumentation, which share the check of a decorator's target.
 */
import { BeaconError, ErrorCodes } from '../../errors.js';

export interface Around<S> {
  /** Before the call; its result is handed to `after`. */
  before(): S;
  /** After the call settled: `error` is set when it threw or rejected. Must not throw. */
  after(state: S, failed: boolean, error: unknown): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (this: any, ...args: any[]) => any;

export function wrapAround<F extends AnyFunction, S>(fn: F, around: Around<S>): F {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const state = around.before();
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      around.after(state, true, error);
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          around.after(state, false, undefined);
          return value;
        },
        (error: unknown) => {
          around.after(state, true, error);
          throw error;
        },
      );
    }
    around.after(state, false, undefined);
    return result;
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped as F;
}

/** Throws BEACON_DECORATOR_TARGET unless the decorator `what` sits on a `kind` (`context` as a TC39 decorator gets it). */
export function checkDecoratorTarget(context: unknown, kind: 'method' | 'class', what: string): void {
  // With experimentalDecorators there is no context object (a property key, or nothing).
  const actual = (context as { kind?: unknown } | null | undefined)?.kind;
  if (actual === kind) return;
  const got = typeof actual === 'string' ? `to a ${actual}` : 'with experimentalDecorators on';
  throw new BeaconError(ErrorCodes.DECORATOR_TARGET, `@${what} is a ${kind} decorator (TC39 decorators), applied ${got}`);
}

function isPromiseLike(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** `TypeError`, `ECONNREFUSED`, … — a bounded label value for what went wrong. */
export function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && /^[A-Z_0-9]{2,40}$/.test(code) ? code : error.constructor?.name || error.name || 'Error';
  }
  return typeof error;
}
