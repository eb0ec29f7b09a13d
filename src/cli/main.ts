#!/usr/bin/env node
/**
 * `npx beacon-otel <command>`, run in the app's directory: checks and shows the monitoring
 * config the register entry would load there, and writes the Prometheus rules and Grafana
 * dashboard it asks for, without starting Beacon (no SDK, no exporter, no server).
 */
import { showConfig } from './config.js';
import { doctor } from './doctor.js';
import { GENERATORS, generate } from './generate.js';
import { loadConfig } from './load.js';

const USAGE = `usage: beacon-otel <command> [option]

Run it in the app's directory: the config is found as --import beacon-otel/register finds it
(BEACON_CONFIG, else monitoring.config.{ts,mts,js,mjs,json}) and the environment applies.

commands:
  doctor [--json]     check Node.js, the config, each OTLP endpoint, the metrics port and the
                      instrumentations; exit status 1 with one line per problem
  config [--yaml]     print the resolved config, the source of every value, secrets masked (JSON)
  rules [-o FILE]     write the Prometheus rules of the config: the alerts, the SLO recording
                      rules and burn-rate alerts (YAML, to stdout unless -o)
  dashboard [-o FILE] write the Grafana dashboard of the service (JSON, to stdout unless -o)
  help                print this text

An invalid config stops every command with its message and exit status 78.
`;

/** Each command with the one flag it takes. */
const FLAGGED: Record<string, { option: string; run: typeof doctor }> = {
  doctor: { option: '--json', run: doctor },
  config: { option: '--yaml', run: showConfig },
};

function usageError(problem: string): void {
  process.stderr.write(`beacon-otel: ${problem}\n${USAGE}`);
  process.exitCode = 2;
}

const [name, ...options] = process.argv.slice(2);
if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
  process.stdout.write(USAGE);
} else if (name in GENERATORS) {
  const [flag, output, ...rest] = options;
  const unknown = flag !== undefined && flag !== '-o' ? flag : rest[0];
  if (unknown !== undefined) usageError(`unknown option ${unknown}`);
  else if (flag !== undefined && output === undefined) usageError('-o needs a FILE');
  // Set, not process.exit(): stdout may still be draining into a pipe.
  else process.exitCode = generate(name as keyof typeof GENERATORS, await loadConfig(), output);
} else {
  const command = FLAGGED[name];
  if (!command) usageError(`unknown command ${name}`);
  else if (options.some((option) => option !== command.option)) usageError(`unknown option ${options.find((option) => option !== command.option)}`);
  else process.exitCode = await command.run(await loadConfig(), options.includes(command.option));
}
