/**
 * Lets an ES module's named imports of a Node built-in see the instrumentations' patches.
 *
 * `import { get } from 'node:http'` reads node:http's ESM facade, whose bindings Node copies
 * from the CommonJS exports when the facade is built, and only then. Beacon's own modules
 * build node:http's facade at start, so when node:http is then patched through `require`
 * (a CommonJS package such as express requiring it before the app imports it, or the
 * in-thread loader looking at its exports) the facade keeps the originals, and the HTTP
 * instrumentation patches once per process: its ESM hook skips the app's import, whose
 * outgoing calls go untraced. This hook runs after the instrumentations' on each built-in
 * they patch and copies into the app's view what the CommonJS exports hold patched.
 */
import { isBuiltin } from 'node:module';
import { isWrapped } from '../otel/instrumentation.cjs';
import { Hook, type Namespace } from 'import-in-the-middle';

/** Call with the modules the instrumentations target, once they are built: their hooks on a module run before this one. */
export function shareBuiltinPatchesWithEsm(targets: readonly string[]): void {
  const builtins = targets.filter((name) => isBuiltin(name));
  if (builtins.length > 0) new Hook(builtins, adoptCommonJsPatches);
}

function adoptCommonJsPatches(namespace: Namespace): void {
  const commonJs = namespace.default as Namespace | undefined;
  if (!commonJs) return;
  for (const name of Object.keys(namespace)) {
    // Writing through import-in-the-middle's namespace updates the binding the app imports.
    if (name !== 'default' && isWrapped(commonJs[name]) && namespace[name] !== commonJs[name]) namespace[name] = commonJs[name];
  }
}
