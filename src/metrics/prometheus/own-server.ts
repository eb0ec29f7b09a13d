/**
 * Beacon's own small HTTP server for the metrics endpoint. A failure to listen (port in
 * use, no permission) is one clear error line; the app keeps running without the endpoint.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '../../otel/api.cjs';

export interface EndpointServer {
  /** The bound port (differs from the configured one when that was 0), or null when not listening. */
  readonly port: number | null;
  /** The bound address ('0.0.0.0', '::', '127.0.0.1', …), or null when not listening. */
  readonly address: string | null;
  close(): Promise<void>;
}

export async function startEndpointServer(
  host: string,
  port: number,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<EndpointServer> {
  const server = createServer(handle);
  // The http instrumentation patches Server.prototype.emit; scrapes are not app traffic,
  // so this server keeps the plain emit: no spans, no http.server.* series for scrapes.
  server.emit = EventEmitter.prototype.emit;
  server.keepAliveTimeout = 65_000; // longer than Prometheus' idle connection reuse
  server.unref(); // never keeps the process alive on its own

  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'address already in use' : error.message;
      diag.error(`metrics endpoint not started: ${host}:${port}: ${reason}; the app runs on without it (set metrics.prometheus.port)`);
      resolve(false);
    });
    server.listen({ host, port }, () => resolve(true));
  });
  if (listening) server.on('error', (error) => diag.error(`metrics endpoint: ${error.message}`));
  const bound = listening ? (server.address() as AddressInfo) : null;
  return {
    port: bound?.port ?? null,
    address: bound?.address ?? null,
    close: () => closeServer(server, listening),
  };
}

function closeServer(server: Server, listening: boolean): Promise<void> {
  if (!listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
