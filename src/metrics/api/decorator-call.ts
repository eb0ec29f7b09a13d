/**
 * Beacon's decorators work under TC39 decorators and under `experimentalDecorators` (NestJS's
 * default), so one package serves both kinds of app. Which one called is told at run time by
 * the arguments: TC39 passes (value, context) with `context.kind` naming the target;
 * experimentalDecorators passes (constructor) for a class, (prototype, key, descriptor) for a
 * member and (target, key, index) for a parameter.
 */
import { BeaconError, ErrorCodes } from '../../errors.js';
import type { AnyFunction } from './wrap.js';

/** A method decorator for either mode that keeps the method's type. */
export interface MethodDecorator {
  /** TC39 decorators. */
  <This, Args extends unknown[], R>(
    target: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R;
  /** experimentalDecorators: the prototype (the class for a static method), the name and the method's descriptor. */
  <F extends AnyFunction>(prototype: object, key: string | symbol, descriptor: TypedPropertyDescriptor<F>): TypedPropertyDescriptor<F>;
}

type Mode = 'tc39' | 'legacy';

/** What a decorator was applied to (`undefined`: called with arguments no decorator gets). */
function targetOf(args: readonly unknown[]): { kind: string; mode: Mode } | undefined {
  const [value, context, third] = args;
  const kind = (context as { kind?: unknown } | null | undefined)?.kind;
  if (typeof context === 'object' && typeof kind === 'string') return { kind, mode: 'tc39' };
  if (args.length === 1 && typeof value === 'function') return { kind: 'class', mode: 'legacy' };
  if (typeof third === 'number') return { kind: 'parameter', mode: 'legacy' };
  if ((typeof context === 'string' || typeof context === 'symbol') && value !== null && (typeof value === 'object' || typeof value === 'function')) {
    return { kind: memberKind(third as PropertyDescriptor | undefined), mode: 'legacy' };
  }
  return undefined;
}

/** experimentalDecorators hands a field no descriptor, and an accessor one with get/set. */
function memberKind(descriptor: PropertyDescriptor | undefined): string {
  if (descriptor?.get) return 'getter';
  if (descriptor?.set) return 'setter';
  return typeof descriptor?.value === 'function' ? 'method' : 'field';
}

/** The mode of this call; throws BEACON_DECORATOR_TARGET unless the decorator `what` sits on a `kind`. */
export function decoratorMode(args: readonly unknown[], kind: 'method' | 'class', what: string): Mode {
  const target = targetOf(args);
  if (target?.kind === kind) return target.mode;
  const got = target ? `applied to a ${target.kind}` : 'called with arguments that no decorator gets';
  throw new BeaconError(ErrorCodes.DECORATOR_TARGET, `@${what} is a ${kind} decorator, ${got}`);
}

/** The method decorator, for either mode, that replaces a method with `wrap(method)`. */
export function methodDecorator(wrap: <F extends AnyFunction>(fn: F) => F, what: string): MethodDecorator {
  return ((...args: unknown[]) => {
    if (decoratorMode(args, 'method', what) === 'tc39') return wrap(args[0] as AnyFunction);
    const descriptor = args[2] as PropertyDescriptor;
    return { ...descriptor, value: wrap(descriptor.value as AnyFunction) };
  }) as MethodDecorator;
}
