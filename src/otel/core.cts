// The package's CommonJS build, the copy the instrumentations load (why: api.cts).
export * from '@opentelemetry/core';
