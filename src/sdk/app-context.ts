/**
 * Facts about the app being started, read from its entry path: whether Node will load it
 * as ESM or CommonJS, where it loads packages from, and the name and version its
 * package.json gives it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AppPackage } from '../config/resolve.js';

export interface AppContext {
  appDirs: string[];
  moduleKind?: 'esm' | 'cjs';
  appPackage?: AppPackage;
}

export function appContext(entry: string | undefined): AppContext {
  const cwd = process.cwd();
  if (!entry) return { appDirs: [cwd] };
  const entryPath = resolve(cwd, entry);
  // The package.json Node reads the module type from is also the one that names the app.
  const manifest = nearestManifest(dirname(entryPath));
  return {
    appDirs: [...new Set([dirname(entryPath), cwd])],
    moduleKind: moduleKindOf(entryPath, manifest),
    appPackage: packageOf(manifest),
  };
}

/** The name and version the nearest package.json up from `dir` gives the app (the CLI's, run in the app's directory). */
export function appPackageIn(dir: string): AppPackage {
  return packageOf(nearestManifest(dir));
}

function packageOf(manifest: Record<string, unknown> | null): AppPackage {
  return { name: text(manifest?.name), version: text(manifest?.version) };
}

function moduleKindOf(entryPath: string, manifest: Record<string, unknown> | null): 'esm' | 'cjs' {
  if (/\.m[jt]s$/.test(entryPath)) return 'esm';
  if (/\.c[jt]s$/.test(entryPath)) return 'cjs';
  return manifest?.type === 'module' ? 'esm' : 'cjs';
}

/** The nearest package.json up from `dir`, parsed; an unreadable one counts as empty, as Node's CJS default. */
function nearestManifest(dir: string): Record<string, unknown> | null {
  for (; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
        return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
      } catch {
        return {};
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
