/**
 * One output that cannot hurt the others or the app, and comes back by itself. A write that
 * throws, or an 'error' from the stream (a directory it cannot create, a full disk, a worker
 * that died), turns the output off: one warning per fault class (the error code), lines
 * dropped and counted while it is off. It is then reopened after 1 s, 2 s, 4 s … at most
 * every 30 s (timers unref'd, so an idle app stays idle and can exit); once a reopened output
 * has lasted PROBATION_MS, one line says it is back and how many lines were dropped.
 */
import type { DestinationStream } from 'pino';
import { info, warn } from '../diagnostics.js';

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

/** What an output writes to, made by its opener; made again after a failure. */
export interface Destination extends Closable {
  flush(): Promise<void>;
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** A reopened output that fails within this time is the same outage (no new warning, the backoff goes on). */
const PROBATION_MS = 2000;

type State = 'on' | 'off' | 'closed';

function faultClass(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

export class ReopeningStream implements OutputStream {
  private state: State = 'on';
  private current: Destination | null = null;
  /** Written to since the last flush. A no-op flush schedules nothing, so that a flush on
   *  'beforeExit' does not keep the event loop (and the process) alive. */
  private dirty = false;
  private retries = 0;
  private offSince = 0;
  private dropped = 0;
  /** The fault last warned about; null once the output is back (the next fault is news). */
  private reported: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly open: () => Destination;

  /**
   * @param target an opener, called again after each failure; or a fixed destination (with
   *   its flush and close), switched back on after the backoff (the OTLP output, whose
   *   exporter has a backoff of its own)
   */
  constructor(
    readonly name: string,
    target: (() => Destination) | Closable,
    flush?: () => Promise<void>,
    close?: () => Promise<void>,
  ) {
    if (typeof target === 'function') {
      this.open = target;
    } else {
      const fixed: Destination = { write: (line) => target.write(line), flush: flush!, close: close! };
      if (target.on) fixed.on = (event, listener) => target.on!(event, listener);
      this.open = () => fixed;
    }
    this.connect();
  }

  write(line: string): void {
    if (this.state !== 'on') {
      if (this.state === 'off') this.dropped++;
      return;
    }
    this.dirty = true;
    const destination = this.current!;
    try {
      destination.write(line);
    } catch (error) {
      this.fail(destination, error);
    }
  }

  async flush(): Promise<void> {
    if (this.state !== 'on' || !this.dirty) return;
    this.dirty = false;
    const destination = this.current!;
    await destination.flush().catch((error: unknown) => this.fail(destination, error));
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOn = this.state === 'on';
    this.state = 'closed';
    clearTimeout(this.timer);
    if (this.dropped) warn(`log output '${this.name}' was still off at shutdown; ${this.dropped} lines were dropped while it was off`);
    if (wasOn) await this.current!.close().catch(() => undefined);
  }

  /** Opens a destination and watches it; a failure to open is a failure like any other. */
  private connect(): void {
    let destination: Destination;
    try {
      destination = this.open();
    } catch (error) {
      this.fail(null, error);
      return;
    }
    this.current = destination;
    this.state = 'on';
    destination.on?.('error', (error) => this.fail(destination, error));
    if (this.reported !== null) this.timer = setTimeout(() => this.recovered(), PROBATION_MS).unref();
  }

  private recovered(): void {
    if (this.state !== 'on') return;
    const seconds = ((Date.now() - this.offSince) / 1000).toFixed(1);
    info(`log output '${this.name}' is back on after ${seconds} s; ${this.dropped} lines were dropped while it was off`);
    this.reported = null;
    this.retries = 0;
    this.dropped = 0;
  }

  /** `from`: the destination that failed (null: opening failed); a stale one's late errors are ignored. */
  private fail(from: Destination | null, error: unknown): void {
    if (this.state === 'closed' || (from !== null && from !== this.current)) return;
    clearTimeout(this.timer);
    this.current = null;
    this.state = 'off';
    if (this.reported === null) this.offSince = Date.now();
    const fault = faultClass(error);
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.retries++, MAX_RETRY_MS);
    if (fault !== this.reported) {
      this.reported = fault;
      const reason = error instanceof Error ? error.message : String(error);
      warn(`log output '${this.name}' failed and is off (the app and the other outputs carry on; lines are dropped and counted): ${reason}; retrying in ${delay / 1000} s, then at most every ${MAX_RETRY_MS / 1000} s`);
    }
    this.timer = setTimeout(() => this.connect(), delay).unref();
  }
}
