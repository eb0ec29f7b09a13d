/**
 * Which export the running code belongs to. The DeadlineExporter runs each export inside a
 * scope that carries an AbortSignal; the OTLP transport (otlp-http.ts) reads it, so that
 * ending an export — its total deadline, or the end of a bounded flush — destroys its
 * requests and cancels its retry waits, and a request the export would still start is never
 * sent. AsyncLocalStorage carries the scope through the promises and timers in between.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<AbortSignal>();

export function runInExport(signal: AbortSignal, start: () => void): void {
  scope.run(signal, start);
}

/** The signal of the export the caller runs in, if any. */
export function exportSignal(): AbortSignal | undefined {
  return scope.getStore();
}
