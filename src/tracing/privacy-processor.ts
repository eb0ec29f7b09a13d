/**
 * Secrets never leave in a span: before a span is handed to the exporters (`onEnding`, where
 * it is still writable), the attributes that carry a URL or a query string lose their userinfo
 * and the values of secret query parameters, and exception events and the status message lose
 * URL credentials and `password=…`-style pairs (src/secrets.ts decides what a secret is).
 *
 * Upstream's http instrumentation redacts only a few exact, case-sensitive names (`sig`,
 * `X-Amz-Signature`) and undici none, so this runs for every instrumentation alike. It is on
 * the hot path of every request: it reads a fixed handful of keys, and only a value holding a
 * `?`, `=` or `@` is parsed at all.
 */
import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import { SpanStatusCode } from '../otel/api.cjs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SecretMatcher } from '../secrets.js';

/** Attributes whose value is a URL or a path that may carry a query (stable and old HTTP semconv). */
const URL_KEYS = ['url.full', 'url.path', 'http.url', 'http.target'] as const;
/** Attributes whose value is a query string (`a=1&b=2` from http, `?a=1` from undici). */
const QUERY_KEYS = ['url.query'] as const;
/** Exception event attributes that repeat the error's message (the stack trace starts with it). */
const EXCEPTION_KEYS = ['exception.message', 'exception.stacktrace'] as const;

const mayHoldUrlSecret = (value: AttributeValue | undefined): value is string =>
  typeof value === 'string' && (value.includes('?') || value.includes('@'));

export class PrivacyProcessor implements SpanProcessor {
  constructor(private readonly secrets: SecretMatcher) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    const { attributes } = span;
    for (const key of URL_KEYS) {
      const value = attributes[key];
      if (mayHoldUrlSecret(value)) this.replace(span, key, value, this.secrets.redactUrl(value));
    }
    for (const key of QUERY_KEYS) {
      const value = attributes[key];
      if (typeof value === 'string' && value.includes('=')) this.replace(span, key, value, this.secrets.redactQuery(value));
    }
    for (const event of span.events) {
      // The SDK keeps each event's attributes as a plain object of its own; rewriting it in
      // place is the only way to change an event, and nothing has seen the span yet.
      if (event.attributes) this.redactEvent(event.attributes as Attributes);
    }
    const { status } = span;
    if (status.code === SpanStatusCode.ERROR && status.message) {
      const message = this.secrets.redactText(status.message);
      if (message !== status.message) span.setStatus({ code: SpanStatusCode.ERROR, message });
    }
  }

  private redactEvent(attributes: Attributes): void {
    for (const key of EXCEPTION_KEYS) {
      const value = attributes[key];
      if (typeof value === 'string') attributes[key] = this.secrets.redactText(value);
    }
  }

  /** Through setAttribute, so that the span's length limit applies to the new value too. */
  private replace(span: Span, key: string, before: string, after: string): void {
    if (after !== before) span.setAttribute(key, after);
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
