/**
 * The 'file' output: pino-roll in a worker thread rotates by size and prunes to
 * `logging.file.keep` rotated files (plus the current one).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { logger } from '../../src/logging/logger.js';
import { fileLines, startLoggingFor, tempDir } from '../helpers/logging.js';
import { pollUntil, sleepAtLeast } from '../helpers/timing.js';

test('rotation by size creates numbered files and prunes all but `keep` old ones', async (t) => {
  const dir = tempDir(t);
  const logging = await startLoggingFor(t, { outputs: ['file'], file: { path: join(dir, 'app.log'), size: '1k', frequency: null, keep: 2 } });
  const padding = 'x'.repeat(200);
  let seq = 0;
  // ~40 kB in small batches, each written by the worker before the next (a busy machine would
  // otherwise hand it several at once, in fewer writes and fewer rolls).
  for (let batch = 0; batch < 40; batch++) {
    for (let i = 0; i < 4; i++) logger.info({ seq: seq++, padding }, 'rotating');
    await logging.forceFlush();
  }
  // Pruning runs in the worker after each roll: wait for it, bounded.
  const rolled = () => readdirSync(dir).filter((name) => /^app\.\d+\.log$/.test(name));
  await pollUntil(() => rolled().length <= 3, 5000, 50);
  await logging.shutdown();

  const files = rolled();
  const numbers = files.map((name) => Number(name.split('.')[1])).sort((a, b) => a - b);
  assert.ok(numbers.at(-1)! >= 10, `rolled many times: ${files.join(', ')}`);
  assert.ok(files.length >= 2 && files.length <= 3, `keep 2 + current: ${files.join(', ')}`);
  assert.equal(numbers.includes(1), false, 'the oldest files were pruned');

  // What is left is the newest lines, contiguous, ending with the last one written.
  const seqs = fileLines(dir).map((line) => line.seq as number);
  assert.equal(seqs.at(-1), seq - 1);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
});

test('a file output that keeps failing warns once per fault class while it retries, then comes back by itself', async (t) => {
  const warnings: string[] = [];
  // Straight to the test, without Beacon's 30 s rate limiter: the output itself must not repeat.
  diag.setLogger({ error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: () => undefined, debug: () => undefined, verbose: () => undefined }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  t.after(() => diag.disable());
  const dir = tempDir(t);
  // A directory where the log file should be: every attempt fails alike (EISDIR) until it is
  // gone, whenever the removal falls between or during the retries' opens.
  const blocker = join(dir, 'app.log');
  mkdirSync(blocker);
  const logging = await startLoggingFor(t, { outputs: ['file'], file: { path: join(dir, 'app.log'), size: null, frequency: null } });
  logger.info('while off');
  // Retries come after 1 s and 2 s more: measured over an interval, so no poll can stand in.
  await sleepAtLeast(3500);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /log output 'file' failed.*EISDIR/);
  rmSync(blocker, { recursive: true });
  // The next retry (4 s after the last) opens the file.
  assert.ok(await pollUntil(() => {
    logger.info({ seq: 1 }, 'after');
    return fileLines(dir).some((line) => line.msg === 'after');
  }, 10_000, 200), 'the output came back');
  await logging.shutdown();
  assert.equal(warnings.filter((line) => line.includes('failed')).length, 1, warnings.join('\n'));
});
