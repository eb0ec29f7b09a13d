/**
 * A real Redis (Debian's redis-server, installed by scripts/install-test-servers.sh) on
 * 127.0.0.1 and a free port, nothing persisted, stopped when the test ends.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { TestContext } from 'node:test';
import { stopChild } from './child.js';
import { freePort } from './net.js';

export async function startRedis(t: TestContext): Promise<{ port: number }> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  server.once('error', () => undefined); // reported below as "did not start"
  t.after(() => stopChild(server));
  for (const until = Date.now() + 10_000; Date.now() < until; ) {
    if (await answersPing(port)) return { port };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not start within 10 s (installed? sudo apt-get install redis-server)');
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}
