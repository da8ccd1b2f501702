import type { MetricsChartData, MetricsKey, MetricsSummary, TimelineEnvironment, TimelineMarker } from '../../core';

// The messages between the timeline panel (extension host) and its webview. Types only: the
// webview bundle imports nothing else from the extension or the engine.

export interface EngineInfo {
  /** Stable across engine restarts (the template file). */
  id: string;
  label: string;
}

/** Which function's metrics the charts show; version '*' is every version together. */
export interface MetricsSelection {
  engine: string;
  functionName: string;
  version: string;
}

export type HostMessage =
  | { type: 'engines'; engines: EngineInfo[] }
  | {
      type: 'timeline';
      engine: string;
      /** True: replace everything of this engine; false: merge the changed environments. */
      full: boolean;
      revision: number;
      environments: TimelineEnvironment[];
      removed: string[];
      markers: TimelineMarker[];
      /** How far back the model keeps history (the widest window the view can offer). */
      historyMs: number;
    }
  | {
      type: 'metrics';
      /** Every function:version of every engine that has metrics. */
      keys: Array<MetricsKey & { engine: string }>;
      selection?: MetricsSelection;
      data?: MetricsChartData;
      summary?: MetricsSummary;
    };

export type WebviewMessage =
  | { type: 'ready' }
  /** The charts' function and their time window (ms). */
  | { type: 'select'; selection?: MetricsSelection; windowMs: number }
  | { type: 'rendered'; counts: RenderedCounts }
  | { type: 'error'; message: string };

/** What the webview drew last (posted after each render that changed something). */
export interface RenderedCounts {
  engines: number;
  /** Function:version groups and environment rows drawn. */
  groups: number;
  environments: number;
  /** Segments drawn (inside the visible window). */
  segments: number;
  invocations: number;
  cold: number;
  warm: number;
  provisioned: number;
  errors: number;
  running: number;
  initSegments: number;
  markers: number;
  /** uPlot charts drawn and the series key they show. */
  charts: number;
  metricsKey?: string;
  windowMs: number;
}
