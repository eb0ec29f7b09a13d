/**
 * Nothing logged before SIGTERM is lost: 10,000 lines written just before the signal all
 * reach the rotating file and the OTLP receiver, and the process still dies of SIGTERM.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { fileLines, tempDir } from './helpers/logging.js';
import { receiverFor } from './helpers/otlp-receiver.js';

const COUNT = 10_000;

// File alone too: with OTLP beside it, the OTLP flush alone gives the file worker time to drain.
for (const outputs of [['file', 'otlp'], ['file']] as ('file' | 'otlp')[][]) {
  test(`10,000 lines logged just before SIGTERM all arrive (${outputs.join(' + ')})`, async (t) => {
    const receiver = await receiverFor(t);
    const dir = tempDir(t);
    const app = await startApp(t, fixture('logging-app.mjs'), {
      receiver,
      config: {
        metrics: { enabled: false },
        tracing: { exporter: 'none' },
        logging: { outputs: [...outputs], file: { path: join(dir, 'app.log'), size: null, frequency: null } },
      },
    });
    const response = await get(`${app.url}/flood?count=${COUNT}`);
    assert.equal(response.status, 200);
    const killed = Date.now();
    const { code, signal } = await app.stop();
    t.diagnostic(`exited ${Date.now() - killed} ms after SIGTERM`);
    assert.deepEqual({ code, signal }, { code: null, signal: 'SIGTERM' }, `stderr: ${app.stderr()}`);

    const fromFile = fileLines(dir).filter((line) => line.tag === 'flood').map((line) => line.seq);
    assert.equal(fromFile.length, COUNT, 'every line is in the file');
    assert.deepEqual(fromFile, Array.from({ length: COUNT }, (_, i) => i), 'in order');

    if (!outputs.includes('otlp')) return;
    const fromOtlp = new Set(receiver.logs.filter((record) => record.attributes.tag === 'flood').map((record) => record.attributes.seq));
    assert.equal(fromOtlp.size, COUNT, `every record reached the receiver (${receiver.requests.length} requests)`);
  });
}
