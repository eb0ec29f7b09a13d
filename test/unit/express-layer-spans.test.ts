/**
 * Beacon's path for the express instrumentation's layers (src/instrumentations/express-layers.ts)
 * against upstream's: the same app (middleware, routers mounted on paths and nested, a route
 * parameter, `next` called later, `next('route')`, an error passed to `next`, one thrown, one
 * rejected, a 404) serves the same requests down each path, in a process of its own so that
 * each path patches express as it loads (test/fixtures/express-layers.mjs). What they record
 * must be the same: span names, kinds, parents, attributes, status, exception events, and the
 * route of every request's duration point — with upstream's options and with `ignoreLayers`,
 * `ignoreLayersType`, `spanNameHook` and `requestHook` set. With nothing sampled, no span is recorded on either
 * path, the routes still reach the duration points, and Beacon's path starts no layer span.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { fixture, runToEnd } from '../helpers/app.js';

interface Recorded {
  statuses: number[];
  routes: (string | null)[];
  spans: { request: number; name: string; parent: string | null; attributes: Record<string, unknown>; events: unknown[] }[];
  samplerCalls: number;
}

async function serve(path: 'upstream' | 'beacon', options: 'defaults' | 'options', sampling: 'sampled' | 'unsampled'): Promise<Recorded> {
  const { exit, stdout, stderr } = await runToEnd([fixture('express-layers.mjs'), path, options, sampling], { bare: true });
  assert.equal(exit.code, 0, stderr);
  return JSON.parse(stdout) as Recorded;
}

const ROUTES = ['/users/:id', '/api/orders/:id', '/api/orders', '/api/v1/items/:item', '/later', '/skip', '/fail', '/throw', '/reject'];

test('the layer path Beacon puts in place is a method of the pinned instrumentation', () => {
  assert.equal(typeof (ExpressInstrumentation.prototype as unknown as { _applyPatch?: unknown })._applyPatch, 'function');
});

for (const options of ['defaults', 'options'] as const) {
  test(`sampled requests: the same spans and routes on both paths (${options})`, async () => {
    const [upstream, beacon] = await Promise.all([serve('upstream', options, 'sampled'), serve('beacon', options, 'sampled')]);
    assert.deepEqual(beacon.statuses, [200, 200, 201, 200, 200, 200, 500, 500, 500, 200, 404]);
    assert.deepEqual(beacon.statuses, upstream.statuses);
    assert.deepEqual(beacon.spans, upstream.spans);
    assert.deepEqual(beacon.routes, upstream.routes);
    // What the comparison covers, so that it cannot pass on two empty or trivial recordings.
    assert.deepEqual(beacon.routes.slice(0, ROUTES.length), ROUTES);
    const named = (name: string) => beacon.spans.filter((span) => span.name.endsWith(name));
    const handler = `${options === 'options' ? 'request_handler: ' : ''}request handler`;
    assert.equal(named('inside the handler')[0]?.parent, handler, 'a span started by the handler is a child of its layer span');
    assert.equal(named('after the wait')[0]?.parent, handler, 'also after the first handler called next later');
    assert.equal(named('middleware - jsonParser').length, options === 'options' ? 0 : 11);
    assert.equal(beacon.spans.filter((span) => span.attributes['express.type'] === 'router').length, options === 'options' ? 0 : 4);
    assert.equal(beacon.spans.filter((span) => span.events.length > 0).length, 3, 'the error passed on, the one thrown, the one rejected');
    if (options === 'options') assert.ok(beacon.spans.some((span) => span.attributes['hook.route'] === '/api/v1/items/:item'));
  });
}

test('unsampled requests: nothing recorded, the routes kept, and no layer span started on Beacon\'s path', async () => {
  const [upstream, beacon] = await Promise.all([serve('upstream', 'defaults', 'unsampled'), serve('beacon', 'defaults', 'unsampled')]);
  assert.deepEqual(beacon.spans, []);
  assert.deepEqual(upstream.spans, []);
  assert.deepEqual(beacon.routes, upstream.routes);
  assert.deepEqual(beacon.routes.slice(0, ROUTES.length), ROUTES);
  assert.equal(beacon.samplerCalls, 13, 'one server span per request and the app\'s two spans, nothing else');
  assert.ok(upstream.samplerCalls > 30, `upstream starts a span for every layer (${upstream.samplerCalls})`);
});
