/**
 * Collected metrics → the Prometheus text exposition format (0.0.4), for the scrape path. It
 * writes the names names.ts gave the metrics and decides none.
 *
 * Same output as upstream's PrometheusSerializer with Beacon's options (target_info kept, no
 * otel_scope_* labels) given the same renamed metrics, byte for byte
 * (test/prometheus-text.test.ts compares the two), but cheaper: upstream sanitises and escapes
 * every label of a data point again on every line it writes — count, sum and each bucket — so
 * a histogram costs buckets × labels regex passes.
 * Here a data point's label set is rendered once, label names are sanitised once per scrape,
 * bucket bounds once per metric, and values are escaped only when they need it.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { DataPointType, type DataPoint, type Histogram, type MetricData } from '../../otel/sdk-metrics.cjs';
import { warn } from '../../diagnostics.js';
import { type PrometheusMetrics, sanitize } from './names.js';

type PrometheusType = 'counter' | 'gauge' | 'histogram' | 'untyped';

interface Family {
  help: string;
  readonly type: PrometheusType;
  readonly metrics: MetricData[];
  /** Set when two metrics of different types share the name: the name is dropped. */
  dropped: boolean;
}

const NO_METRICS = '# no registered metrics';

export interface PreparedText {
  /** A lower bound of the text's size in bytes, known before any of it is written. */
  readonly minimumBytes: number;
  pieces(): Generator<string, void, undefined>;
}

export class PrometheusText {
  private readonly labelNames = new Map<string, string>();
  /** Conflicts warned about on the previous scrape: each is reported once, not every 15 s. */
  private warnedConflicts = new Set<string>();

  serialize(resourceMetrics: PrometheusMetrics): string {
    let text = '';
    for (const piece of this.prepare(resourceMetrics).pieces()) text += piece;
    return text;
  }

  /** The text to come: its size's lower bound now, its pieces when asked. */
  prepare(resourceMetrics: PrometheusMetrics): PreparedText {
    const families = this.families(resourceMetrics);
    return { minimumBytes: this.minimumBytes(families), pieces: () => this.pieces(resourceMetrics, families) };
  }

  /**
   * The text in pieces of at most one data point's lines (a histogram series is ~1.7 KB), so
   * that a caller can encode a large scrape in slices and let the app's event loop run
   * between them (scrape-body.ts).
   */
  private *pieces(resourceMetrics: PrometheusMetrics, families: Map<string, Family>): Generator<string, void, undefined> {
    yield `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info${this.labels(resourceMetrics.resource.attributes)} 1\n`;
    let empty = true;
    for (const [name, family] of families) {
      if (family.dropped) continue;
      let header = `# HELP ${name} ${escapeText(family.help || 'description missing')}\n# TYPE ${name} ${family.type}\n`;
      for (const metric of family.metrics) {
        // The header goes out with the family's first metric (alone if that has no points).
        let text = header;
        header = '';
        for (const lines of this.dataPoints(name, metric)) {
          yield text + lines;
          text = '';
        }
        if (text) yield text;
        empty = false;
      }
    }
    if (empty) yield NO_METRICS;
  }

  /**
   * Every line of a data point holds at least the metric's name, the point's labels (escaping
   * only lengthens them; UTF-8 takes at least a byte per UTF-16 unit), a space, a one-character
   * value and a newline. Counted without writing a byte, so that a label leak far over the
   * size cap costs the scrape nothing but this count.
   */
  private minimumBytes(families: Map<string, Family>): number {
    let total = 0;
    for (const [name, family] of families) {
      if (family.dropped) continue;
      for (const metric of family.metrics) {
        for (const point of metric.dataPoints as DataPoint<unknown>[]) {
          total += linesOf(metric, point) * (name.length + this.labelsLength(point.attributes) + 3);
        }
      }
    }
    return total;
  }

  /** The length of `{a="x",b="y"}` before escaping; non-string values count as empty. */
  private labelsLength(attributes: Attributes): number {
    let length = 0;
    let count = 0;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = attributes[key];
      length += this.labelName(key).length + 3 + (typeof value === 'string' ? value.length : 0);
      count++;
    }
    return count === 0 ? 0 : length + count + 1; // commas between, braces around
  }

  private families(resourceMetrics: PrometheusMetrics): Map<string, Family> {
    const families = new Map<string, Family>();
    const conflicts = new Set<string>();
    for (const { metrics } of resourceMetrics.scopeMetrics) {
      for (const metric of metrics) {
        const { name } = metric.descriptor;
        const type = prometheusType(metric);
        const family = families.get(name);
        if (!family) {
          families.set(name, { help: metric.descriptor.description, type, metrics: [metric], dropped: false });
        } else if (family.dropped) {
          continue;
        } else if (family.type !== type) {
          this.conflict(conflicts, 'TYPE', name, family.type, type, undefined);
          family.dropped = true;
        } else {
          family.metrics.push(metric);
          family.help = this.mergedHelp(conflicts, name, family.help, metric.descriptor.description);
        }
      }
    }
    this.warnedConflicts = conflicts;
    return families;
  }

  /** The first non-empty HELP text wins; a different one later is reported. */
  private mergedHelp(conflicts: Set<string>, name: string, kept: string, next: string): string {
    if (!next) return kept;
    if (!kept) return next;
    if (kept !== next) this.conflict(conflicts, 'HELP', name, kept, next, kept);
    return kept;
  }

  private conflict(conflicts: Set<string>, kind: string, name: string, first: string, second: string, selected: string | undefined): void {
    const key = `${kind}:${name}:${selected ?? ''}`;
    if (conflicts.has(key)) return;
    conflicts.add(key);
    if (this.warnedConflicts.has(key)) return;
    const values = `${JSON.stringify(first)}, ${JSON.stringify(second)}`;
    warn(
      selected === undefined
        ? `metrics: conflicting ${kind} for "${name}": ${values}; the metric is left out of the Prometheus endpoint`
        : `metrics: conflicting ${kind} for "${name}": ${values}; serving ${JSON.stringify(selected)}`,
    );
  }

  /** The lines of each data point of the metric, one string per point. */
  private *dataPoints(name: string, metric: MetricData): Generator<string, void, undefined> {
    switch (metric.dataPointType) {
      case DataPointType.SUM:
      case DataPointType.GAUGE:
        for (const point of metric.dataPoints) yield `${name}${this.labels(point.attributes)} ${valueText(point.value)}\n`;
        return;
      case DataPointType.HISTOGRAM: {
        // The points of one stream share their boundaries array: render the `le` labels once.
        let boundaries: readonly number[] | undefined;
        let bounds: string[] = [];
        for (const point of metric.dataPoints) {
          if (point.value.buckets.boundaries !== boundaries) {
            boundaries = point.value.buckets.boundaries;
            bounds = boundaries.map((bound) => `le="${bound === Infinity ? '+Inf' : String(bound)}"`);
          }
          yield this.histogram(name, point, bounds);
        }
        return;
      }
      default:
        warn(`metrics: "${name}" is an exponential histogram, which the Prometheus text format cannot carry; it is left out`);
    }
  }

  /** `bounds[i]` is the rendered `le` label of `boundaries[i]`; the bucket past the last is +Inf. */
  private histogram(name: string, point: DataPoint<Histogram>, bounds: readonly string[]): string {
    const { count, sum, buckets } = point.value;
    const labels = this.labelList(point.attributes);
    const braced = labels ? `{${labels}}` : '';
    const bucketPrefix = `${name}_bucket{${labels ? `${labels},` : ''}`;
    let text = `${name}_count${braced} ${valueText(count)}\n`;
    if (sum !== undefined) text += `${name}_sum${braced} ${valueText(sum)}\n`;
    let cumulative = 0;
    for (let i = 0; i < buckets.counts.length; i++) {
      cumulative += buckets.counts[i]!;
      text += `${bucketPrefix}${bounds[i] ?? 'le="+Inf"'}} ${cumulative}\n`;
      if (buckets.boundaries[i] === Infinity) break; // an explicit +Inf bound ends the list
    }
    return text;
  }

  private labels(attributes: Attributes): string {
    const list = this.labelList(attributes);
    return list ? `{${list}}` : '';
  }

  private labelList(attributes: Attributes): string {
    let list = '';
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      list += `${list ? ',' : ''}${this.labelName(key)}="${labelValue(attributes[key])}"`;
    }
    return list;
  }

  private labelName(key: string): string {
    let name = this.labelNames.get(key);
    if (name === undefined) {
      name = sanitize(key);
      this.labelNames.set(key, name);
    }
    return name;
  }
}

/** Lines `dataPoints()` writes for the point: one, or count, sum and buckets up to +Inf; none for what it leaves out. */
function linesOf(metric: MetricData, point: DataPoint<unknown>): number {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
    case DataPointType.GAUGE:
      return 1;
    case DataPointType.HISTOGRAM: {
      const { sum, buckets } = point.value as Histogram;
      const infinity = buckets.boundaries.indexOf(Infinity);
      return 1 + (sum === undefined ? 0 : 1) + (infinity < 0 ? buckets.counts.length : Math.min(buckets.counts.length, infinity + 1));
    }
    default:
      return 0;
  }
}

function prometheusType(metric: MetricData): PrometheusType {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return 'untyped';
  }
}

function escapeText(text: string): string {
  return /[\\\n]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : text;
}

/** Non-string attribute values are written as JSON, as upstream does. */
function labelValue(value: AttributeValue | undefined): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return /[\\\n"]/.test(text) ? escapeText(text).replace(/"/g, '\\"') : text;
}

function valueText(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
