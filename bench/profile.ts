/**
 * `npm run bench:profile`: where the time of a request goes. Runs a bench app bare (also with
 * the app's own log line), under the upstream register and under Beacon (traces only, and with
 * all its signals), puts load on it, and profiles only the measured window with V8's sampling
 * profiler (profile-hook.cjs). Each component's share of the busy JavaScript samples, times
 * the app's user CPU time per request served, gives its CPU µs per request; the kernel's
 * (system) time per request is a row of its own; medians of the rounds. The app's own work
 * and Node's HTTP stack are shown too so that the agents' share can be read against them.
 *
 *   npm run bench:profile -- --app express-param.cjs --ratio 0.1 --rounds 3 --seconds 4
 *
 * `--baseline dist/register.js` of another build (a worktree of the commit before a change, with
 * node_modules linked) adds Beacon from that build to the same rounds: a change's effect
 * measured against noise that both sides share.
 *
 * `--save DIR` also writes each run's profile there (open in Chrome DevTools or speedscope to
 * see inclusive time: the self-time table charges Node's own functions to Node).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanEnv, repoRoot } from '../test/helpers/app.js';
import { firstMessage, killChild } from './child.js';
import { installPeers } from './peers.js';
import { BENCH_APPS, type RequestVariant, cpuUsageOf, requestVariants, startLoader, WARM_UP, warmUp } from './requests.js';
import { startSink } from './sink.js';
import { median } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Components, first match wins, on the frame's script URL (or function name for natives). */
const COMPONENTS: [string, RegExp][] = [
  ['HTTP instrumentation', /instrumentation-http\//],
  ['express instrumentation', /instrumentation-express\//],
  ['sampler', /[Ss]ampler|dist\/src\/tracing\/sampler/],
  ['export (batching, encoding, sending)', /otlp-transformer|otlp-exporter-base|protobufjs|Batch|dist\/src\/export\//],
  ['context', /context-async-hooks|api\/dist\/.*context|async_local_storage|async_context_frame|async_hooks|dist\/src\/tracing\/context-manager/],
  ['spans and attributes', /sdk-trace|@opentelemetry\/core|semantic-conventions|@opentelemetry\/api\//],
  ["Beacon's own listeners and processors", /dist\/src\//],
  ['metrics SDK', /sdk-metrics|exporter-prometheus/],
  ['logging (pino)', /pino|sonic-boom|thread-stream/],
  ['peer agent', /dd-trace|@datadog|@elastic/],
  ['the app and express', /bench\/apps\/|node_modules\/(express|router|body-parser|finalhandler|send|path-to-regexp|serve-static|accepts|type-is|content-type|etag|fresh|qs)\//],
  ['garbage collector', /^\(garbage collector\)$/],
  ['idle', /^\(idle\)$/],
];
const NODE = "Node.js (HTTP, streams, sockets) and the rest";
/**
 * Socket writes and the like: native frames that are system calls. The profiler samples wall
 * time, and a process descheduled in a loopback write keeps sampling it (that frame alone held
 * 65 % of the samples of every agent, bare included), so these samples are left out of the
 * shares and the kernel's time is its own row, from the process's system CPU time.
 */
const SYSTEM_CALLS = /^(writev|write(Utf8|Latin1|Ascii|Ucs2)String|writeBuffer|shutdown|close|readStart|readStop)$/;
const KERNEL = 'system calls (kernel CPU time)';

function componentOf(node: ProfileNode): string {
  if (!node.callFrame.url && SYSTEM_CALLS.test(node.callFrame.functionName)) return KERNEL;
  const where = node.callFrame.url || node.callFrame.functionName;
  return COMPONENTS.find(([, pattern]) => pattern.test(where))?.[0] ?? NODE;
}

function selfTimeByComponent(profile: CpuProfile): Map<string, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const component = componentOf(nodes.get(id)!);
    micros.set(component, (micros.get(component) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return micros;
}

async function profileOnce(appFile: string, path: string, variant: RequestVariant, seconds: number, saveAs?: string): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ['--require', join(repoRoot, 'bench', 'profile-hook.cjs'), ...variant.args, join(repoRoot, 'bench', 'apps', appFile)], {
    cwd: repoRoot,
    env: cleanEnv(variant.env),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let loader: Awaited<ReturnType<typeof startLoader>> | undefined;
  try {
    const { port } = await firstMessage<{ port: number }>(child, `${appFile} under ${variant.name}`, 30_000);
    const url = `http://127.0.0.1:${port}${path}`;
    loader = await startLoader();
    await warmUp(loader, url, { warmupRequests: WARM_UP.requests, warmupSeconds: WARM_UP.maxSeconds, connections: 10 });
    const cpuBefore = await cpuUsageOf(child);
    child.send('profile-start');
    const { requests } = await loader.load({ url, seconds, connections: 10 });
    child.send('profile-stop');
    const { profile } = await firstMessage<{ profile: CpuProfile | null }>(child, 'the profile', 30_000);
    const cpuAfter = await cpuUsageOf(child);
    if (!profile) throw new Error(`no profile from ${variant.name}`);
    if (saveAs) writeFileSync(saveAs, JSON.stringify(profile));
    // Samples measure wall time: on a shared machine a descheduled process keeps sampling the
    // frame it was in. The shares of the busy samples, times the process's user CPU time, are not.
    const micros = selfTimeByComponent(profile);
    micros.delete('idle');
    micros.delete(KERNEL);
    const busy = [...micros.values()].reduce((sum, value) => sum + value, 0);
    const userPerRequest = (cpuAfter.user - cpuBefore.user) / requests;
    const shares = new Map([...micros].map(([component, value]) => [component, (value / busy) * userPerRequest]));
    return shares.set(KERNEL, (cpuAfter.system - cpuBefore.system) / requests);
  } finally {
    await Promise.all([killChild(child), loader?.stop()]);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      app: { type: 'string', default: 'express-param.cjs' },
      ratio: { type: 'string', default: '0.1' },
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '4' },
      save: { type: 'string' },
      baseline: { type: 'string' },
    },
  });
  installPeers();
  const app = BENCH_APPS.find((candidate) => candidate.file === values.app);
  if (!app) throw new Error(`--app: one of ${BENCH_APPS.map((candidate) => candidate.file).join(', ')}`);
  const ratio = Number(values.ratio);
  const rounds = Math.min(20, Number(values.rounds));
  const seconds = Math.min(30, Number(values.seconds));
  if (values.save) mkdirSync(values.save, { recursive: true });
  const sink = await startSink();
  const variants = requestVariants(sink.url).filter(
    (variant) => !variant.agent || ((variant.agent === 'Beacon' || variant.agent === 'upstream register') && (variant.ratio === ratio || variant.allSignals)),
  );
  const beacon = variants.find((variant) => variant.agent === 'Beacon' && !variant.allSignals)!;
  if (values.baseline) variants.push({ ...beacon, name: `Beacon baseline, traces ${ratio}`, args: ['--import', resolve(values.baseline)] });
  const samples = variants.map(() => [] as Map<string, number>[]);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const k = (i + round) % variants.length;
      const saveAs = values.save && join(values.save, `${app.file.replace(/\.cjs$/, '')}-${variants[k]!.name.replace(/[^\w.]+/g, '-')}-${round + 1}.cpuprofile`);
      samples[k]!.push(await profileOnce(app.file, app.path, variants[k]!, seconds, saveAs));
    }
  }
  sink.close();
  const components = [...COMPONENTS.map(([name]) => name).filter((name) => name !== 'idle'), NODE, KERNEL];
  const cell = (k: number, component: string) => median(samples[k]!.map((sample) => sample.get(component) ?? 0));
  const busy = (k: number) => median(samples[k]!.map((sample) => [...sample.values()].reduce((sum, micros) => sum + micros, 0)));
  console.log(`CPU µs per request by component, ${app.name}, sampler ${ratio} (medians of ${rounds} rounds, ${seconds} s profiled each)\n`);
  console.log(`| component | ${variants.map((variant) => variant.name).join(' | ')} |`);
  console.log(`|---|${variants.map(() => '---:').join('|')}|`);
  for (const component of components) {
    const row = variants.map((_, k) => cell(k, component));
    if (row.every((micros) => micros < 0.05)) continue;
    console.log(`| ${component} | ${row.map((micros) => micros.toFixed(1)).join(' | ')} |`);
  }
  console.log(`| **busy, total** | ${variants.map((_, k) => `**${busy(k).toFixed(1)}**`).join(' | ')} |`);
}

await main();
