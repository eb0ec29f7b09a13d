/**
 * The ESM loader hook that lets instrumentations patch ES modules (import-in-the-middle),
 * owned by the start itself so that every way of starting Beacon gets it: the package's
 * register entry, and an app's own register file calling startMonitoring() under --import.
 * Prepared before the instrumentations are built (the modules they target queue on its
 * channel, so only those are wrapped); registered after the SDK is loaded (Beacon's own
 * imports need no hooking); the start awaits the acknowledgement, so an app's first import
 * after an awaited start is hooked.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';

export interface PreparedEsmHook {
  /** Registers the hook; the promise settles once it has every module to hook. */
  register(): Promise<void>;
}

let prepared = false;

/** Null on worker threads (Beacon instruments the main thread only) and once prepared: one hook per process. */
export function prepareEsmHook(): PreparedEsmHook | null {
  if (!isMainThread || prepared) return null;
  prepared = true;
  const channel = createAddHookMessageChannel();
  return {
    register() {
      register('import-in-the-middle/hook.mjs', import.meta.url, channel.registerOptions);
      return channel.waitForAllMessagesAcknowledged();
    },
  };
}
