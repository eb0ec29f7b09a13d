/**
 * Modules an instrumentation package keeps beside its entry (its dist/utils.cjs, say) but does
 * not export: Beacon's lighter paths (http-server.ts, express-layers.ts) call upstream's own
 * functions from them so that what a span says is worked out as upstream works it out. The
 * packages are pinned to one version (package.json), and each path's unit test fails if a
 * module or function it uses goes away.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const requirePackage = createRequire(import.meta.url);

/** `file` from the folder of `packageName`'s CommonJS entry. */
export function requireUpstreamFile<T>(packageName: string, file: string): T {
  return requirePackage(join(dirname(requirePackage.resolve(packageName)), file)) as T;
}
