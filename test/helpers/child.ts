/**
 * Ending child processes (apps, servers, tools) one way: a signal, a deadline, then SIGKILL,
 * so that a child that does not stop costs its test a bounded wait instead of hanging the suite.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** How `child` ended, also when it already had (its 'exit' event is then long gone). */
export async function exitOf(child: ChildProcess): Promise<Exit> {
  if (running(child)) await once(child, 'exit');
  return { code: child.exitCode, signal: child.signalCode };
}

/**
 * Sends `signal` (SIGTERM: a graceful stop; null: none, the child is expected to end by
 * itself), waits up to `deadlineMs` for the exit, then SIGKILLs. Resolves with how it ended:
 * `signal: 'SIGKILL'` tells a caller that expected a graceful end that the deadline passed.
 * The default deadline leaves room for Beacon's default shutdown.timeoutMs (5 s) on a busy machine.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals | null = 'SIGTERM', deadlineMs = 15_000): Promise<Exit> {
  const exited = exitOf(child);
  if (!running(child)) return exited;
  if (signal) child.kill(signal);
  const killer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  try {
    return await exited;
  } finally {
    clearTimeout(killer);
  }
}
