/**
 * The fields Beacon writes on every line (level, time, message, service, host and process,
 * trace context), per format. A logged object or child binding cannot override them: a
 * colliding key is moved aside to `logged_<key>` (nothing is lost, no key appears twice in
 * a line, and the OTLP output reads the real level).
 */
import type { ResolvedConfig } from '../config/types.js';

type Logging = ResolvedConfig['logging'];

/**
* How a top-level key relates to Beacon's fields: `true`, it is one of them; a set, it is an
 * ECS namespace (`log`, `trace`, …) whose listed members are (`{ log: { level } }` would
 * sit beside `log.level`); absent, the key is the app's.
 */
export type ReservedRule = true | ReadonlySet<string>;

export interface ReservedFields {
  /** The rule for a top-level key of a logged object (one Map lookup). */
  line(key: string): ReservedRule | undefined;
  /** The same for child bindings, where the message key is reserved too. */
  bindings(key: string): ReservedRule | undefined;
}

export const ASIDE_PREFIX = 'logged_';

/** The name a colliding key moves to: `logged_<key>`, prefixed again while that is taken too. */
export function asideKey(key: string, taken: (name: string) => boolean): string {
  let name = ASIDE_PREFIX + key;
  while (taken(name)) name = ASIDE_PREFIX + name;
  return name;
}

/** ECS: what `@elastic/ecs-pino-format` and Beacon write, dotted and as nested objects. */
const ECS_FIELDS = ['@timestamp', 'log.level', 'trace.id', 'span.id', 'process.pid', 'host.hostname', 'ecs.version', 'event.dataset'];
/** The whole `service.*` namespace is Beacon's in ECS (name, version, environment, node). */
const ECS_OWNED_NAMESPACE = 'service';

export function reservedFields(logging: Logging, messageKey: string): ReservedFields {
  const rules = new Map<string, ReservedRule>();
  if (logging.format === 'ecs') {
    const members = new Map<string, Set<string>>();
    for (const field of ECS_FIELDS) {
      rules.set(field, true);
      const dot = field.indexOf('.');
      if (dot > 0) members.set(field.slice(0, dot), (members.get(field.slice(0, dot)) ?? new Set()).add(field.slice(dot + 1)));
    }
    for (const [namespace, names] of members) rules.set(namespace, names);
    rules.set(ECS_OWNED_NAMESPACE, true);
  } else {
    const { traceId, spanId, traceFlags } = logging.fields;
    for (const field of ['level', 'time', 'service', 'version', 'environment', 'hostname', 'pid', traceId, spanId, traceFlags]) rules.set(field, true);
  }
  // A fixed 8-character comparison, cheaper than a second lookup; 'structured' skips it.
  const ownedPrefix = logging.format === 'ecs' ? `${ECS_OWNED_NAMESPACE}.` : null;
  const line = (key: string): ReservedRule | undefined =>
    rules.get(key) ?? (ownedPrefix !== null && key.startsWith(ownedPrefix) ? true : undefined);
  return { line, bindings: (key) => (key === messageKey ? true : line(key)) };
}
