/**
 * Process facts Node has no API for, read from /proc on Linux (null elsewhere). Each read
 * is one small synchronous file read, done only when a scrape asks.
 */
import { readFileSync, readdirSync } from 'node:fs';

const LINUX = process.platform === 'linux';

function readProc(path: string): string | null {
  if (!LINUX) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

const VM_SIZE = /^VmSize:\s+(\d+)\s+kB/m;
const VM_DATA = /^VmData:\s+(\d+)\s+kB/m;

/**
 * VmSize and VmData from /proc/self/status, in bytes, from one read. VmData (the data
 * segment: heap and anonymous mappings) is what prom-client reports as the process heap.
 */
export function processMemory(): { virtual: number | null; data: number | null } {
  const status = readProc('/proc/self/status') ?? '';
  const bytes = (field: RegExp) => {
    const match = field.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  };
  return { virtual: bytes(VM_SIZE), data: bytes(VM_DATA) };
}

export function openFileDescriptors(): number | null {
  if (!LINUX) return null;
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** The soft limit on open files (`ulimit -n`), as prom-client reads it; null when unlimited. */
export function openFileDescriptorLimit(): number | null {
  const match = /^Max open files\s+(\d+)\s/m.exec(readProc('/proc/self/limits') ?? '');
  return match ? Number(match[1]) : null;
}

/** Wall-clock start of the process, in seconds since the epoch. */
export const processStartTimeSeconds = Math.round((Date.now() - process.uptime() * 1000) / 10) / 100;
