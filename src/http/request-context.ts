/**
 * The context every server request starts from: Beacon's HTTP server path extracts the
 * incoming trace context into it, so the request's span, its RPC metadata and whatever the
 * framework instrumentations add are derived from it. Each `setValue` adds one small node
 * pointing at its parent, where the API's BaseContext copies its parent's whole Map and gives
 * every copy three closures of its own: ~100 ns a derivation in a micro-benchmark, paid two to
 * four times a request, and in a profile of the ~1 ms express route (docs/performance.md) the
 * BaseContext constructor was the largest single item of the agent's own code. Lookups walk
 * the few nodes up to the root. What an app or an instrumentation sees is the Context
 * interface with the same values for the same calls (a unit test runs random sequences
 * against BaseContext); the API's ROOT_CONTEXT, and contexts made from it, stay BaseContexts.
 */
import type { Context } from '../otel/api.cjs';

/** A deleted key's node: its value hides the one above, as a Map's delete would. */
const DELETED = Symbol('beacon.deletedContextValue');

/**
 * Nodes a context may chain before it is rebuilt from the values it shows: keys set again and
 * again (a loop deriving a context from the last) must not keep every earlier value alive.
 */
const MIN_REBUILD_DEPTH = 32;

class LinkedContext implements Context {
  private constructor(
    private readonly parent: LinkedContext | undefined,
    private readonly key: symbol | undefined,
    private readonly value: unknown,
    private readonly depth: number,
    /** The depth at which the chain is rebuilt: twice the keys it held at its last rebuild, at least MIN_REBUILD_DEPTH. */
    private readonly rebuildAt: number,
  ) {}

  static readonly ROOT = new LinkedContext(undefined, undefined, undefined, 0, MIN_REBUILD_DEPTH);

  getValue(key: symbol): unknown {
    for (let node: LinkedContext | undefined = this; node; node = node.parent) {
      if (node.key === key) return node.value === DELETED ? undefined : node.value;
    }
    return undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    return this.extended(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.extended(key, DELETED);
  }

  private extended(key: symbol, value: unknown): LinkedContext {
    if (this.depth + 1 < this.rebuildAt) return new LinkedContext(this, key, value, this.depth + 1, this.rebuildAt);
    // Rebuilt from the values this context shows (the nearest node of each key wins), with the new one.
    const shown = new Map<symbol, unknown>([[key, value]]);
    for (let node: LinkedContext | undefined = this; node?.key !== undefined; node = node.parent) {
      if (!shown.has(node.key)) shown.set(node.key, node.value);
    }
    const entries = [...shown].filter(([, shownValue]) => shownValue !== DELETED);
    const rebuildAt = Math.max(MIN_REBUILD_DEPTH, 2 * entries.length);
    let rebuilt = LinkedContext.ROOT;
    for (const [entryKey, entryValue] of entries) rebuilt = new LinkedContext(rebuilt, entryKey, entryValue, rebuilt.depth + 1, rebuildAt);
    return rebuilt;
  }
}

export const REQUEST_ROOT_CONTEXT: Context = LinkedContext.ROOT;
