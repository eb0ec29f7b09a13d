import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../../package.json') as { version: string; engines: { node: string } };

/** The package version, read once from package.json. */
export const BEACON_VERSION: string = manifest.version;

/** The Node.js versions Beacon supports (package.json `engines.node`), checked by `beacon-otel doctor`. */
export const NODE_ENGINES: string = manifest.engines.node;
