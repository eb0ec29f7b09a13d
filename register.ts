/**
 * The `--import` entry: `node --import beacon-otel/register app.js`.
 *
 * Loads the monitoring config file and starts Beacon before the app's first line, ESM
 * loader hook included (see startMonitoring). Worker threads inherit --import; Beacon starts
 * only on the main thread. (`--require beacon-otel/register` loads register.cts instead.)
 */
import { isMainThread } from 'node:worker_threads';
import { loadConfigFile } from './src/config/load.js';
import { startMonitoring, stopOnConfigError } from './src/start.js';

if (isMainThread) {
  try {
    const file = await loadConfigFile(process.cwd(), process.env.BEACON_CONFIG);
    await startMonitoring(file.options, { configFile: file.path });
  } catch (error) {
    stopOnConfigError(error);
  }
}
