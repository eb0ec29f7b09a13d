/**
 * The 'console' and 'file' outputs: pino transports, so that formatting (pretty) and file
 * I/O with rotation (pino-roll) run in a worker thread, off the app's main thread.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import pino from 'pino';
import type { ResolvedConfig } from '../config/types.js';
import { warn } from '../diagnostics.js';
import { GuardedStream, type OutputStream } from './guarded-stream.js';

type Logging = ResolvedConfig['logging'];
type ThreadStream = ReturnType<typeof pino.transport>;

const requireHere = createRequire(import.meta.url);

function transport(name: string, target: string, options: Record<string, unknown>): OutputStream {
  // Workers inherit --import; an empty execArgv keeps Beacon (and its hooks) out of them.
  const stream: ThreadStream = pino.transport({ target, options, worker: { execArgv: [] } });
  return new GuardedStream(
    name,
    stream,
    () => new Promise<void>((done, fail) => stream.flush((error?: Error | null) => (error ? fail(error) : done()))),
    () =>
      new Promise<void>((done) => {
        if ((stream as { closed?: boolean }).closed) return done();
        // 'finish' comes once the worker's destination has closed (every line written);
        // 'close' (worker exit) may never come in a process that is about to end.
        for (const event of ['finish', 'close', 'error']) stream.once(event, () => done());
        stream.end();
      }),
  );
}

/** pino-pretty is an optional dependency: found from Beacon's or the app's node_modules. */
function findPretty(appDirs: readonly string[]): string | null {
  for (const from of [import.meta.url, ...appDirs.map((dir) => resolve(dir, 'noop.js'))]) {
    try {
      return createRequire(from).resolve('pino-pretty');
    } catch {
      // try the next place
    }
  }
  return null;
}

export function consoleOutput(logging: Logging, appDirs: readonly string[]): OutputStream {
  if (logging.format === 'pretty') {
    const pretty = findPretty(appDirs);
    if (pretty) return transport('console', pretty, { destination: 1, translateTime: 'SYS:standard', ignore: 'hostname,service,version,environment' });
    warn("logging.format 'pretty' needs the optional package pino-pretty (npm install --save-dev pino-pretty); writing structured JSON to the console instead");
  }
  return transport('console', 'pino/file', { destination: 1 });
}

export function fileOutput(logging: Logging, cwd: string): OutputStream {
  const { path, size, frequency, keep } = logging.file;
  return transport('file', requireHere.resolve('pino-roll'), {
    file: resolve(cwd, path),
    mkdir: true,
    ...(size === null ? {} : { size }),
    ...(frequency === null ? {} : { frequency }),
    // Counted over all matching files, so that files from earlier runs are pruned too.
    limit: { count: keep, removeOtherLogFiles: true },
  });
}

export function describeFile(logging: Logging): string {
  const { path, size, frequency, keep } = logging.file;
  const rotation = [size, frequency].filter((value) => value !== null).join(' or ') || 'never';
  return `file ${path} (rotates ${rotation}, keeps ${keep})`;
}
