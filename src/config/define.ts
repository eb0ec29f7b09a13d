import type { BeaconConfig } from './types.js';

/**
 * Identity function that gives a config object its type: completion and compile-time
 * errors in the editor. Values are validated again at run time by startMonitoring.
 */
export function defineConfig<const T extends BeaconConfig>(config: T): T {
  return config;
}
