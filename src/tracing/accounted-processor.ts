/**
 * Keeps the batch span processor from dropping spans uncounted. Upstream's queue drops
 * silently when full (and says "Dropped N spans" only once a span gets in again); this
 * processor sits in front of it, mirrors its queue length in the account (spans admitted −
 * spans handed to the exporter, never below the real length) and drops — counted as
 * `queue_full` — before the queue can be full.
 */
import { type Context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ExportAccount } from '../common/export-accounting.js';

export class AccountedSpanProcessor implements SpanProcessor {
  private stopped = false;

  constructor(
    private readonly batch: SpanProcessor,
    private readonly account: ExportAccount,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The batch processor ignores unsampled spans and everything after shutdown: so do we.
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.account.admit()) this.batch.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return this.batch.shutdown();
  }
}
