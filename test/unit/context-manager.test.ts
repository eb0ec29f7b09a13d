/**
 * Beacon's context manager against upstream's AsyncLocalStorageContextManager: every case runs
 * on both, so what an app or an instrumentation sees is proven the same, then the cases where
 * Beacon's binding of emitters differs on purpose.
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { type Context, type ContextManager, ROOT_CONTEXT, createContextKey } from '../../src/otel/api.cjs';
import { BeaconContextManager } from '../../src/tracing/context-manager.js';

// CommonJS builds, as Beacon loads them (src/otel): both managers start from the same ROOT_CONTEXT.
const { AsyncLocalStorageContextManager } = createRequire(import.meta.url)('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');

const key = createContextKey('request');
const named = (name: string): Context => ROOT_CONTEXT.setValue(key, name);
const nameIn = (manager: ContextManager): unknown => manager.active().getValue(key);

const MANAGERS: [string, () => ContextManager][] = [
  ['upstream', () => new AsyncLocalStorageContextManager().enable()],
  ['Beacon', () => new BeaconContextManager().enable()],
];

for (const [which, create] of MANAGERS) {
  test(`${which}: with() runs in the context, nests, follows async work and restores the outer one`, async () => {
    const manager = create();
    assert.equal(manager.active(), ROOT_CONTEXT);
    const seen = await manager.with(named('outer'), async () => {
      const inner = manager.with(named('inner'), () => nameIn(manager));
      await sleep(1);
      return [inner, nameIn(manager)];
    });
    assert.deepEqual(seen, ['inner', 'outer']);
    assert.equal(manager.active(), ROOT_CONTEXT);
    assert.equal(manager.with(named('x'), function (this: { n: number }, a: number, b: number) { return this.n + a + b; }, { n: 1 }, 2, 3), 6);
    manager.disable();
  });

  test(`${which}: a bound function runs in its context wherever it is called, with its this, arguments, result and arity`, () => {
    const manager = create();
    const handler = function (this: { id: string }, _err: unknown, _req: unknown, _res: unknown, _next: unknown) {
      return [this.id, nameIn(manager)];
    };
    const bound = manager.bind(named('request'), handler);
    assert.equal(bound.length, 4, 'express tells error handlers by their arity');
    assert.deepEqual(manager.with(named('elsewhere'), () => bound.call({ id: 'self' }, 1, 2, 3, 4)), ['self', 'request']);
    assert.equal(manager.bind(named('request'), () => undefined).length, 0);
    assert.equal(manager.bind(named('request'), 'not bindable'), 'not bindable');
    manager.disable();
  });

  test(`${which}: a bound emitter runs every listener added after binding in its context, once or on, and removes them by the app's function`, async () => {
    const manager = create();
    const emitter = manager.bind(named('request'), new EventEmitter());
    assert.equal(manager.bind(named('later'), emitter), emitter, 'the first binding wins');
    const seen: unknown[] = [];
    const onData = (chunk: string) => seen.push([chunk, nameIn(manager)]);
    emitter.on('data', onData);
    emitter.once('end', () => seen.push(['end', nameIn(manager)]));
    emitter.prependListener('data', () => seen.push(['first', nameIn(manager)]));

    manager.with(named('socket'), () => {
      assert.equal(emitter.emit('data', 'a'), true);
      emitter.emit('end');
      emitter.emit('end');
    });
    emitter.removeListener('data', onData);
    emitter.emit('data', 'b');
    assert.deepEqual(seen, [['first', 'request'], ['a', 'request'], ['end', 'request'], ['first', 'request']]);
    assert.equal(emitter.listenerCount('data'), 1);
    assert.equal(emitter.emit('nobody'), false);

    const ended = once(emitter, 'close');
    setImmediate(() => emitter.emit('close', 'done'));
    assert.deepEqual(await ended, ['done']);
    emitter.removeAllListeners();
    assert.equal(emitter.listenerCount('data'), 0);
    assert.throws(() => manager.with(named('socket'), () => emitter.emit('error', new Error('boom'))), /boom/);
    manager.disable();
  });
}

test('Beacon: listeners() gives back the app\'s own functions, and the bound emitter has one own property more, not eight', () => {
  const manager = new BeaconContextManager().enable();
  const emitter = new EventEmitter();
  const before = Reflect.ownKeys(emitter).length;
  manager.bind(named('request'), emitter);
  const onData = () => undefined;
  emitter.on('data', onData);
  assert.deepEqual(emitter.listeners('data'), [onData]);
  // The emit override and the bound context.
  assert.equal(Reflect.ownKeys(emitter).length, before + 2);
  manager.disable();
});

test('Beacon: listeners added before binding run in the bound context too (upstream leaves them in the caller\'s)', () => {
  const manager = new BeaconContextManager().enable();
  const emitter = new EventEmitter();
  const seen: unknown[] = [];
  emitter.on('finish', () => seen.push(nameIn(manager)));
  manager.bind(named('request'), emitter);
  manager.with(named('socket'), () => emitter.emit('finish'));
  assert.deepEqual(seen, ['request']);
  manager.disable();
});
