/**
 * The `--import` entry: `node --import beacon-otel/register app.js`.
 *
 * Loads the monitoring config, starts the SDK, then registers the ESM loader hook with the
 * include list the instrumentations asked for (so only those modules are wrapped) and
 * waits for the hook to acknowledge before the app's first line runs. Worker
 * threads inherit --import; Beacon starts only on the main thread.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { appContext } from './src/sdk/app-context.js';
import { loadConfigFile } from './src/config/load.js';
import { resolveConfig } from './src/config/resolve.js';
import { BeaconConfigError } from './src/errors.js';
import { startResolved } from './src/start.js';

if (isMainThread) {
  try {
    const file = await loadConfigFile(process.cwd(), process.env.BEACON_CONFIG);
    const resolution = resolveConfig(file.options, process.env);
    // A disabled Beacon does not even start the loader thread.
    const hook = resolution.config.enabled ? createAddHookMessageChannel() : null;
    await startResolved(() => resolution, { ...appContext(process.argv[1]), configFile: file.path });
    // Registered after the SDK is loaded: every ESM import after this point waits on the
    // loader thread, and Beacon's own imports need no hooking. The modules instrumentations
    // asked for while starting are queued on the channel and acknowledged here.
    if (hook) {
      register('import-in-the-middle/hook.mjs', import.meta.url, hook.registerOptions);
      await hook.waitForAllMessagesAcknowledged();
    }
  } catch (error) {
    if (!(error instanceof BeaconConfigError)) throw error;
    // A programmer error in the config: say it plainly and stop before the app starts.
    console.error(`[beacon] invalid monitoring config: ${error.message}`);
    process.exit(78); // EX_CONFIG
  }
}
