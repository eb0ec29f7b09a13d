/**
 * What Beacon's two OTLP senders (otlp-http.ts, otlp-grpc.ts) share: each export runs under
 * its export's signal (export-scope.ts; without one, the target's timeout), so that when the
 * export ends its request or call and its waits end too; a flush waits for the sends under
 * way, and a shutdown then closes the connections. What a send needs (the exporter's modules,
 * a channel) is opened once, when the queue gets its first item (`prepare()`): module loading
 * then happens with the first traffic rather than stalling the first batch's send, or a
 * shutdown flush racing its deadline.
 */
import type { ExportResult } from '@opentelemetry/core';
import type { Exporter } from './deadline-exporter.js';
import { failed } from './export-retries.js';
import { exportSignal } from './export-scope.js';

export abstract class ScopedSender<Batch, Connection> implements Exporter<Batch> {
  private readonly sends = new Set<Promise<void>>();
  private opening: Promise<Connection> | null = null;

  constructor(private readonly timeoutMs: number) {}

  export(batch: Batch, resultCallback: (result: ExportResult) => void): void {
    // Read now, while the caller's export scope is active.
    const signal = exportSignal() ?? AbortSignal.timeout(this.timeoutMs);
    const send = this.send(batch, signal).then(resultCallback, (error: Error) => resultCallback(failed(error)));
    this.sends.add(send);
    void send.finally(() => this.sends.delete(send));
  }

  prepare(): void {
    void this.connection().catch(() => undefined); // a failed open is the first send's error
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.sends);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    const opened = await this.opening?.catch(() => null);
    if (opened) await this.close(opened);
  }

  protected connection(): Promise<Connection> {
    return (this.opening ??= this.open());
  }

  /** Loads and opens what sends need. */
  protected abstract open(): Promise<Connection>;

  /** Sends one batch, retries included; ends what it does when `signal` aborts. */
  protected abstract send(batch: Batch, signal: AbortSignal): Promise<ExportResult>;

  /** Closes the connections, once no send is under way. */
  protected abstract close(opened: Connection): Promise<void>;
}
