/** Ports for tests that must know an address before anything listens on it. */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The lowest port the kernel hands out for `listen(0)`. Ports the tests pick themselves come
 * from below it: a port taken from the kernel's own range and released could be handed straight
 * back to the child's app for its `listen(0)` before the child's Prometheus server binds it.
 */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const low = 20000;
const high = Math.max(low + 1000, ephemeralLow());

async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch {
    return false;
  }
  server.close();
  await once(server, 'close');
  return true;
}

/**
 * A port nobody listens on right now, outside the kernel's ephemeral range (so no `listen(0)`
 * can take it in the meantime): for what the test hands to a child or a server up front (a
 * Prometheus target cannot be port 0), and for a URL where connections are refused.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await bindable(port)) return port;
  }
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused at once. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
