/**
 * The context requests start from (src/http/request-context.ts) against the API's BaseContext:
 * random sequences of derivations give the same values, parents never change, deep chains
 * stay right, and a key set over and over does not keep its earlier values alive.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Context, ROOT_CONTEXT, createContextKey } from '../../src/otel/api.cjs';
import { REQUEST_ROOT_CONTEXT } from '../../src/http/request-context.js';

const KEYS = ['span', 'rpc', 'suppress', 'baggage', 'route'].map((name) => createContextKey(name));

/** A small seeded generator, so that a failing sequence can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valuesOf = (context: Context) => KEYS.map((key) => context.getValue(key));

test('random derivations give the same values as BaseContext, and never change a parent', () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    const next = random(seed);
    // Pairs derived the same way from the two roots; mostly from the latest, so chains grow deep.
    const pairs: [Context, Context][] = [[ROOT_CONTEXT, REQUEST_ROOT_CONTEXT]];
    const seen = [valuesOf(REQUEST_ROOT_CONTEXT)];
    for (let step = 0; step < 3_000; step++) {
      const from = next() < 0.8 ? pairs.length - 1 : Math.floor(next() * pairs.length);
      const [base, linked] = pairs[from]!;
      const key = KEYS[Math.floor(next() * KEYS.length)]!;
      const roll = next();
      const value = roll < 0.1 ? undefined : { step };
      const derived: [Context, Context] = roll < 0.25 ? [base.deleteValue(key), linked.deleteValue(key)] : [base.setValue(key, value), linked.setValue(key, value)];
      assert.deepEqual(valuesOf(derived[1]), valuesOf(derived[0]), `seed ${seed}, step ${step}`);
      for (const key of KEYS) assert.equal(derived[1].getValue(key), derived[0].getValue(key), `seed ${seed}, step ${step}: same objects`);
      assert.deepEqual(valuesOf(linked), seen[from], `seed ${seed}, step ${step}: the parent is unchanged`);
      pairs.push(derived);
      seen.push(valuesOf(derived[1]));
    }
  }
});

test('a key not set reads undefined; deleting it, or a missing one, derives a context without it', () => {
  const [span, route] = KEYS as [symbol, symbol];
  assert.equal(REQUEST_ROOT_CONTEXT.getValue(span), undefined);
  const withSpan = REQUEST_ROOT_CONTEXT.setValue(span, 'span').setValue(route, '/users/:id');
  const without = withSpan.deleteValue(span);
  assert.equal(without.getValue(span), undefined);
  assert.equal(without.getValue(route), '/users/:id');
  assert.equal(without.deleteValue(createContextKey('never set')).getValue(route), '/users/:id');
  assert.equal(withSpan.getValue(span), 'span');
});

test('a key set again and again does not keep its earlier values alive', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const [span, rpc] = KEYS as [symbol, symbol];
  let context = REQUEST_ROOT_CONTEXT.setValue(rpc, 'kept');
  const firstRef = (() => {
    const first = { big: new Array(1000).fill(1) };
    context = context.setValue(span, first);
    return new WeakRef(first);
  })();
  for (let i = 0; i < 1_000; i++) context = context.setValue(span, { i });
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(firstRef.deref(), undefined, 'the first value is collected');
  assert.deepEqual(context.getValue(span), { i: 999 });
  assert.equal(context.getValue(rpc), 'kept');
});
