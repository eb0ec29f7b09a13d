/**
 * The `--require` entry: `node -r beacon-otel/register app.js`, or
 * `NODE_OPTIONS="--require beacon-otel/register"`. CommonJS cannot await, so this starts
 * Beacon in two steps (see src/start-before-app.ts). Beacon's ES modules load through
 * require() (Node.js ≥ 22.12). Worker threads inherit preloads; Beacon starts only on the
 * main thread.
 */
import worker = require('node:worker_threads');

// Required only here: Node 22 also runs preloads in its loader-hooks thread, where Beacon's
// ES modules cannot be required once hooks are registered.
if (worker.isMainThread) (require('./src/start-before-app.js') as typeof import('./src/start-before-app.js')).startBeforeApp();
