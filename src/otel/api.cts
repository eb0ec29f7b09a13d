/**
 * Beacon's code loads the OpenTelemetry packages through this folder: one module per
 * package, each re-exporting the package's CommonJS build. The instrumentations (and most
 * apps) `require` these packages, while an ES module importing them directly gets their
 * separate ES build: two copies of api, core, instrumentation and semantic-conventions were
 * loaded into every app, ~100 files and ~45 ms of start-up (docs/performance.md). Written in
 * CommonJS, these re-exports make Node resolve each package with `require`, so every part of
 * the process shares one copy. Types may still be imported from the packages themselves.
 */
export * from '@opentelemetry/api';
