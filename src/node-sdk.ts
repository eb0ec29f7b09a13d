/**
 * `beacon-otel/sdk`: a NodeSDK from a Beacon config (sdk/node-sdk.ts). @opentelemetry/sdk-node
 * is an optional peer (it is kept out of the default install), so importing this entry
 * without it fails here, with the install command, rather than later with a bare
 * ERR_MODULE_NOT_FOUND. The main entry never imports this one.
 */
import { BeaconError, ErrorCodes } from './errors.js';
import { missingOptional } from './optional-packages.js';

try {
  import.meta.resolve('@opentelemetry/sdk-node');
} catch (cause) {
  throw new BeaconError(ErrorCodes.MISSING_PACKAGE, missingOptional('beacon-otel/sdk', '@opentelemetry/sdk-node', 'it is not installed'), { cause });
}

export { beaconNodeSdk } from './sdk/node-sdk.js';
export type { NodeSdkExtras } from './sdk/node-sdk.js';
