/**
 * Whether the app can load a package, decided without loading it: look for
 * node_modules/<name>/package.json from each app directory up to the root.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function isInstalled(name: string, fromDirs: readonly string[]): boolean {
  return fromDirs.some((start) => {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
      if (dirname(dir) === dir) return false;
    }
  });
}
