/**
 * The file output's transport target; runs in its worker thread. pino-roll writes and
 * rotates when the config asks for rotation and the app installed it (`options.roll`, its
 * resolved path); otherwise pino's own file stream writes. This adds what pino-roll does not notice: the file it writes being renamed or
 * deleted under it (another tool's log rotation, a cleanup), after which its lines would go
 * to a file nobody reads. Once a second the path is compared with the open file (one stat
 * and one fstat); when they differ the path is reopened and the main thread is told, which
 * prints one line.
 */
import { fstat, stat } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const CHECK_MS = 1000;

/** What this module uses of the SonicBoom stream pino-roll and pino.destination return. */
interface RollingFile {
  fd: number;
  file: string;
  reopen(): void;
  once(event: 'close', listener: () => void): unknown;
}

type PinoRoll = (options: Record<string, unknown>) => Promise<RollingFile>;
const require = createRequire(import.meta.url);

function open(options: Record<string, unknown>): Promise<RollingFile> | RollingFile {
  if (typeof options.roll === 'string') return (require(options.roll) as PinoRoll)(options);
  const { destination } = require('pino') as { destination(options: object): RollingFile };
  return destination({ dest: options.file, sync: false }); // the directory is made on the main thread (transports.ts)
}

/** Tells the main thread: the worker's stream there emits `name` (thread-stream's event message). */
function tellMain(name: string, ...args: unknown[]): void {
  parentPort?.postMessage({ code: 'EVENT', name, args });
}

export default async function fileTarget(options: Record<string, unknown>): Promise<RollingFile> {
  const destination = await open(options);
  let checking = false;
  const check = () => {
    // fd is -1 while pino-roll rolls to the next file; the check waits for it.
    if (checking || destination.fd < 0) return;
    checking = true;
    const { fd, file } = destination;
    fstat(fd, (openError, open) => {
      stat(file, (pathError, atPath) => {
        checking = false;
        // Rolled meanwhile, or the open file is unreadable: nothing to compare.
        if (openError || destination.fd !== fd || destination.file !== file) return;
        if (pathError?.code === 'ENOENT' || (atPath && (atPath.ino !== open.ino || atPath.dev !== open.dev))) {
          destination.reopen();
          tellMain('reopened', `${file} was ${pathError ? 'deleted' : 'replaced or renamed'} while open`);
        }
      });
    });
  };
  const timer = setInterval(check, CHECK_MS);
  destination.once('close', () => clearInterval(timer));
  return destination;
}
