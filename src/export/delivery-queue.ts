/**
 * The batch queue in front of span and log record exports. Upstream's batch processors drop
 * the *newest* item when their queue is full and discard a batch whose export failed or was
 * skipped, so after an outage the items ended once the backend is back are the ones lost.
 * This queue keeps the newest instead: while the backend is failing (backoff.ts) it holds
 * its items — at capacity the oldest makes room, counted as `queue_full` — and tries again
 * when the backoff says so; everything ended after the backend recovers is delivered as long
 * as the queue holds what arrives until then. Two exports may be in flight, so one slow
 * export (a slow backend) does not stall the queue.
 */
import { context } from '../otel/api.cjs';
import { suppressTracing } from '../otel/core.cjs';
import type { Backoff } from './backoff.js';
import type { Exporter } from './deadline-exporter.js';
import type { ExportAccount } from './export-accounting.js';

const MAX_EXPORTS_IN_FLIGHT = 2;

/** Spans and log records carry their resource, whose detectors may still be settling. */
interface WithResource {
  readonly resource?: { asyncAttributesPending?: boolean; waitForAsyncAttributes?: () => Promise<void> };
}

/** A bound on a batch's size beside its item count: `of` weighs an item, a batch weighs at most `max` (one heavier item still leaves, alone). */
export interface BatchWeight<Item> {
  of(item: Item): number;
  max: number;
}

export interface DeliveryQueueOptions<Item> {
  /** Counts the outcome of every export (AccountedExporter); never rejects. */
  exporter: Exporter<Item[]>;
  /** Counts arrivals and drops; its capacity bounds the queue. */
  account: ExportAccount;
  /** Shared with the exporter chain: while it runs, items wait here. */
  backoff: Backoff;
  batchSize: number;
  batchWeight?: BatchWeight<Item> | undefined;
  /** The longest an item waits for a full batch. */
  delayMs: number;
  /** Called when the first item arrives: the sender starts loading then (ScopedSender.prepare). */
  onFirstItem?: () => void;
}

export class DeliveryQueue<Item> {
  /** The queue is `items` from `head` on; the slots before it have left (emptied, cut off by compact()). */
  private items: (Item | undefined)[] = [];
  private head = 0;
  private exporting = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = 0;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly exporter: Exporter<Item[]>;
  private readonly account: ExportAccount;
  private readonly backoff: Backoff;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly batchWeight: BatchWeight<Item> | undefined;
  private readonly delayMs: number;
  private onFirstItem: (() => void) | undefined;

  constructor(options: DeliveryQueueOptions<Item>) {
    ({ exporter: this.exporter, account: this.account, backoff: this.backoff, batchWeight: this.batchWeight, delayMs: this.delayMs, onFirstItem: this.onFirstItem } = options);
    this.capacity = options.account.capacity ?? Infinity;
    this.batchSize = Math.min(options.batchSize, this.capacity);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  add(item: Item): void {
    if (this.stopped) return;
    this.account.arrived();
    if (this.length >= this.capacity) {
      this.items[this.head++] = undefined; // the oldest makes room
      this.account.droppedForRoom();
      this.compact();
    }
    this.items.push(item);
    if (this.onFirstItem) {
      this.onFirstItem();
      this.onFirstItem = undefined;
    }
    // With both exports in flight nothing can start: the next one to settle pumps (no clock read per item).
    if (this.length >= this.batchSize && this.exporting < MAX_EXPORTS_IN_FLIGHT) this.pump();
    else if (this.timer === undefined) this.arm(this.delayMs);
  }

  /** Exports everything queued now, backoff or not (an explicit flush gets a real attempt); never rejects. */
  async flush(): Promise<void> {
    this.disarm();
    const batches: Promise<void>[] = [...this.inFlight];
    // All at once, like upstream's flush: a bounded flush that runs out of time ends them together.
    while (this.length > 0) batches.push(this.exportBatch());
    await Promise.all(batches);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.flush();
    await this.exporter.shutdown().catch(() => undefined);
  }

  /** Starts what may start now; otherwise waits for the backoff or the next batch. */
  private pump(): void {
    if (this.stopped) return;
    const waitMs = this.backoff.remainingMs();
    if (waitMs > 0) return this.arm(waitMs);
    while (this.length >= this.batchSize && this.exporting < MAX_EXPORTS_IN_FLIGHT) void this.exportBatch();
    if (this.length > 0 && this.exporting < MAX_EXPORTS_IN_FLIGHT) this.arm(this.delayMs);
  }

  /** Wakes the queue in `ms`, or sooner if already due sooner (a back-off may end before the batch delay). */
  private arm(ms: number): void {
    if (this.stopped) return;
    const dueAt = performance.now() + ms;
    if (this.timer !== undefined) {
      if (dueAt >= this.timerDueAt) return;
      clearTimeout(this.timer);
    }
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.backoff.remainingMs() > 0 || this.exporting >= MAX_EXPORTS_IN_FLIGHT) return this.pump();
      if (this.length > 0) void this.exportBatch();
      this.pump();
    }, ms);
    this.timer.unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private exportBatch(): Promise<void> {
    const batch = this.items.slice(this.head, this.batchEnd()) as Item[];
    this.items.fill(undefined, this.head, this.head + batch.length);
    this.head += batch.length;
    this.compact();
    this.exporting++;
    const exported = this.send(batch).finally(() => {
      this.exporting--;
      this.inFlight.delete(exported);
      this.pump();
    });
    this.inFlight.add(exported);
    return exported;
  }

  /** Where the next batch ends: after `batchSize` items, or sooner where they would outweigh `batchWeight.max`. */
  private batchEnd(): number {
    const end = Math.min(this.items.length, this.head + this.batchSize);
    if (!this.batchWeight) return end;
    let weight = 0;
    for (let index = this.head; index < end; index++) {
      weight += this.batchWeight.of(this.items[index]!);
      if (weight > this.batchWeight.max && index > this.head) return index;
    }
    return end;
  }

  /**
   * Items that leave the queue are let go at once (their slots emptied): held here, a span
   * already exported would survive into the old generation (more GC work per span), and while
   * both exports hang or the backoff waits, every item dropped for room would stay on the
   * heap. The emptied slots are cut off once they are half the array, so each slot is copied
   * at most once on average: cutting them at every batch copied the whole backlog each time,
   * ~0.2 µs a log line when lines arrive faster than they are exported.
   */
  private compact(): void {
    if (this.head * 2 < this.items.length) return;
    this.items = this.items.slice(this.head);
    this.head = 0;
  }

  private async send(batch: Item[]): Promise<void> {
    const resource = (batch[0] as WithResource | undefined)?.resource;
    if (resource?.asyncAttributesPending) await resource.waitForAsyncAttributes?.().catch(() => undefined);
    await new Promise<void>((resolve) => {
      // The export's own HTTP request is not the app's traffic: never traced.
      context.with(suppressTracing(context.active()), () => this.exporter.export(batch, () => resolve()));
    });
  }
}
