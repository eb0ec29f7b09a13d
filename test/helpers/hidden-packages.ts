import { pathToFileURL } from 'node:url';
import { fixture } from './app.js';

/** An `--import` argument that makes `names` unresolvable in the child, as on an install without them. */
export function hiding(...names: string[]): string {
  return `${pathToFileURL(fixture('hide-packages.mjs')).href}?${names.map(encodeURIComponent).join(',')}`;
}
