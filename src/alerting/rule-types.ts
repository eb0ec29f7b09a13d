/** One entry of a Prometheus rule group, keys in the order Prometheus documents them. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (AlertingRule | RecordingRule)[];
}
