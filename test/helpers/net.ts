/** Ports for tests that must know an address before anything listens on it. */
import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A port nobody listens on right now (bound on 127.0.0.1, then released): for what the test
 * hands to a child or a server up front (a Prometheus target cannot be port 0), and for a
 * URL where connections are refused.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused at once. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
