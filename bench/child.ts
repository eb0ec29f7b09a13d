import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** The first IPC message of a bench child, or an error naming it if none comes in time. */
export async function firstMessage<T>(child: ChildProcess, name: string, timeoutMs: number): Promise<T> {
  const [message] = (await Promise.race([
    once(child, 'message'),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${name} did not report in ${timeoutMs / 1000} s`)), timeoutMs).unref()),
  ])) as [T];
  return message;
}

/** Ends a bench child at once (what it would still export or log does not matter here; upstream's
 *  register even keeps the process alive after SIGTERM); resolves once it is gone, even if it
 *  had already ended by itself. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
