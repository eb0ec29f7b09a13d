/**
 * What scrapes share. Collecting and serializing once per request, as upstream's exporter
 * does (and Beacon did), ten concurrent scrapes of 40k series were ten collections, 933 MB
 * and 13.6 s. Here at most one
 * collection is in flight; every scrape that arrives while it is being made, serialized, or
 * within `minIntervalMs` after, gets its result (Prometheus text and JSON alike, each
 * serialized once, lazily); the result is let go after that so an idle app holds nothing.
 */
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { type Body, encodeInSlices } from './scrape-body.js';
import { toPrometheusNames } from './names.js';
import { PrometheusText } from './text.js';
import type { PullReader } from './pull-reader.js';

export interface ScrapeLimits {
  readonly minIntervalMs: number;
  readonly maxResponseBytes: number;
}

export class ScrapeCache {
  // One serializer for the reader's life: it remembers sanitised label names and the
  // conflicts it already reported.
  private readonly serializer = new PrometheusText();
  private current: Snapshot | null = null;

  constructor(
    private readonly reader: PullReader,
    private readonly limits: ScrapeLimits,
  ) {}

  get maxResponseBytes(): number {
    return this.limits.maxResponseBytes;
  }

  /** The snapshot to serve now: the one being made, or a recent one, or a new collection. */
  snapshot(): Snapshot {
    if (this.current?.reusable()) return this.current;
    const snapshot = new Snapshot(this.reader.collectNow(), this.serializer, this.limits, () => {
      if (this.current === snapshot) this.current = null;
    });
    this.current = snapshot;
    return snapshot;
  }
}

export class Snapshot {
  private prometheusBody?: Promise<Body>;
  private jsonBody?: Promise<Body>;
  /** Collection and serializations still running on this snapshot. */
  private busy = 0;
  private idleSince = 0;
  private releaseTimer?: NodeJS.Timeout;

  constructor(
    private readonly collected: Promise<ResourceMetrics>,
    private readonly serializer: PrometheusText,
    private readonly limits: ScrapeLimits,
    private readonly release: () => void,
  ) {
    this.track(collected);
  }

  reusable(): boolean {
    return this.busy > 0 || performance.now() - this.idleSince < this.limits.minIntervalMs;
  }

  prometheus(): Promise<Body> {
    this.prometheusBody ??= this.track(
      this.collected.then((metrics) => {
        const text = this.serializer.prepare(toPrometheusNames(metrics));
        // Sure to be over the cap (a label leak): refused before a byte is encoded.
        if (text.minimumBytes > this.limits.maxResponseBytes) return { overLimit: true, bytes: text.minimumBytes } as const;
        return encodeInSlices(text.pieces(), this.limits.maxResponseBytes);
      }),
    );
    return this.prometheusBody;
  }

  json(): Promise<Body> {
    this.jsonBody ??= this.track(
      this.collected.then(async (metrics) => {
        const { summarize } = await import('./summary.js'); // loaded on the first JSON request
        return encodeInSlices([JSON.stringify(summarize(metrics), null, 2)], this.limits.maxResponseBytes);
      }),
    );
    return this.jsonBody;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.busy++;
    clearTimeout(this.releaseTimer);
    const done = (failed: boolean) => {
      this.busy--;
      // A failed collection is not served again: the next scrape tries anew.
      if (failed) return this.release();
      if (this.busy > 0) return;
      this.idleSince = performance.now();
      this.releaseTimer = setTimeout(this.release, this.limits.minIntervalMs).unref();
    };
    work.then(
      () => done(false),
      () => done(true),
    );
    return work;
  }
}
