/**
 * `beacon-otel doctor`: whether Beacon would start well here, checked without starting it —
 * the Node.js version and loader, the config, each OTLP endpoint in use, the metrics port,
 * and which instrumentations the app's installed packages call for. One line per check;
 * exit status 1 when any check fails, so that a deploy script can stop on it.
 */
import nodeModule from 'node:module';
import { createServer } from 'node:net';
import { type DescribedValue, describeConfig } from '../config/describe.js';
import { type OtlpOutput, grpcSignals, otlpOutputs } from '../config/otlp-outputs.js';
import { plainCredentialWarnings } from '../config/plain-credentials.js';
import type { ResolvedConfig } from '../config/types.js';
import { probeEndpoint } from '../export/endpoint-probe.js';
import { requireGrpcExporters } from '../export/grpc-packages.js';
import { type SkippedInstrumentation, planInstrumentations } from '../instrumentations/plan.js';
import { esmLoader } from '../sdk/esm-hook.js';
import { secretMatcher } from '../secrets.js';
import { BEACON_VERSION, NODE_ENGINES } from '../version.js';
import type { LoadedConfig } from './load.js';

/** 'warn' is said but does not fail the run. */
type Status = 'ok' | 'warn' | 'fail';

interface Check {
  name: string;
  status: Status;
  detail: string;
}

interface Report {
  ok: boolean;
  checks: Check[];
  warnings: string[];
  configFile: string | null;
  values: DescribedValue[];
  /** null when Beacon is switched off. */
  instrumentations: { applied: string[]; skipped: SkippedInstrumentation[] } | null;
}

export async function doctor({ file, otelConfigFile, config, sources, warnings }: LoadedConfig, json: boolean): Promise<number> {
  const declarative = otelConfigFile ? `, with OTEL_CONFIG_FILE ${otelConfigFile},` : '';
  const checks = [nodeCheck(), loaderCheck(), typescriptCheck(), { name: 'config', status: 'ok' as const, detail: `${file ?? 'no file (defaults + environment)'}${declarative} is valid` }];
  if (config.enabled) {
    const redactUrl = secretMatcher(config.privacy.secretKeys).redactUrl;
    checks.push(...grpcExportersCheck(config));
    checks.push(...(await Promise.all([...otlpOutputs(config).map((output) => endpointCheck(output, redactUrl)), ...metricsPortCheck(config)])));
  } else {
    checks.push({ name: 'enabled', status: 'warn', detail: `Beacon is off (enabled: false ← ${sources.get('enabled')}): no endpoint or port checked` });
  }
  const plan = config.enabled ? planInstrumentations(config, [process.cwd()]) : null;
  const report: Report = {
    ok: checks.every(({ status }) => status !== 'fail'),
    checks,
    warnings: [...warnings, ...plainCredentialWarnings(config)],
    configFile: file,
    values: describeConfig(config, sources),
    instrumentations: plan && { applied: plan.apply.map(({ name }) => name), skipped: plan.skipped },
  };
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : text(report));
  return report.ok ? 0 : 1;
}

function text(report: Report): string {
  const mark = { ok: '✓', warn: '!', fail: '✗' } as const;
  const lines = [`beacon-otel ${BEACON_VERSION} doctor`];
  for (const { name, status, detail } of report.checks) {
    lines.push(`${mark[status]} ${name}: ${detail}`);
    // The values set on purpose (the rest are the documented defaults): `beacon-otel config` prints all.
    if (name === 'config') for (const { path, value, source } of report.values) if (source !== 'default') lines.push(`    ${path} = ${JSON.stringify(value)} ← ${source}`);
  }
  for (const line of report.warnings) lines.push(`! ${line}`);
  if (report.instrumentations) {
    lines.push(`instrumentations applied: ${report.instrumentations.applied.join(', ') || 'none'}`);
    lines.push(`instrumentations skipped: ${report.instrumentations.skipped.map(({ name, reason }) => `${name} (${reason})`).join(', ') || 'none'}`);
  }
  const problems = report.checks.filter(({ status }) => status === 'fail').length;
  lines.push(problems === 0 ? 'no problems' : `${problems} problem${problems === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

/** engines.node is a lower bound (`>=x.y.z`). */
function nodeCheck(): Check {
  const [minimum, actual] = [NODE_ENGINES, process.versions.node].map((version) => (version.match(/\d+/g) ?? []).map(Number));
  const index = minimum!.findIndex((part, i) => part !== actual![i]);
  const supported = index === -1 || actual![index]! > minimum![index]!;
  return { name: 'node', status: supported ? 'ok' : 'fail', detail: `${process.version} ${supported ? 'satisfies' : 'does not satisfy'} engines ${NODE_ENGINES}` };
}

/** Without module.register the ESM loader hook cannot be installed, and ES module apps go uninstrumented. */
function loaderCheck(): Check {
  if (esmLoader === 'in-thread') return { name: 'loader', status: 'ok', detail: "module.registerHooks runs the ESM loader hook on the app's thread (ES module apps are instrumented)" };
  return typeof nodeModule.register === 'function'
    ? { name: 'loader', status: 'ok', detail: "module.register is present (ES module apps are instrumented; the hook runs on Node's hooks thread)" }
    : { name: 'loader', status: 'fail', detail: 'module.register is missing: ES module apps are not instrumented' };
}

/** Only a warning: a TypeScript config file on a Node.js that cannot load it already fails the config check. */
function typescriptCheck(): Check {
  return process.features.typescript
    ? { name: 'typescript', status: 'ok', detail: 'a monitoring.config.ts loads (process.features.typescript)' }
    : { name: 'typescript', status: 'warn', detail: `Node.js ${process.version} cannot load a monitoring.config.ts; use .mjs or .json` };
}

/** A signal sent over gRPC needs its exporter, an optional peer: without it the app would not start. Empty when nothing goes over gRPC. */
function grpcExportersCheck(config: ResolvedConfig): Check[] {
  const signals = grpcSignals(config);
  if (signals.length === 0) return [];
  try {
    requireGrpcExporters(signals);
    return [{ name: 'grpc exporters', status: 'ok', detail: `installed for ${signals.join(', ')}` }];
  } catch (error) {
    return [{ name: 'grpc exporters', status: 'fail', detail: (error as Error).message }];
  }
}

/** A TCP connect (and TLS handshake for https://): what both OTLP/HTTP and OTLP/gRPC need first. */
async function endpointCheck({ signal, target }: OtlpOutput, redactUrl: (url: string) => string): Promise<Check> {
  const problem = await probeEndpoint(target.endpoint, 1000);
  const endpoint = `${redactUrl(target.endpoint)}${target.protocol === 'grpc' ? ' [grpc]' : ''}`;
  return problem === null
    ? { name: `${signal} endpoint`, status: 'ok', detail: `${endpoint} answers` }
    : { name: `${signal} endpoint`, status: 'fail', detail: `${endpoint} does not answer (${problem})` };
}

/** Beacon's own metrics server: can it bind its host and port now? Empty when it does not run. */
function metricsPortCheck({ metrics }: ResolvedConfig): Promise<Check>[] {
  if (!metrics.enabled || !metrics.exporters.includes('prometheus') || !metrics.prometheus.server) return [];
  const { host, port } = metrics.prometheus;
  return [
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => {
        const why = error.code === 'EADDRINUSE' ? 'is in use (by another process, or by the app if it is running)' : `cannot be bound (${error.code ?? error.message})`;
        resolve({ name: 'metrics port', status: 'fail', detail: `${host}:${port} ${why}` });
      });
      server.listen({ host, port }, () => server.close(() => resolve({ name: 'metrics port', status: 'ok', detail: `${host}:${port} is free` })));
    }),
  ];
}
