/**
 * A real PostgreSQL (Debian's postgresql package, installed by
 * scripts/install-test-servers.sh): a throwaway cluster in a temp directory, on 127.0.0.1
 * and a free port, trust auth for the `postgres` user, removed when the test ends. As root
 * initdb and the server run as the `postgres` system user (PostgreSQL refuses to run as
 * root), spawned with that uid directly so that the server is the child that gets stopped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stopChild } from './child.js';
import { freePort } from './net.js';

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL server binaries not found (sudo apt-get install postgresql)');
  return join(root, newest, 'bin');
}

export async function startPostgres(t: TestContext): Promise<{ port: number }> {
  const bin = binDir();
  const owner = process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) } : {};
  const dir = mkdtempSync(join(tmpdir(), 'beacon-pg-'));
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { ...owner, cwd: dir, stdio: 'ignore' });

  const port = await freePort();
  const server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
    ...owner,
    cwd: dir,
    stdio: 'ignore',
  });
  t.after(async () => {
    await stopChild(server, 'SIGINT'); // PostgreSQL's fast shutdown
    rmSync(dir, { recursive: true, force: true });
  });
  for (const until = Date.now() + 15_000; Date.now() < until; ) {
    try {
      execFileSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      return { port };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('PostgreSQL did not accept connections within 15 s');
}
