// Beacon's series find a label set's cell without writing a key (src/metrics/api/label-index.ts):
// a label set must be one entry whatever order its keys come in, and two label sets that differ
// in any name, value or value type must be two.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabelIndex } from '../../src/metrics/api/label-index.js';

test('one label set is one entry, in any key order; a missing set finds nothing', () => {
  const index = new LabelIndex<string>();
  index.set({ method: 'GET', status: 200, route: '/a' }, 'first');
  assert.equal(index.get({ route: '/a', status: 200, method: 'GET' }), 'first');
  assert.equal(index.get({ status: 200, method: 'GET', route: '/a' }), 'first');
  assert.equal(index.get({ method: 'GET', status: 200 }), undefined, 'a subset is another set');
  assert.equal(index.get({ method: 'GET', status: 200, route: '/b' }), undefined);
  assert.equal(index.get({ method: 'GET', status: 200, path: '/a' }), undefined, 'another name with the same value');
  assert.equal(index.get({}), undefined);
  index.set({}, 'none');
  assert.equal(index.get({}), 'none');
});

test('values differ by type and by array content, not by array identity', () => {
  const index = new LabelIndex<string>();
  index.set({ code: 1 }, 'number');
  index.set({ code: '1' }, 'string');
  index.set({ code: true }, 'boolean');
  index.set({ code: ['a', 'b'] }, 'array');
  assert.equal(index.get({ code: 1 }), 'number');
  assert.equal(index.get({ code: '1' }), 'string');
  assert.equal(index.get({ code: true }), 'boolean');
  assert.equal(index.get({ code: ['a', 'b'] }), 'array');
  assert.equal(index.get({ code: '["a","b"]' }), undefined, 'a string is never an array');
  assert.equal(index.get({ code: ['b', 'a'] }), undefined);
  assert.equal(index.get({ code: undefined }), undefined);
});

test('past the name orders it remembers, lookups still find the same entries; clear() forgets all', () => {
  const index = new LabelIndex<number>();
  const names = Array.from({ length: 40 }, (_, i) => `label${i}`);
  names.forEach((name, i) => index.set({ [name]: 'x', shared: i }, i));
  names.forEach((name, i) => assert.equal(index.get({ shared: i, [name]: 'x' }), i, name));
  index.set({ a: 1, b: 2 }, 99);
  assert.equal(index.get({ b: 2, a: 1 }), 99);
  index.clear();
  assert.equal(index.get({ a: 1, b: 2 }), undefined);
  assert.equal(index.get({ label0: 'x', shared: 0 }), undefined);
});
