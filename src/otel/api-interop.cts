/**
 * Some OpenTelemetry packages are built with rolldown, whose CommonJS output reads a namespace
 * import of the API (`import * as api from '@opentelemetry/api'`) through an interop object
 * that its `__toESM` helper builds: a getter per export, each a bound function, on an object
 * holding dozens of them. V8 serves none of those reads from its inline caches and calls into
 * its runtime for each one, and sdk-trace's Tracer makes about ten per span it starts: an
 * unsampled `startSpan` took 2.7 µs instead of 1.4 µs (micro-benchmark, Node 24), on every
 * request. Each getter only reads the same property of the API module, whose exports are plain
 * data properties, so for the API that object adds nothing but the cost: before such a
 * package's modules load, its helper is made to hand the API module over as it is. Every other
 * module still gets the helper's own object. The packages are pinned (package.json); should
 * the helper move, only the speed changes, and test/unit/api-interop.test.ts fails.
 */
import api = require('@opentelemetry/api');
import upstream = require('./upstream-files.cjs');

type ToEsm = (mod: unknown, isNodeMode?: unknown) => unknown;
type Runtime = { __toESM?: ToEsm };

const PASSES_API = Symbol('beacon.passesApi');

/** The rolldown helper module of `packageName`, or undefined where the build has none. */
function rolldownRuntime(packageName: string): Runtime | undefined {
  try {
    return upstream.requireUpstreamFile<Runtime>(packageName, '_virtual/_rolldown/runtime.cjs');
  } catch {
    return undefined;
  }
}

/** Call before `packageName` is first required: its modules then read the API directly. */
function readApiDirectly(packageName: string): void {
  const runtime = rolldownRuntime(packageName);
  const toEsm = runtime?.__toESM;
  if (!runtime || typeof toEsm !== 'function' || PASSES_API in toEsm) return;
  const passesApi = (mod: unknown, isNodeMode?: unknown) => (mod === api ? mod : toEsm(mod, isNodeMode));
  runtime.__toESM = Object.assign(passesApi, { [PASSES_API]: true });
}

export = { readApiDirectly, rolldownRuntime };
