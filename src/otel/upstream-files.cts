/**
 * Modules an OpenTelemetry package keeps beside its entry (its dist/utils.cjs, say) but does
 * not export. Beacon's lighter paths (instrumentations/http-server.ts, express-layers.ts) call
 * upstream's own functions from them, so that what a span says is worked out as upstream works
 * it out; api-interop.cts changes sdk-trace's interop helper. The packages are pinned to one
 * version (package.json), and each user's unit test fails if a module or function it uses
 * goes away.
 */
import path = require('node:path');

/** `file` from the folder of `packageName`'s CommonJS entry. */
function requireUpstreamFile<T>(packageName: string, file: string): T {
  return require(path.join(path.dirname(require.resolve(packageName)), file)) as T;
}

export = { requireUpstreamFile };
