/**
 * The global tracer provider, registered through the API's CommonJS build (src/otel), the one
 * the instrumentations and `require`-ing apps use. An app may also hold the API's ES module
 * build (`import { trace } from '@opentelemetry/api'`): the two share the global registry, but
 * a tracer taken before any provider is registered stays a proxy of its own build, which only a
 * registration through that same build completes. Under the --require start the signals come
 * up after the app's first line, so an ES module app's tracers taken there would record
 * nothing; that start registers a placeholder provider before the app's first line instead,
 * which both builds find in the registry from then on, and the real provider becomes its
 * delegate once the pipeline is up.
 */
import { ProxyTracerProvider, type TracerProvider, trace } from '../otel/api.cjs';

let placeholder: ProxyTracerProvider | null = null;

/** Before the app's first line, when the provider itself can only come later. */
export function registerPlaceholderTracerProvider(): void {
  placeholder = new ProxyTracerProvider();
  trace.setGlobalTracerProvider(placeholder);
}

/** The provider, in the placeholder's place if one was registered. */
export function registerTracerProvider(provider: TracerProvider): void {
  if (placeholder) placeholder.setDelegate(provider);
  else trace.setGlobalTracerProvider(provider);
  placeholder = null;
}
