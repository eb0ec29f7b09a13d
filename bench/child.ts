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
