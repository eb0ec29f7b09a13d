/**
 * The ESM loader hook that lets instrumentations patch ES modules (import-in-the-middle),
 * owned by the start itself so that every way of starting Beacon gets it: the package's
 * register entry, and an app's own register file calling startMonitoring() under --import.
 * Registered after the SDK is loaded (Beacon's own imports need no hooking) with the modules
 * the instrumentations target, so only those are wrapped; prepared before they are built, so
 * that a hook made later (an instrumentation enabled afterwards) reaches the loader over its
 * channel. The start awaits the acknowledgement, so an app's first import after an awaited
 * start is hooked.
 *
 * Where Node runs loader hooks on the app's thread (module.registerHooks, with the fix
 * import-in-the-middle needs), they are used: the hooks thread of module.register costs
 * ~200 ms of blocked start-up and ~13 MiB.
 */
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';

type InThreadHooks = typeof import('import-in-the-middle/register-hooks.mjs');
const requireHook = createRequire(import.meta.url);
// Its own module, without the parsers register-hooks.mjs loads (types come from there).
const { supportsSyncHooks } = requireHook('import-in-the-middle/supports-sync-hooks.mjs') as Pick<InThreadHooks, 'supportsSyncHooks'>;

export interface PreparedEsmHook {
  /** Registers the hook for the modules in `targets`; the promise settles once it has every module to hook. */
  register(targets: readonly string[]): Promise<void>;
}

/** Which loader runs the hooks: on the app's thread, or on Node's hooks thread. */
export const esmLoader: 'in-thread' | 'hooks thread' = supportsSyncHooks() ? 'in-thread' : 'hooks thread';

let prepared = false;

/** Null on worker threads (Beacon instruments the main thread only) and once prepared: one hook per process. */
export function prepareEsmHook(): PreparedEsmHook | null {
  if (!isMainThread || prepared) return null;
  prepared = true;
  const channel = createAddHookMessageChannel();
  return {
    register(targets) {
      // The targets go with the registration: on the app's thread the channel's messages are read
      // only when the event loop turns, after a --require start's app has imported its modules.
      const data = { ...channel.registerOptions.data, include: [...targets] };
      if (esmLoader === 'in-thread') {
        // Loaded only here: its parsers are what the hooks thread would otherwise load. Synchronous
        // (require of an ES module), so the --require start registers before the app's first line.
        (requireHook('import-in-the-middle/register-hooks.mjs') as InThreadHooks).register(data);
      } else {
        register('import-in-the-middle/hook.mjs', import.meta.url, { ...channel.registerOptions, data });
      }
      return channel.waitForAllMessagesAcknowledged();
    },
  };
}
