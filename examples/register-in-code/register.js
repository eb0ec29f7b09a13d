// The service's own register file: the monitoring config in code, loaded before the app with
//   node --import ./register.js app.js
// (`--import` runs it, and awaits it, before the app's first line; Beacon registers its ESM
// loader hook itself, so ES module and CommonJS apps are instrumented alike.)
import { defineConfig, startMonitoring } from 'beacon-otel';

await startMonitoring(
  defineConfig({
    service: { name: 'greeter', version: '1.0.0' },
    tracing: { sampler: { ratio: 1 } },
    metrics: { prometheus: { host: '127.0.0.1' } },
  }),
);
