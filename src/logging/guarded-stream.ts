/**
 * One output that cannot hurt the others or the app: a write that throws, or an 'error'
 * event from the stream (a file it cannot open, a worker that died), is reported once and
 * the output goes quiet; the other outputs and the caller carry on.
 */
import type { DestinationStream } from 'pino';
import { warn } from '../diagnostics.js';

export interface OutputStream extends DestinationStream {
  readonly name: string;
  /** Everything written so far has left the main thread / reached its destination. */
  flush(): Promise<void>;
  /** Flushes and releases the output; later writes are dropped. */
  close(): Promise<void>;
}

export interface Closable {
  write(line: string): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
}

export class GuardedStream implements OutputStream {
  private failed = false;
  private closed = false;
  /** Written to since the last flush. A no-op flush schedules nothing, so that a flush on
   *  'beforeExit' does not keep the event loop (and the process) alive. */
  private dirty = false;

  constructor(
    readonly name: string,
    private readonly inner: Closable,
    private readonly flushInner: () => Promise<void>,
    private readonly closeInner: () => Promise<void>,
  ) {
    inner.on?.('error', (error) => this.fail(error));
  }

  write(line: string): void {
    if (this.failed || this.closed) return;
    this.dirty = true;
    try {
      this.inner.write(line);
    } catch (error) {
      this.fail(error);
    }
  }

  async flush(): Promise<void> {
    if (this.failed || this.closed || !this.dirty) return;
    this.dirty = false;
    await this.flushInner().catch((error: unknown) => this.fail(error));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.failed) return;
    await this.closeInner().catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const reason = error instanceof Error ? error.message : String(error);
    warn(`log output '${this.name}' failed and is now off (the app and the other outputs carry on): ${reason}`);
  }
}
