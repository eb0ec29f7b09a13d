#!/usr/bin/env node
/**
 * `npx beacon-otel <command>`, run in the app's directory: checks and shows the monitoring
 * config the register entry would load there, without starting Beacon (no SDK, no exporter,
 * no server).
 */
import { showConfig } from './config.js';
import { doctor } from './doctor.js';
import { loadConfig } from './load.js';

const USAGE = `usage: beacon-otel <command> [option]

Run it in the app's directory: the config is found as --import beacon-otel/register finds it
(BEACON_CONFIG, else monitoring.config.{ts,mts,js,mjs,json}) and the environment applies.

commands:
  doctor [--json]  check Node.js, the config, each OTLP endpoint, the metrics port and the
                   instrumentations; exit status 1 with one line per problem
  config [--yaml]  print the resolved config, the source of every value, secrets masked (JSON)
  help             print this text

An invalid config stops either command with its message and exit status 78.
`;

/** Each command with the one option it takes. */
const COMMANDS: Record<string, { option: string; run: typeof doctor }> = {
  doctor: { option: '--json', run: doctor },
  config: { option: '--yaml', run: showConfig },
};

const [name, ...options] = process.argv.slice(2);
if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
  process.stdout.write(USAGE);
} else {
  const command = COMMANDS[name];
  if (!command || options.some((option) => option !== command.option)) {
    process.stderr.write(`beacon-otel: unknown ${command ? `option ${options.find((option) => option !== command.option)}` : `command ${name}`}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    // Set, not process.exit(): stdout may still be draining into a pipe.
    process.exitCode = await command.run(await loadConfig(), options.includes(command.option));
  }
}
