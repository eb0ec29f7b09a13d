/**
 * Facts about the app being started, read from its entry path: whether Node will load it
 * as ESM or CommonJS, and where it loads packages from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function appContext(entry: string | undefined): { appDirs: string[]; moduleKind?: 'esm' | 'cjs' } {
  const cwd = process.cwd();
  if (!entry) return { appDirs: [cwd] };
  const entryPath = resolve(cwd, entry);
  return { appDirs: [...new Set([dirname(entryPath), cwd])], moduleKind: moduleKindOf(entryPath) };
}

function moduleKindOf(entryPath: string): 'esm' | 'cjs' {
  if (/\.m[jt]s$/.test(entryPath)) return 'esm';
  if (/\.c[jt]s$/.test(entryPath)) return 'cjs';
  for (let dir = dirname(entryPath); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module' ? 'esm' : 'cjs';
      } catch {
        return 'cjs';
      }
    }
    if (dirname(dir) === dir) return 'cjs';
  }
}
