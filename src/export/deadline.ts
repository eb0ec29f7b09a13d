/**
 * Total deadlines for telemetry I/O. Upstream OTLP timeouts are socket idle timeouts:
 * a peer that trickles bytes is never timed out and shutdown() then hangs. Beacon bounds
 * every export and every shutdown by wall-clock time instead.
 */

/**
 * Resolves with the promise's value, or with `onTimeout()` after `ms`; never rejects. The
 * timer keeps the process alive only with `holdProcess` (and never past `ms`).
 */
export async function settleWithin<T>(promise: Promise<T>, ms: number, onTimeout: () => T, { holdProcess = false } = {}): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
    if (!holdProcess) timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
