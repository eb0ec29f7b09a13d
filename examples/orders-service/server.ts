/**
 * Starts the orders service. Run it under Beacon with
 *   npm start        (= node --import ./dist/register.js dist/examples/orders-service/server.js)
 */
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const server = createApp().listen(port, process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(JSON.stringify({ level: 'info', msg: `orders service listening on http://127.0.0.1:${actualPort}` }));
  process.send?.({ port: actualPort });
});
