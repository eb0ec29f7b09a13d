/** The queries of the generated dashboard: every one on the `$service` and `$instance` variables Grafana fills in. */
import { selector } from './promql.js';

export const FILTER = 'job=~"$service", instance=~"$instance"';

/** A series of the dashboard's service and instances. */
export const series = (name: string, ...matchers: string[]) => selector(name, FILTER, ...matchers);

export const rate = (name: string, ...matchers: string[]) => `rate(${series(name, ...matchers)}[$__rate_interval])`;
