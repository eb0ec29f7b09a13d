/**
 * The `--import` entry: `node --import beacon-otel/register app.js`.
 *
 * Loads the monitoring config file and starts Beacon before the app's first line, ESM
 * loader hook included (see startMonitoring). Worker threads inherit --import; Beacon starts
 * only on the main thread.
 */
import { isMainThread } from 'node:worker_threads';
import { loadConfigFile } from './src/config/load.js';
import { BeaconConfigError } from './src/errors.js';
import { startMonitoring } from './src/start.js';

if (isMainThread) {
  try {
    const file = await loadConfigFile(process.cwd(), process.env.BEACON_CONFIG);
    await startMonitoring(file.options, { configFile: file.path });
  } catch (error) {
    if (!(error instanceof BeaconConfigError)) throw error;
    // A programmer error in the config: say it plainly and stop before the app starts.
    console.error(`[beacon] invalid monitoring config: ${error.message}`);
    process.exit(78); // EX_CONFIG
  }
}
