/**
 * OTEL_CONFIG_FILE: the OpenTelemetry declarative configuration file, read with the official
 * parser (@opentelemetry/configuration: YAML, `${VAR:-default}` substitution, file_format
 * and schema validation), mapped onto the monitoring config (./declarative-map.ts) and
 * checked by the config's own schema. The parser is loaded only when the variable is set.
 *
 * The parser's one entry point reads OTEL_CONFIG_FILE and the substituted variables from
 * process.env, so the file is read only where the environment given is the process's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { BeaconConfigError, ErrorCodes } from '../errors.js';
import { type MappedModel, mapDeclarativeModel } from './declarative-map.js';
import type { Env } from './env.js';
import { type DeclarativeLayer, originOf } from './resolve.js';
import { configSchema } from './schema.js';

/** The layer of the file OTEL_CONFIG_FILE names, or undefined when the variable is not set. */
export function readDeclarativeFile(env: Env): DeclarativeLayer | undefined {
  const setting = env.OTEL_CONFIG_FILE?.trim();
  if (!setting) return undefined;
  const file = resolve(setting);
  if (process.env.OTEL_CONFIG_FILE !== env.OTEL_CONFIG_FILE) {
    throw new BeaconConfigError(ErrorCodes.CONFIG_FILE, '', `OTEL_CONFIG_FILE=${setting}: set it in the process environment (the parser reads it and the variables it substitutes there)`);
  }
  if (!existsSync(file)) throw new BeaconConfigError(ErrorCodes.CONFIG_FILE, '', `OTEL_CONFIG_FILE=${setting}: no such file (${file})`);

  let parser: typeof import('@opentelemetry/configuration');
  let model: ReturnType<ReturnType<typeof parser.createConfigFactory>['getConfigModel']>;
  try {
    // Loaded here only: an app without the variable never loads the parser nor its schema validator.
    parser = createRequire(import.meta.url)('@opentelemetry/configuration') as typeof parser;
    model = parser.createConfigFactory().getConfigModel();
  } catch (error) {
    throw new BeaconConfigError(ErrorCodes.CONFIG_FILE, '', `OTEL_CONFIG_FILE=${setting}: ${(error as Error).message}`, { cause: error });
  }
  return layerOf(mapDeclarativeModel(model, parser, file), file, substitutedNames(readFileSync(file, 'utf8')));
}

/** Checks the mapped settings with the config's schema; a bad value is reported at its YAML path. */
function layerOf({ options, origins, disabled, envRead }: MappedModel, file: string, substituted: ReadonlySet<string>): DeclarativeLayer {
  let values: Record<string, unknown>;
  try {
    values = configSchema(options, '') as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof BeaconConfigError)) throw error;
    const yamlPath = originOf(error.field, origins);
    throw new BeaconConfigError(error.code, yamlPath ?? error.field, `${error.message} (OTEL_CONFIG_FILE ${file})`, { cause: error });
  }
  const allOrigins = new Map(origins);
  if (disabled) allOrigins.set('enabled', 'disabled');
  return { file, values, overrides: disabled ? { enabled: false } : {}, origins: allOrigins, substituted, envRead };
}

/** `${NAME}`, `${NAME:-default}`, `${env:NAME}`: the substitution syntax the parser reads. */
function substitutedNames(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!));
}
