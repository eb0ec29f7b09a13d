/**
 * Grafana panel JSON (schema 39) for the generated dashboard: rows, stats, time series and
 * tables on Prometheus queries, laid out left to right on the 24-column grid. Written by
 * hand: Grafana's own builders (the Foundation SDK) are a large dependency for a few shapes.
 */
export type Json = Record<string, unknown>;

const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

export interface Target {
  expr: string;
  legend: string;
}

export interface Link {
  title: string;
  url: string;
}

interface PanelOptions {
  title: string;
  description: string;
  unit: string;
  /** Grid columns (of 24); 12 unless said. */
  width?: number;
}

/** A panel before layout: its size, without id and position. */
export interface Draft {
  panel: Json;
  width: number;
  height: number;
}

function targets(list: readonly Target[]): Json[] {
  return list.map(({ expr, legend }, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr, legendFormat: legend, range: true }));
}

export function row(title: string): Draft {
  return { panel: { type: 'row', title, collapsed: false, panels: [] }, width: 24, height: 1 };
}

/** `base` colour (green) up to the first step's value, then each step's colour. */
export function stat(options: PanelOptions & { target: Target; base?: string; steps?: readonly [string, number][]; decimals?: number }): Draft {
  const steps = [{ color: options.base ?? 'green', value: null }, ...(options.steps ?? []).map(([color, value]) => ({ color, value }))];
  return {
    panel: {
      type: 'stat',
      title: options.title,
      datasource: DATASOURCE,
      description: options.description,
      targets: targets([options.target]),
      options: {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'value',
        graphMode: 'area',
        textMode: 'value',
        justifyMode: 'auto',
        orientation: 'auto',
      },
      fieldConfig: {
        defaults: { unit: options.unit, color: { mode: 'thresholds' }, thresholds: { mode: 'absolute', steps }, ...(options.decimals === undefined ? {} : { decimals: options.decimals }) },
        overrides: [],
      },
    },
    width: options.width ?? 4,
    height: 4,
  };
}

export function timeseries(options: PanelOptions & { targets: readonly Target[]; stacked?: boolean; links?: readonly Link[]; seriesLinks?: readonly Link[] }): Draft {
  return {
    panel: {
      type: 'timeseries',
      title: options.title,
      datasource: DATASOURCE,
      description: options.description,
      targets: targets(options.targets),
      options: {
        legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'], showLegend: true },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
      fieldConfig: {
        defaults: {
          unit: options.unit,
          custom: {
            drawStyle: 'line',
            lineWidth: 1,
            fillOpacity: 10,
            showPoints: 'never',
            spanNulls: true,
            stacking: { mode: options.stacked ? 'normal' : 'none', group: 'A' },
          },
          ...(options.seriesLinks ? { links: options.seriesLinks.map((link) => ({ ...link, targetBlank: true })) } : {}),
        },
        overrides: [],
      },
      ...(options.links ? { links: options.links.map((link) => ({ ...link, targetBlank: true })) } : {}),
    },
    width: options.width ?? 12,
    height: 8,
  };
}

/** One row per series of an instant query, largest value first. */
export function table(options: PanelOptions & { expr: string }): Draft {
  return {
    panel: {
      type: 'table',
      title: options.title,
      datasource: DATASOURCE,
      description: options.description,
      targets: [{ refId: 'A', datasource: DATASOURCE, expr: options.expr, legendFormat: '__auto', range: false, format: 'table', instant: true }],
      transformations: [{ id: 'merge', options: {} }, { id: 'organize', options: { excludeByName: { Time: true } } }],
      options: { showHeader: true, sortBy: [{ displayName: 'Value #A', desc: true }] },
      fieldConfig: { defaults: { unit: options.unit }, overrides: [] },
    },
    width: options.width ?? 12,
    height: 8,
  };
}

/** Ids 1, 2, … and grid positions: panels fill a line left to right, a row starts a new line. */
export function layout(drafts: readonly Draft[]): Json[] {
  let [x, y, lineHeight] = [0, 0, 0];
  return drafts.map(({ panel, width, height }, i) => {
    if (x + width > 24 || panel.type === 'row') [x, y, lineHeight] = [0, y + lineHeight, 0];
    const placed = { ...panel, id: i + 1, gridPos: { h: height, w: width, x, y } };
    x += width;
    lineHeight = Math.max(lineHeight, height);
    return placed;
  });
}
