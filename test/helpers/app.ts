/**
 * Runs a fixture app the way a user runs theirs: `node --import <register> app`, in a
 * child process with IPC, and waits for it to report its port (`process.send({ port })`
 * once it listens: no parsing of what it prints).
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Exit, exitOf, stopChild } from './child.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const registerPath = join(repoRoot, 'dist', 'register.js');
export const fixture = (name: string) => join(repoRoot, 'test', 'fixtures', name);

export interface RunningApp {
  child: ChildProcess;
  port: number;
  url: string;
  /** Resolves when the process ends. */
  exited: Promise<Exit>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit; SIGKILL if it has not ended 15 s later (see stopChild). */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  stdout(): string;
  stderr(): string;
}

export interface AppOptions {
  env?: Record<string, string>;
  /** Where every signal is exported (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. an OtlpReceiver. */
  receiver?: { url: string };
  /** Written to a temp JSON file and passed as BEACON_CONFIG. */
  config?: object;
  /** Run without Beacon (baseline for exit-status comparisons). */
  bare?: boolean;
  cwd?: string;
  /**
   * Run without root's privileges, so that file permissions bind (an unwritable directory) when
   * the suite runs as root: in a new user namespace (`unshare --user`), where the process keeps
   * owning what root owns (it can read the repository wherever it is) but no capability
   * overrides a file's mode bits.
   */
  unprivileged?: boolean;
  /** Another Node.js binary than the one running the tests (the floor version of `engines`). */
  node?: string;
}

/** The parent's env minus what would change Beacon's config or Node's behaviour (NODE_OPTIONS, NODE_TEST_CONTEXT). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OTEL_') && !key.startsWith('BEACON_') && !key.startsWith('NODE_')) env[key] = value;
  }
  // Tests never bind the fixed default metrics port (tests and a dev server may run at once).
  return { ...env, OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: '0', ...extra };
}

export function configFile(config: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'beacon-test-')), 'monitoring.config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** `node [--import register] ...args` with a clean env and the config written to a file. */
function spawnNode(args: string[], options: AppOptions, stdio: StdioOptions): ChildProcess {
  const env = cleanEnv({ ...(options.receiver ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.receiver.url } : {}), ...options.env });
  if (options.config) env.BEACON_CONFIG = configFile(options.config);
  const command = [options.node ?? process.execPath, ...(options.bare ? args : ['--import', registerPath, ...args])];
  if (options.unprivileged) command.unshift('unshare', '--user');
  return spawn(command[0]!, command.slice(1), { env, cwd: options.cwd ?? repoRoot, stdio });
}

export function spawnApp(script: string, options: AppOptions = {}): ChildProcess {
  return spawnNode([script], options, ['ignore', 'pipe', 'pipe', 'ipc']);
}

export interface Finished {
  exit: Exit;
  stdout: string;
  stderr: string;
}

/** Runs `node [--import register] ...args` to completion (e.g. `['-e', code]`). */
export async function runToEnd(args: string[], options: AppOptions = {}): Promise<Finished> {
  const child = spawnNode(args, options, ['ignore', 'pipe', 'pipe']);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  return { exit: await exitOf(child), stdout, stderr };
}

export async function startApp(t: TestContext, script: string, options: AppOptions = {}): Promise<RunningApp> {
  const child = spawnApp(script, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = exitOf(child);
  // Whatever a test left running is killed at once: its test is over, a graceful end would only cost time.
  t.after(() => stopChild(child, 'SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start within 15 s\nstderr: ${stderr}`)), 15_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve(message.port);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`app exited before listening (code ${code}, signal ${signal})\nstderr: ${stderr}`));
    });
  });
  return {
    child, port, url: `http://127.0.0.1:${port}`, exited,
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
    stdout: () => stdout, stderr: () => stderr,
  };
}
