/**
 * One way to run code "around" a function, sync or async, keeping `this` and the return
 * value, seeing the error and rethrowing it untouched. Used by trackDuration/trackActive/
 * trackErrors and by component instrumentation.
 */

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
  passFor(fn, wrapped);
  return wrapped as F;
}

/** reflect-metadata's functions, there when the app loaded it (NestJS does). */
interface MetadataReflect {
  getOwnMetadataKeys(target: object): unknown[];
  getOwnMetadata(key: unknown, target: object): unknown;
  defineMetadata(key: unknown, value: unknown, target: object): void;
}

/**
 * Makes `wrapped` pass for `original`: its name, its length and its reflect-metadata.
 * Frameworks keep what their method decorators declared (NestJS routes, `@Cron`, `@OnEvent`)
 * as metadata on the method function, and find the method by it: a wrapper without it would
 * make a route or a job vanish.
 */
export function passFor(original: AnyFunction, wrapped: AnyFunction): void {
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
  const reflect = Reflect as typeof Reflect & Partial<MetadataReflect>;
  if (!reflect.getOwnMetadataKeys || !reflect.getOwnMetadata || !reflect.defineMetadata) return;
  for (const key of reflect.getOwnMetadataKeys(original)) reflect.defineMetadata(key, reflect.getOwnMetadata(key, original), wrapped);
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
