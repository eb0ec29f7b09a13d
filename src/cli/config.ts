/**
 * `beacon-otel config`: the resolved config, every value with its source, secrets masked —
 * JSON, or YAML with --yaml. What the config resolver warned about goes to stderr, so that
 * stdout stays a document a program can read.
 */
import { describeConfig } from '../config/describe.js';
import type { LoadedConfig } from './load.js';

export async function showConfig({ file, otelConfigFile, config, sources, warnings }: LoadedConfig, yaml: boolean): Promise<number> {
  for (const line of warnings) console.error(`[beacon] ${line}`);
  const values = Object.fromEntries(describeConfig(config, sources).map(({ path, value, source }) => [path, { value, source }]));
  const document = { file, otelConfigFile, values };
  // The YAML writer loads only for --yaml.
  process.stdout.write(yaml ? (await import('yaml')).stringify(document) : `${JSON.stringify(document, null, 2)}\n`);
  return 0;
}
