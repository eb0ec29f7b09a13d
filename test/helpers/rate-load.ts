/**
 * An open-loop load at a fixed offered rate (requests are sent on schedule whether or not
 * earlier ones have answered), for comparing what two apps achieve at the same rate:
 * a closed loop would measure the load generator's round trips as much as the app.
 */
import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

export interface RateLoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Completion times of the successful requests, ms since the load started. */
  completions: number[];
  elapsedMs: number;
}

/**
 * Sends `perSecond` requests a second for `durationMs` (`path(seq)` gives each one's path),
 * then waits for the last answers; seq counts on from `firstSeq`.
 */
export async function rateLoad(baseUrl: string, perSecond: number, durationMs: number, path: (seq: number) => string, firstSeq = 0): Promise<RateLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const result: RateLoadResult = { sent: 0, ok: 0, failed: 0, completions: [], elapsedMs: 0 };
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  const send = (seq: number) => {
    const done = new Promise<void>((resolve) => {
      const req = request(`${baseUrl}${path(seq)}`, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) {
            result.ok++;
            result.completions.push(performance.now() - started);
          } else result.failed++;
          resolve();
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
      req.on('error', () => {
        result.failed++;
        resolve();
      });
      req.end();
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= durationMs) break;
    const due = Math.floor((elapsed / 1000) * perSecond);
    while (result.sent < due) send(firstSeq + result.sent++);
    await delay(5);
  }
  await Promise.all(pending);
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}

/** Successful completions per window of `windowMs` over the first `durationMs`. */
export function perWindow(completions: readonly number[], windowMs: number, durationMs: number): number[] {
  const windows = new Array<number>(Math.floor(durationMs / windowMs)).fill(0);
  for (const at of completions) {
    const index = Math.floor(at / windowMs);
    if (index < windows.length) windows[index]!++;
  }
  return windows;
}
