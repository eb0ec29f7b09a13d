/**
 * Whether the trace endpoint can be reached, for the start-up banner: a TCP connect — and
 * for https:// endpoints the TLS handshake too, against the default CAs (plus
 * NODE_EXTRA_CA_CERTS) — with a short deadline, never holding the process open, never throwing.
 */
import { connect as connectTcp } from 'node:net';

/** Resolves to null when the endpoint accepts a connection (and the TLS handshake), else the reason. */
export async function probeEndpoint(endpoint: string, timeoutMs = 1000): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not a URL';
  }
  const tls = url.protocol === 'https:';
  // Loaded for https:// endpoints only: node:tls is ~10 ms of start-up the app would wait for.
  const connectTls = tls ? (await import('node:tls')).connect : undefined;
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (tls ? 443 : 80));
    // A certificate for a name is checked against that name; an IP address is not a server name (SNI).
    const socket = connectTls ? connectTls({ host, port, ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }) }) : connectTcp({ host, port });
    socket.unref();
    const done = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once(tls ? 'secureConnect' : 'connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code ?? error.message;
      done(tls && !error.syscall ? `TLS handshake failed: ${reason}` : reason);
    });
  });
}
