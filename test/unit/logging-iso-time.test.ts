/**
 * Beacon's ISO time for log lines writes exactly what pino's `isoTime` (a Date and its
 * toISOString per line) writes, across second boundaries and the edges of the format.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoTime } from '../../src/logging/iso-time.js';

const reference = (key: string, now: number) => `,${JSON.stringify(key)}:"${new Date(now).toISOString()}"`;

test('the same text as a Date per line, at every millisecond digit count, across seconds and years', (t) => {
  const times = [
    Date.UTC(2026, 11, 3, 16, 59, 59, 999), Date.UTC(2026, 11, 3, 17, 0, 0, 0), Date.UTC(2026, 11, 3, 17, 0, 0, 7),
    Date.UTC(2026, 11, 3, 17, 0, 0, 42), Date.UTC(2026, 11, 3, 17, 0, 0, 420), Date.UTC(2026, 11, 3, 17, 0, 1, 5),
    Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1, 0, 0, 0, 1), 0, 999, -1, -1001,
    Date.UTC(10000, 0, 1, 0, 0, 0, 12), Date.UTC(2026, 11, 3, 17, 0, 0, 7),
  ];
  const now = t.mock.method(Date, 'now', () => 0);
  for (const key of ['time', '@timestamp']) {
    const time = isoTime(key);
    for (const at of times) {
      now.mock.mockImplementation(() => at);
      assert.equal(time(), reference(key, at), `at ${at}`);
    }
  }
});

test('each millisecond of a second, in order and out of order', (t) => {
  const base = Date.UTC(2026, 11, 3, 12, 34, 56);
  const now = t.mock.method(Date, 'now', () => base);
  const time = isoTime('time');
  for (const ms of [...Array.from({ length: 1000 }, (_, i) => i), 500, 3, 999, 0]) {
    now.mock.mockImplementation(() => base + ms);
    assert.equal(time(), reference('time', base + ms));
  }
});
