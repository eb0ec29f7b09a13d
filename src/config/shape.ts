/**
 * The config's shape is written in three places that each do a job the others cannot: the
 * public types (./types.ts, what users read in their editor, with the docs), the schema
 * (./schema.ts, which checks unknown values at run time and normalises shorthands) and the
 * defaults (./defaults.ts, typed as the resolved shape, so a missing or extra default fails
 * there). Deriving the types from the schema would hand users unreadable types and lose the
 * docs; so instead the checks below tie them: `tsc` fails, naming the field, when one of them
 * gains, loses or retypes a field the others do not. This file holds only types.
 */
import type { DeprecatedPath } from './deprecated.js';
import type { CheckedConfig } from './schema.js';
import type { BeaconConfig, CheckedLogOutput, DiagLevelName, LogLevel, MutableResolvedConfig, ResolvedAlertRule, SamplerOptions, UnresolvedConfig } from './types.js';

/** Dotted field paths of a config shape. Arrays end a path; a record's keys are free. */
type Paths<T> = T extends readonly unknown[]
  ? never
  : T extends object
    ? string extends keyof T
      ? string
      : { [K in keyof T & string]-?: K | `${K}.${Paths<NonNullable<T[K]>>}` }[keyof T & string]
    : never;

/** A field of the resolved config, e.g. 'tracing.otlp.endpoint' or 'instrumentations.pg': what env.ts may set. */
export type FieldPath = Paths<MutableResolvedConfig>;

/** Compiles only when nothing is left; the error names what is. */
type None<T extends never> = T;
/** Compiles only when A is assignable to B; the error names the field that is not. */
type Fits<A extends B, B> = A;

type DeepPartial<T> = T extends readonly (infer E)[] ? DeepPartial<E>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What users write, with the shorthands and level names in the form the schema normalises them to. */
type Normalised = Omit<BeaconConfig, 'tracing' | 'logging' | 'diagnostics' | 'alerts'> & {
  tracing?: Omit<NonNullable<BeaconConfig['tracing']>, 'sampler'> & { sampler?: SamplerOptions };
  logging?: Omit<NonNullable<BeaconConfig['logging']>, 'outputs' | 'level'> & { level?: LogLevel; outputs?: CheckedLogOutput[] };
  diagnostics?: Omit<NonNullable<BeaconConfig['diagnostics']>, 'level'> & { level?: DiagLevelName };
  alerts?: Omit<NonNullable<BeaconConfig['alerts']>, 'rules'> & { rules?: ResolvedAlertRule[] };
};

// The schema checks exactly the fields users can write…
type SchemaFieldsTyped = None<Exclude<Paths<CheckedConfig>, Paths<BeaconConfig>>>;
type TypedFieldsChecked = None<Exclude<Paths<BeaconConfig>, Paths<CheckedConfig>>>;
// …each of them, the deprecated keys aside, is a resolved field (with a default), and back.
type CheckedFieldsResolved = None<Exclude<Paths<CheckedConfig>, FieldPath | DeprecatedPath | `${DeprecatedPath}.${string}`>>;
type ResolvedFieldsChecked = None<Exclude<FieldPath, Paths<CheckedConfig>>>;
// What the schema lets through is typed for users, and what users may write passes it…
type CheckedValuesTyped = Fits<CheckedConfig, BeaconConfig>;
type TypedValuesChecked = Fits<Normalised, CheckedConfig>;
// …and fits the defaults' shape, which resolve.ts merges it into.
type CheckedValuesResolve = Fits<CheckedConfig, DeepPartial<UnresolvedConfig>>;
