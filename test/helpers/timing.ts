/**
 * Waiting in tests without betting on the machine's speed. Node's timers fire against the
 * event loop's cached clock, so under load `setTimeout(fn, ms)` can run after less than
 * `ms` of real time; and what a test waits for arrives later on a busy 2-core CI machine.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after at least `ms` of real (performance.now) time. */
export async function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) await delay(Math.max(1, until - performance.now()));
}

/** Polls `condition` every `intervalMs` until it holds or `timeoutMs` passed; returns whether it held. */
export async function pollUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, intervalMs = 20): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; ; await delay(intervalMs)) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
  }
}

/** Sleeps `ms` (nothing for a negative `ms`): for waits computed as "until then". */
export const sleep = (ms: number): Promise<void> => delay(Math.max(0, ms));
