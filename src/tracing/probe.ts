/**
 * Whether the trace endpoint accepts connections, for the start-up banner: a TCP connect
 * with a short deadline that never holds the process open and never throws.
 */
import { connect } from 'node:net';

/** Resolves to null when the endpoint's host:port accepts a connection, else the reason. */
export function probeEndpoint(endpoint: string, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      resolve('not a URL');
      return;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port });
    socket.unref();
    const done = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}
