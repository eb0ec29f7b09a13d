/**
 * What Beacon does on process exit and on SIGTERM/SIGINT, without changing the app's own
 * exit behaviour:
 * - on `beforeExit` (the loop ran dry), buffered telemetry is flushed — once: the flush's
 *   own I/O makes the loop run dry again, so a further flush happens only if the app
 *   recorded telemetry since (`rearm()`); otherwise beforeExit would fire forever;
 * - on a signal, if the app has no handler of its own, Beacon flushes within the shutdown
 *   deadline and then re-raises the signal with Node's default action, so the process dies
 *   exactly as it would have (killed by that signal, same exit status);
 * - if the app has its own handler, the app keeps full control; Beacon only starts a flush.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ExitHooks {
  remove(): void;
  /** Telemetry was recorded: the next beforeExit flushes again. */
  rearm(): void;
}

export function installExitHooks(flush: () => Promise<void>, shutdown: () => Promise<void>, handleSignals: boolean): ExitHooks {
  let armed = true;
  const onBeforeExit = () => {
    if (!armed) return;
    armed = false;
    void flush();
  };
  process.on('beforeExit', onBeforeExit);

  const handlers = new Map<NodeJS.Signals, () => void>();
  let shuttingDown = false;
  if (handleSignals) {
    for (const signal of SIGNALS) {
      const handler = () => {
        const appHasHandler = process.listeners(signal).some((listener) => listener !== handler);
        if (appHasHandler) {
          void flush();
          return;
        }
        // A second signal while flushing means "now": give up on the flush.
        if (shuttingDown) {
          remove();
          process.kill(process.pid, signal);
          return;
        }
        shuttingDown = true;
        void shutdown().finally(() => {
          remove();
          process.kill(process.pid, signal);
        });
      };
      handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  const remove = () => {
    process.off('beforeExit', onBeforeExit);
    for (const [signal, handler] of handlers) process.off(signal, handler);
    handlers.clear();
  };
  return {
    remove,
    rearm: () => {
      armed = true;
    },
  };
}
