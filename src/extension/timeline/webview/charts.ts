import uPlot from 'uplot';
import type { MetricsChartData, MetricsSummary } from '../../../core';
import { formatMs, h, themeColor } from './dom';

// Lambda's CloudWatch metrics as small uPlot charts (canvas; bundled into the webview script,
// no CDN). One chart per metric, x = time (epoch seconds), refreshed with setData; colours are
// the theme's chart colours, re-read when the theme changes.

type Color = 'blue' | 'red' | 'orange' | 'yellow' | 'green' | 'purple';
type SeriesKey = Exclude<keyof MetricsChartData, 'functionName' | 'version' | 'bucketMs' | 't'>;

interface ChartSpec {
  id: string;
  title: string;
  series: Array<{ key: SeriesKey; label: string; color: Color }>;
  style: 'bars' | 'line' | 'step';
  unit: 'count' | 'ms' | 'percent';
  /** The title's number: the window's total, maximum or average. */
  headline: 'sum' | 'max' | 'avg';
}

export const CHARTS: ChartSpec[] = [
  {
    id: 'Invocations',
    title: 'Invocations',
    series: [{ key: 'Invocations', label: 'Invocations', color: 'blue' }],
    style: 'bars',
    unit: 'count',
    headline: 'sum',
  },
  { id: 'Errors', title: 'Errors', series: [{ key: 'Errors', label: 'Errors', color: 'red' }], style: 'bars', unit: 'count', headline: 'sum' },
  { id: 'Throttles', title: 'Throttles', series: [{ key: 'Throttles', label: 'Throttles', color: 'orange' }], style: 'bars', unit: 'count', headline: 'sum' },
  {
    id: 'Duration',
    title: 'Duration',
    series: [
      { key: 'DurationAvg', label: 'avg', color: 'blue' },
      { key: 'DurationP99', label: 'p99', color: 'purple' },
    ],
    style: 'line',
    unit: 'ms',
    headline: 'max',
  },
  {
    id: 'ConcurrentExecutions',
    title: 'ConcurrentExecutions',
    series: [{ key: 'ConcurrentExecutions', label: 'max', color: 'green' }],
    style: 'step',
    unit: 'count',
    headline: 'max',
  },
  {
    id: 'ProvisionedConcurrencyUtilization',
    title: 'ProvisionedConcurrencyUtilization',
    series: [{ key: 'ProvisionedConcurrencyUtilization', label: 'max', color: 'purple' }],
    style: 'step',
    unit: 'percent',
    headline: 'max',
  },
  { id: 'IteratorAge', title: 'IteratorAge', series: [{ key: 'IteratorAge', label: 'max', color: 'yellow' }], style: 'line', unit: 'ms', headline: 'max' },
  {
    id: 'AsyncEventsReceived',
    title: 'AsyncEventsReceived',
    series: [{ key: 'AsyncEventsReceived', label: 'received', color: 'blue' }],
    style: 'bars',
    unit: 'count',
    headline: 'sum',
  },
  {
    id: 'AsyncEventAge',
    title: 'AsyncEventAge',
    series: [{ key: 'AsyncEventAge', label: 'avg', color: 'yellow' }],
    style: 'line',
    unit: 'ms',
    headline: 'max',
  },
  {
    id: 'AsyncEventsDropped',
    title: 'AsyncEventsDropped',
    series: [{ key: 'AsyncEventsDropped', label: 'dropped', color: 'red' }],
    style: 'bars',
    unit: 'count',
    headline: 'sum',
  },
  {
    id: 'DeadLetterErrors',
    title: 'DeadLetterErrors',
    series: [{ key: 'DeadLetterErrors', label: 'errors', color: 'red' }],
    style: 'bars',
    unit: 'count',
    headline: 'sum',
  },
  {
    id: 'DestinationDeliveryFailures',
    title: 'DestinationDeliveryFailures',
    series: [{ key: 'DestinationDeliveryFailures', label: 'failures', color: 'orange' }],
    style: 'bars',
    unit: 'count',
    headline: 'sum',
  },
];

const FALLBACK: Record<Color, string> = { blue: '#1a85ff', red: '#e51400', orange: '#d18616', yellow: '#bf8803', green: '#388a34', purple: '#8a4fc8' };
const CHART_H = 100;

interface Chart {
  spec: ChartSpec;
  cell: HTMLElement;
  body: HTMLElement;
  headline: HTMLElement;
  plot: uPlot | undefined;
}

export class MetricsCharts {
  readonly element = h('div', { className: 'charts' });
  private readonly charts: Chart[];
  private data: MetricsChartData | undefined;
  private range: [number, number] = [0, 1];

  constructor() {
    this.charts = CHARTS.map((spec) => {
      const headline = h('b', { text: '' });
      const body = h('div', { className: 'chart-body' });
      const cell = h('div', { className: 'chart' }, [h('div', { className: 'chart-title' }, [`${spec.title} `, headline]), body]);
      cell.dataset.metric = spec.id;
      this.element.append(cell);
      return { spec, cell, body, headline, plot: undefined };
    });
  }

  /** How many charts are drawn. */
  get drawn(): number {
    return this.charts.filter((c) => c.plot).length;
  }

  /** New data for every chart; `from` / `to` (epoch ms) is the x range shown. */
  update(data: MetricsChartData | undefined, from: number, to: number): void {
    this.data = data;
    this.range = [from / 1000, to / 1000];
    for (const chart of this.charts) {
      if (!data) {
        chart.plot?.destroy();
        chart.plot = undefined;
        chart.headline.textContent = '';
        continue;
      }
      const aligned = [data.t, ...chart.spec.series.map((s) => data[s.key] as Array<number | null>)] as uPlot.AlignedData;
      chart.headline.textContent = headline(chart.spec, data);
      if (!chart.plot) chart.plot = this.create(chart, aligned);
      else chart.plot.setData(aligned);
    }
  }

  /** The theme changed: charts are rebuilt with its colours. */
  rethemed(): void {
    for (const chart of this.charts) {
      chart.plot?.destroy();
      chart.plot = undefined;
    }
    if (this.data) this.update(this.data, this.range[0] * 1000, this.range[1] * 1000);
  }

  resized(): void {
    for (const chart of this.charts) chart.plot?.setSize({ width: this.widthOf(chart), height: CHART_H });
  }

  private widthOf(chart: Chart): number {
    return Math.max(180, Math.floor(chart.body.clientWidth || chart.cell.clientWidth || 240));
  }

  private create(chart: Chart, data: uPlot.AlignedData): uPlot {
    const fg = themeColor('--vscode-descriptionForeground', '#8b8b8b');
    const grid = themeColor('--vscode-charts-lines', 'rgba(128,128,128,0.35)');
    const font = `10px ${themeColor('--vscode-font-family', 'system-ui, sans-serif')}`;
    const { spec } = chart;
    const valueFormat = (v: number | null | undefined) => (v === null || v === undefined ? '–' : format(spec, v));
    const opts: uPlot.Options = {
      width: this.widthOf(chart),
      height: CHART_H,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 5 } },
      scales: {
        x: { time: true, auto: false, range: () => this.range },
        y: { auto: true, range: (_u, min, max) => yRange(spec, min, max) },
      },
      axes: [
        {
          stroke: fg,
          font,
          size: 20,
          grid: { stroke: grid, width: 0.5 },
          ticks: { stroke: grid, width: 0.5, size: 3 },
          values: (_u, ticks) => ticks.map(clockTick),
        },
        {
          stroke: fg,
          font,
          size: 44,
          grid: { stroke: grid, width: 0.5 },
          ticks: { show: false },
          values: (_u, ticks) => ticks.map((v) => formatTick(spec, v)),
        },
      ],
      series: [
        { value: (_u, v) => (v === null || v === undefined ? '–' : new Date(v * 1000).toLocaleTimeString()) },
        ...spec.series.map((s) => {
          const color = themeColor(`--vscode-charts-${s.color}`, FALLBACK[s.color]);
          // Lines (durations, ages) join the buckets that have a value; their points show single ones.
          const series: uPlot.Series = {
            label: s.label,
            stroke: color,
            width: 1.5,
            value: (_u: uPlot, v: number | null) => valueFormat(v),
            spanGaps: spec.style === 'line',
            points: { show: spec.style === 'line', size: 4, fill: color },
          };
          if (spec.style === 'bars') {
            series.paths = uPlot.paths.bars!({ size: [0.8, 12], align: 1 });
            series.fill = color;
          } else if (spec.style === 'step') {
            series.paths = uPlot.paths.stepped!({ align: 1 });
            series.fill = withAlpha(color, 0.18);
          }
          return series;
        }),
      ],
    };
    return new uPlot(opts, data, chart.body);
  }
}

/** One-line time labels (uPlot's default adds a second line with the date). */
function clockTick(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function yRange(spec: ChartSpec, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (spec.unit === 'percent') return [0, 1];
  const top = max === null || !Number.isFinite(max) || max <= 0 ? 1 : max * 1.1;
  return [Math.min(0, min ?? 0), spec.unit === 'count' ? Math.max(1, Math.ceil(top)) : top];
}

function format(spec: ChartSpec, value: number): string {
  if (spec.unit === 'percent') return `${(value * 100).toFixed(0)}%`;
  if (spec.unit === 'ms') return formatMs(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function formatTick(spec: ChartSpec, value: number): string {
  if (spec.unit === 'percent') return `${Math.round(value * 100)}%`;
  if (spec.unit === 'ms') return value >= 1000 ? `${+(value / 1000).toFixed(1)}s` : `${+value.toFixed(1)}`;
  return Number.isInteger(value) ? String(value) : '';
}

function headline(spec: ChartSpec, data: MetricsChartData): string {
  const values = (data[spec.series[spec.series.length - 1].key] as Array<number | null>).filter((v): v is number => v !== null);
  if (values.length === 0) return '';
  const result =
    spec.headline === 'sum'
      ? values.reduce((a, b) => a + b, 0)
      : spec.headline === 'max'
        ? Math.max(...values)
        : values.reduce((a, b) => a + b, 0) / values.length;
  const label = spec.headline === 'sum' ? '' : spec.series.length > 1 ? `${spec.series[spec.series.length - 1].label} max ` : 'max ';
  return `${label}${format(spec, result)}`;
}

/** `#rrggbb` or `rgb()` → the same colour with alpha, for fills. */
function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(color.trim());
  return rgb ? `rgba(${rgb[1]},${rgb[2]},${rgb[3]}, ${alpha})` : color;
}

/** The summary as tiles above the charts. */
export function summaryTiles(summary: MetricsSummary | undefined): HTMLElement[] {
  if (!summary) return [];
  const tile = (name: string, value: string, bad = false) =>
    h('div', { className: 'tile' }, [h('div', { className: `value${bad ? ' bad' : ''}`, text: value }), h('div', { className: 'name', text: name })]);
  const tiles = [
    tile('Invocations', String(summary.invocations)),
    tile('Errors', summary.invocations ? `${summary.errors} (${(summary.errorRate * 100).toFixed(1)}%)` : String(summary.errors), summary.errors > 0),
    tile('Throttles', String(summary.throttles), summary.throttles > 0),
    tile('Duration avg', formatMs(summary.durationAvgMs)),
    tile('Duration p99', formatMs(summary.durationP99Ms)),
    tile('Max concurrency', String(summary.concurrentExecutionsMax)),
  ];
  if (summary.provisionedConcurrencyUtilizationMax !== undefined) {
    tiles.push(tile('Provisioned utilization', `${Math.round(summary.provisionedConcurrencyUtilizationMax * 100)}% of ${summary.provisionedEnvironments}`));
  }
  if (summary.asyncEventsReceived > 0) {
    tiles.push(
      tile(
        'Async events',
        `${summary.asyncEventsReceived}${summary.asyncEventsDropped ? `, ${summary.asyncEventsDropped} dropped` : ''}`,
        summary.asyncEventsDropped > 0,
      ),
    );
  }
  if (summary.iteratorAgeMaxMs !== undefined) tiles.push(tile('Iterator age max', formatMs(summary.iteratorAgeMaxMs)));
  return tiles;
}
