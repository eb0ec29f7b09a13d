/**
 * The delivery queue in front of span and log exports: bounded, newest kept, held (not
 * discarded) while the backend fails, every item counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { Backoff } from '../../src/export/backoff.js';
import { BackoffExporter } from '../../src/export/backoff-exporter.js';
import { DeliveryQueue } from '../../src/export/delivery-queue.js';
import { guardedDelivery } from '../../src/export/delivery.js';
import { ScopedSender } from '../../src/export/scoped-sender.js';
import { AccountedExporter, DeliveryAccounts, batchLength } from '../../src/export/export-accounting.js';
import { pollUntil } from '../helpers/timing.js';

interface Item {
  n: number;
}

/** A backend the test answers by hand: `answer(ok)` settles every export waiting. */
function manualBackend() {
  const received: number[] = [];
  const waiting: { batch: Item[]; done: (result: ExportResult) => void }[] = [];
  return {
    received,
    requests: () => waiting.length,
    exporter: {
      export: (batch: Item[], done: (result: ExportResult) => void) => waiting.push({ batch, done }),
      shutdown: async () => undefined,
    },
    answer(ok: boolean) {
      for (const { batch, done } of waiting.splice(0)) {
        if (ok) received.push(...batch.map(({ n }) => n));
        done(ok ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: new Error('HTTP 503') });
      }
    },
  };
}

function queueFor(backend: ReturnType<typeof manualBackend>, capacity: number, backoff = new Backoff({ initialMs: 50, maxMs: 50 }), delayMs = 5) {
  const account = new DeliveryAccounts().open('spans', capacity);
  const exporter = new AccountedExporter<Item[]>(new BackoffExporter(backend.exporter, 'span', backoff), account, batchLength);
  return { account, queue: new DeliveryQueue<Item>({ exporter, account, backoff, batchSize: 10, delayMs }) };
}

test('a full queue keeps the newest items; every item is exported or counted as dropped, exactly', async () => {
  const backend = manualBackend();
  const { account, queue } = queueFor(backend, 50);
  for (let n = 0; n < 500; n++) {
    queue.add({ n });
    if (n % 100 === 99) backend.answer(true); // the backend answers now and then
  }
  const flushed = queue.flush();
  await pollUntil(() => (backend.answer(true), account.queued === 0 && account.inFlight === 0));
  await flushed;
  assert.ok(account.dropped.queue_full > 0, 'the queue overflowed');
  assert.equal(account.received, 500);
  assert.equal(account.exported, backend.received.length);
  assert.equal(account.exported + account.dropped.queue_full, 500);
  assert.ok(backend.received.includes(499) && backend.received.slice(-50).every((n) => n >= 450), 'the newest items left last');
});

test('at most two exports are in flight while the backend is slow', () => {
  const backend = manualBackend();
  const { queue } = queueFor(backend, 1000);
  for (let n = 0; n < 100; n++) queue.add({ n });
  assert.equal(backend.requests(), 2);
});

test('while the backend fails the queue holds its items, and everything added after it recovers is delivered', async () => {
  const backend = manualBackend();
  const backoff = new Backoff({ initialMs: 100, maxMs: 100 });
  const { account, queue } = queueFor(backend, 40, backoff);
  for (let n = 0; n < 20; n++) queue.add({ n });
  await pollUntil(() => backend.requests() > 0);
  backend.answer(false); // the backend is down: the backoff starts
  for (let n = 20; n < 200; n++) queue.add({ n }); // held: no request, oldest make room
  assert.equal(backend.requests(), 0, 'no request while backing off');
  assert.equal(account.dropped.held_back, 0, 'held, not discarded');
  const recoveredAt = 200;
  for (let n = recoveredAt; n < 230; n++) queue.add({ n });
  await pollUntil(() => (backend.answer(true), account.queued === 0 && account.inFlight === 0), 5000);
  for (let n = recoveredAt; n < 230; n++) assert.ok(backend.received.includes(n), `item ${n} added after recovery was delivered`);
  assert.equal(account.exported + account.dropped.queue_full + account.failed.other, 230);
});

test('an explicit flush sends what is queued even while backing off', async () => {
  const backend = manualBackend();
  const backoff = new Backoff({ initialMs: 60_000, maxMs: 60_000 });
  const { queue } = queueFor(backend, 100, backoff);
  backoff.failed(); // a minute of backoff
  for (let n = 0; n < 5; n++) queue.add({ n });
  const { duringExplicitFlush } = await import('../../src/export/explicit-flush.js');
  const flushed = duringExplicitFlush(() => queue.flush());
  assert.equal(backend.requests(), 1);
  backend.answer(true);
  await flushed;
  assert.deepEqual(backend.received, [0, 1, 2, 3, 4]);
});

test('a back-off shorter than the batch delay ends when it says, not when the batch timer fires', async () => {
  const backend = manualBackend();
  const { queue } = queueFor(backend, 100, new Backoff({ initialMs: 50, maxMs: 50 }), 60_000);
  for (let n = 0; n < 10; n++) queue.add({ n }); // a full batch leaves at once
  for (let n = 10; n < 13; n++) queue.add({ n }); // these wait for the next batch (at most a minute)
  assert.equal(backend.requests(), 1);
  backend.answer(false); // 50 ms of back-off
  assert.ok(await pollUntil(() => backend.requests() > 0, 2000), 'what is held leaves once the back-off ends');
  backend.answer(true);
  assert.deepEqual(backend.received, [10, 11, 12]);
  await queue.shutdown();
});

test("the sender starts opening when the first item arrives, once, not when the first batch leaves; a failed open is that batch's error", async () => {
  const opened: string[] = [];
  let failOpen = true;
  class Sender extends ScopedSender<Item[], string> {
    protected async open(): Promise<string> {
      opened.push('open');
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failOpen) throw new Error('exporter module missing');
      return 'connection';
    }
    protected async send(): Promise<ExportResult> {
      return (await this.connection()) === 'connection' ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED };
    }
    protected async close(): Promise<void> {}
  }
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const results: ExportResult[] = [];
  for (const outcome of ['fails', 'succeeds']) {
    failOpen = outcome === 'fails';
    opened.length = 0;
    const sender = new Sender(1000);
    const account = new DeliveryAccounts().open('spans', 100);
    const queue = guardedDelivery<Item>(
      { export: (batch, done) => sender.export(batch, (result) => (results.push(result), done(result))), prepare: () => sender.prepare(), shutdown: () => sender.shutdown() },
      { what: 'span', retryAfter: { remainingMs: () => 0, lastErrorStatus: () => null, close: () => undefined }, deadlineMs: 1000, account, batchSize: 10, delayMs: 60_000 },
    );
    const exportedBefore = results.length;
    queue.add({ n: 1 });
    queue.add({ n: 2 });
    assert.deepEqual(opened, ['open'], `${outcome}: opened at the first item, once`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(results.length, exportedBefore, 'nothing exported yet: the batch waits for its delay');
    await queue.flush();
    assert.deepEqual(opened, ['open'], 'the export used what was opened');
    await queue.shutdown();
  }
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'a failed open is no unhandled rejection');
  assert.deepEqual(results.map((result) => result.code), [ExportResultCode.FAILED, ExportResultCode.SUCCESS]);
  assert.match(String(results[0]!.error), /exporter module missing/);
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether `ref`'s item has been collected: nothing but the WeakRef held it. */
async function collected(ref: WeakRef<Item>): Promise<boolean> {
  for (let attempt = 0; attempt < 5 && ref.deref() !== undefined; attempt++) {
    await new Promise((resolve) => setImmediate(resolve)); // a WeakRef keeps its target alive until the job ends
    gc();
  }
  return ref.deref() === undefined;
}

test('the queue lets go of what left it: exported items once their export settles, dropped items while exports hang', async () => {
  const backend = manualBackend();
  const { account, queue } = queueFor(backend, 50, new Backoff({ initialMs: 50, maxMs: 50 }), 60_000);
  const exported: WeakRef<Item>[] = [];
  for (let n = 0; n < 10; n++) {
    const item = { n };
    exported.push(new WeakRef(item));
    queue.add(item); // the tenth fills a batch, which leaves at once
  }
  assert.equal(backend.requests(), 1);
  backend.answer(true);
  await pollUntil(() => account.exported === 10);
  assert.ok(await collected(exported[0]!), 'an exported item is not held by the queue');

  // A backend that never answers: both exports hang, and the queue drops its oldest for room.
  for (let n = 10; n < 30; n++) queue.add({ n });
  assert.equal(backend.requests(), 2, 'both exports in flight');
  let dropped: WeakRef<Item> | undefined;
  for (let n = 30; n < 2_000; n++) {
    const item = { n };
    if (n === 40) dropped = new WeakRef(item);
    queue.add(item);
  }
  assert.ok(account.dropped.queue_full > 1_000, 'the queue overflowed');
  assert.ok(await collected(dropped!), 'an item dropped for room is not held until the next export');
  const stopped = queue.shutdown();
  await pollUntil(() => (backend.answer(true), account.queued === 0 && account.inFlight === 0));
  await stopped;
});


test('a batch ends before the item that would take it past its weight; a heavier item leaves alone', async () => {
  const batches: number[][] = [];
  const account = new DeliveryAccounts().open('logs', 100);
  const backoff = new Backoff({ initialMs: 50, maxMs: 50 });
  const backend = {
    export: (batch: Item[], done: (result: ExportResult) => void) => {
      batches.push(batch.map(({ n }) => n));
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
  };
  const exporter = new AccountedExporter<Item[]>(new BackoffExporter(backend, 'log', backoff), account, batchLength);
  // Each item weighs its n; a batch holds 10 items or a weight of 10.
  const queue = new DeliveryQueue<Item>({ exporter, account, backoff, batchSize: 10, batchWeight: { of: ({ n }) => n, max: 10 }, delayMs: 60_000 });
  for (const n of [4, 4, 2, 3, 25, 1, 1]) queue.add({ n });
  await queue.flush();
  assert.deepEqual(batches, [[4, 4, 2], [3], [25], [1, 1]]);
  for (let n = 0; n < 10; n++) queue.add({ n: 0 }); // ten weightless items: the count still ends a batch
  await pollUntil(() => batches.length === 5);
  assert.deepEqual(batches[4], Array(10).fill(0));
  assert.equal(account.exported, 17);
});
