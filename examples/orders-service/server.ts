/**
 * Starts the orders service. Run it under Beacon with
 *   npm start        (= node --import ./dist/register.js dist/examples/orders-service/server.js)
 * PORT (default 3000) and HOST (default 127.0.0.1; the container sets 0.0.0.0) choose where
 * it listens; PORT=0 takes a free port (tests), reported to a parent process over IPC.
 */
import { logger } from 'beacon-otel';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const server = createApp().listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  logger.info({ port: actualPort }, `orders service listening on http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`);
  process.send?.({ port: actualPort });
});
