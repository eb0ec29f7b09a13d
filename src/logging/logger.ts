/**
 * `logger` and `createLogger()`: usable from the first line of the app, before or without
 * startMonitoring(). Each is a thin proxy over the current root pino logger; when the
 * logging module installs a configured root at start, existing loggers (and children made
 * from them, e.g. at module top level) follow it on their next call.
 *
 * The root lives on globalThis so that two copies of Beacon (ESM and CJS, or two installs)
 * still share one pipeline.
 */
import pino, { type Bindings, type ChildLoggerOptions, type Logger } from 'pino';
import { resolveConfig } from '../config/resolve.js';
import { type Root, createRoot, structuredFormat } from './formats.js';

interface RootState {
  root: Root | null;
  generation: number;
}

const STATE_KEY = Symbol.for('beacon-otel.logging.root');

/** Before start: structured JSON on stdout at info, with the default redaction and correlation. */
function fallbackRoot(): Root {
  const { config } = resolveConfig();
  return createRoot(config, config.logging.level, pino.destination({ dest: 1, sync: true }), structuredFormat);
}

const state: RootState = ((globalThis as Record<symbol, RootState | undefined>)[STATE_KEY] ??= { root: null, generation: 0 });
let fallback: Root | undefined;

function currentRoot(): Root {
  return state.root ?? (fallback ??= fallbackRoot());
}

/** Installs the configured root (null: back to the fallback); every logger made here follows it. */
export function setRootLogger(root: Root | null): void {
  state.root = root;
  state.generation++;
}

type Link = readonly [Bindings, ChildLoggerOptions | undefined];

function lazyLogger(chain: readonly Link[]): Logger {
  let generation = -1;
  let target: Logger | undefined;
  // Methods bound to the current target; re-bound when pino swaps one (level change).
  const bound = new Map<PropertyKey, { from: unknown; fn: unknown }>();
  const current = (): Logger => {
    if (generation !== state.generation) {
      generation = state.generation;
      const root = currentRoot();
      // Bindings are checked against the current root's rules (its format's reserved fields, its secret keys).
      target = chain.reduce<Logger>((parent, [bindings, options]) => parent.child(root.bindings(bindings), options), root.logger);
      bound.clear();
    }
    return target!;
  };
  const child = (bindings: Bindings, options?: ChildLoggerOptions) => lazyLogger([...chain, [bindings, options]]);

  return new Proxy({} as Logger, {
    get(_, property) {
      if (property === 'child') return child;
      const logger = current();
      const value: unknown = Reflect.get(logger, property, logger);
      if (typeof value !== 'function') return value;
      const cached = bound.get(property);
      if (cached?.from === value) return cached.fn;
      const fn = (value as (...args: unknown[]) => unknown).bind(logger);
      bound.set(property, { from: value, fn });
      return fn;
    },
    set: (_, property, value) => Reflect.set(current(), property, value),
    has: (_, property) => Reflect.has(current(), property),
  });
}

/** Beacon's logger: pino, configured from `logging` in the monitoring config. */
export const logger: Logger = lazyLogger([]);

/** A logger with bindings on every line, e.g. `createLogger({ component: 'billing' })`. */
export function createLogger(bindings: Bindings = {}, options?: ChildLoggerOptions): Logger {
  return lazyLogger([[bindings, options]]);
}
