/**
 * The 'console' and 'file' outputs: pino transports, so that formatting (pretty) and file
 * I/O with rotation (pino-roll, when installed) run in a worker thread, off the app's main thread. Each is
 * a ReopeningStream: a transport that fails is replaced by a new one after a backoff.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { ResolvedConfig } from '../config/types.js';
import { warn } from '../diagnostics.js';
import { missingOptional, resolveOptional } from '../optional-packages.js';
import { type Destination, ReopeningStream, type OutputStream } from './reopening-stream.js';

type Logging = ResolvedConfig['logging'];
type ThreadStream = ReturnType<typeof pino.transport>;

/** A new worker thread running `target`, as a destination a ReopeningStream can drive. */
function openTransport(target: string, options: Record<string, unknown>): Destination & { stream: ThreadStream } {
  // Workers inherit --import; an empty execArgv keeps Beacon (and its hooks) out of them.
  const stream: ThreadStream = pino.transport({ target, options, worker: { execArgv: [] } });
  return {
    stream,
    write: (line) => stream.write(line),
    on: (event, listener) => stream.on(event, listener),
    flush: () => new Promise<void>((done, fail) => stream.flush((error?: Error | null) => (error ? fail(error) : done()))),
    close: () =>
      new Promise<void>((done) => {
        if ((stream as { closed?: boolean }).closed) return done();
        // 'finish' comes once the worker's destination has closed (every line written);
        // 'close' (worker exit) may never come in a process that is about to end.
        for (const event of ['finish', 'close', 'error']) stream.once(event, () => done());
        stream.end();
      }),
  };
}

/**
 * A destination whose worker starts with the first line: an app that never logs through
 * Beacon's logger (its own pino writes to stdout itself) pays no thread for it, neither at
 * start-up nor in memory (a worker's isolate is ~8 MiB of RSS).
 */
function openOnFirstLine(open: () => Destination): Destination {
  let opened: Destination | null = null;
  const errorListeners: ((error: Error) => void)[] = [];
  const destination = () => {
    if (!opened) {
      opened = open();
      for (const listener of errorListeners) opened.on?.('error', listener);
    }
    return opened;
  };
  return {
    write: (line) => destination().write(line),
    on: (event, listener) => {
      if (opened) opened.on?.(event, listener);
      else errorListeners.push(listener);
    },
    flush: () => opened?.flush() ?? Promise.resolve(),
    close: () => opened?.close() ?? Promise.resolve(),
  };
}

function transport(name: string, target: string, options: Record<string, unknown>): OutputStream {
  return new ReopeningStream(name, () => openOnFirstLine(() => openTransport(target, options)));
}

/**
 * `mkdir -p` without fs's `recursive`, which loops forever (a core at 100 %) on a path under
 * /proc, where the kernel answers ENOENT for a parent that exists. Here a second ENOENT for
 * the same directory is thrown, so the walk ends after at most two attempts per level.
 */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    makeDirectory(dirname(dir));
    mkdirSync(dir);
  }
}

export function consoleOutput(logging: Logging, appDirs: readonly string[]): OutputStream {
  if (logging.format === 'pretty') {
    const pretty = resolveOptional('pino-pretty', appDirs);
    if (pretty) return transport('console', pretty, { destination: 1, translateTime: 'SYS:standard', ignore: 'hostname,service,version,environment' });
    warn(missingOptional("logging.format 'pretty'", 'pino-pretty', 'writing structured JSON to the console instead', 'npm install --save-dev pino-pretty'));
  }
  return transport('console', 'pino/file', { destination: 1 });
}

const FILE_TARGET = fileURLToPath(new URL('./file-target.js', import.meta.url));

/** pino-roll when the config asks for rotation and the app installed it; null: the file is written unrotated. */
function rotation(logging: Logging, cwd: string): string | null {
  const { size, frequency } = logging.file;
  return size === null && frequency === null ? null : resolveOptional('pino-roll', [cwd]);
}

export function fileOutput(logging: Logging, cwd: string): OutputStream {
  const { path, size, frequency, keep } = logging.file;
  const file = resolve(cwd, path);
  const roll = rotation(logging, cwd);
  if (roll === null && (size !== null || frequency !== null)) {
    warn(missingOptional('logging.file rotation (size, frequency)', 'pino-roll', `writing ${path} without rotation`));
  }
  const options = {
    file,
    roll,
    ...(size === null ? {} : { size }),
    ...(frequency === null ? {} : { frequency }),
    // Counted over all matching files, so that files from earlier runs are pruned too.
    limit: { count: keep, removeOtherLogFiles: true },
  };
  return new ReopeningStream('file', () => {
    makeDirectory(dirname(file));
    const destination = openTransport(FILE_TARGET, options);
    // The worker found the file moved or deleted (log rotation by another tool, a cleanup) and reopened its path.
    destination.stream.on('reopened', (reason: string) => warn(`log output 'file': ${reason}; reopened ${path}`));
    return destination;
  });
}

export function describeFile(logging: Logging, cwd: string): string {
  const { path, size, frequency, keep } = logging.file;
  if (rotation(logging, cwd) === null) return `file ${path} (not rotated)`;
  return `file ${path} (rotates ${[size, frequency].filter((value) => value !== null).join(' or ')}, keeps ${keep})`;
}
