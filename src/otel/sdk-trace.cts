// The package's CommonJS build, the copy the instrumentations load (why: api.cts); its Tracer
// reads the API directly (why: api-interop.cts).
import interop = require('./api-interop.cjs');

interop.readApiDirectly('@opentelemetry/sdk-trace');

export * from '@opentelemetry/sdk-trace';
