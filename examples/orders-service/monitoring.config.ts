/**
 * The orders service's monitoring config. `npm start` points BEACON_CONFIG here; every
 * field not given keeps its documented default, and OTEL_* env vars may override what the
 * defaults leave open (see the README's config table).
 */
import { defineConfig } from 'beacon-otel';

export default defineConfig({
  service: { name: 'orders-service', version: '1.0.0' },
  tracing: {
    exporter: 'jaeger',
    sampler: {
      ratio: 0.5,
      rules: [
        { path: '/api/orders/revenue', ratio: 1 },
        { method: 'POST', path: '/api/orders', ratio: 1 },
      ],
      maxPerSecond: 100,
    },
    serverTiming: true,
  },
});
