import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Tells the exit hooks that a span ended, so that the next beforeExit flushes again. */
export class ActivityProcessor implements SpanProcessor {
  constructor(private readonly onActivity: () => void) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(_span: ReadableSpan): void {
    this.onActivity();
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
