/**
 * Process facts Node has no API for, read from /proc on Linux (null elsewhere). Each read
 * is one small synchronous file read, done only when a scrape asks.
 */
import { readFileSync, readdirSync } from 'node:fs';

const LINUX = process.platform === 'linux';

/** VmSize from /proc/self/status, in bytes. */
export function virtualMemoryBytes(): number | null {
  if (!LINUX) return null;
  try {
    const match = /^VmSize:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function openFileDescriptors(): number | null {
  if (!LINUX) return null;
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** Wall-clock start of the process, in seconds since the epoch. */
export const processStartTimeSeconds = Math.round((Date.now() - process.uptime() * 1000) / 10) / 100;
