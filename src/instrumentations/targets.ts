/**
 * The modules instrumentations patch, by the names their loader hooks match ('express',
 * 'http', '@nestjs/core'): what the ESM loader hook must wrap, and nothing else.
 */
import type { Instrumentation, InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';

type WithDefinitions = Instrumentation & { getModuleDefinitions?(): InstrumentationModuleDefinition[] };

export function targetModules(instrumentations: readonly Instrumentation[]): string[] {
  const definitions = instrumentations.flatMap((instrumentation) => (instrumentation as WithDefinitions).getModuleDefinitions?.() ?? []);
  return [...new Set(definitions.map(({ name }) => name))];
}
