import 'uplot/dist/uPlot.min.css';
import './timeline.css';
import type { MetricsChartData, MetricsKey, TimelineEnvironment, TimelineMarker } from '../../../core';
import type { EngineInfo, HostMessage, MetricsSelection, RenderedCounts, WebviewMessage } from '../protocol';
import { MetricsCharts, summaryTiles } from './charts';
import { h } from './dom';
import { TimelineView, type EngineData, type TimelineRenderCounts } from './timelineView';
import { Tooltip } from './tooltip';

// The Timeline webview's entry (bundled by scripts/build.mjs into dist/webview/timeline.js).
// It keeps the engines' environments and markers as the host posts them, redraws the timeline
// four times a second while live, and the charts when metrics arrive.

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  windowMs: number;
  live: boolean;
  selection?: MetricsSelection;
}

const WINDOWS: Array<[string, number]> = [
  ['10 s', 10_000],
  ['30 s', 30_000],
  ['1 min', 60_000],
  ['5 min', 300_000],
  ['15 min', 900_000],
];
const FRAME_MS = 250;
/** Wheel zoom limits: local invocations take milliseconds; the model keeps 15 minutes. */
const MIN_WINDOW_MS = 250;
const MAX_WINDOW_MS = 900_000;

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() as SavedState | undefined) ?? { windowMs: 60_000, live: true };

class App {
  private engines: EngineInfo[] = [];
  private readonly environments = new Map<string, Map<string, TimelineEnvironment>>();
  private readonly markers = new Map<string, Map<number, TimelineMarker>>();
  private windowMs = saved.windowMs;
  private live = saved.live;
  private frozenAt = Date.now();
  private selection = saved.selection;
  private keys: Array<MetricsKey & { engine: string }> = [];
  private metricsData: MetricsChartData | undefined;
  private lastRendered = '';
  private pointer: { x: number; y: number } | undefined;
  private drag: { x: number; end: number; moved: boolean } | undefined;
  private selectTimer: number | undefined;

  private readonly view = new TimelineView();
  private readonly tooltip = new Tooltip();
  private readonly charts = new MetricsCharts();
  private readonly timeline = h('section', { className: 'timeline' });
  private readonly empty = h('div', {
    className: 'empty',
    text: 'No execution environments yet: invoke a function (Lambda: Invoke Function, the Functions view, the local API) and its environments appear here as they start.',
  });
  private readonly windowButtons: HTMLButtonElement[] = [];
  private readonly liveButton = h('button', { className: 'live', title: 'Follow the present (pause to inspect)' });
  private readonly picker = h('select', { title: 'The function (and version) the charts show' });
  private readonly summary = h('div', { className: 'summary' });
  private readonly metricsNote = h('div', { className: 'empty', text: 'Metrics appear once a function has run.' });

  constructor(root: HTMLElement) {
    const buttons = h('div', { className: 'buttons' });
    for (const [label, ms] of WINDOWS) {
      const button = h('button', { text: label, title: `Show the last ${label}` });
      button.addEventListener('click', () => this.setWindow(ms));
      this.windowButtons.push(button);
      buttons.append(button);
    }
    this.liveButton.addEventListener('click', () => this.setLive(!this.live));
    const hint = h('span', { className: 'hint', text: 'wheel: zoom · drag: pan · hover: REPORT' });
    const toolbar = h('header', { className: 'toolbar' }, [h('h1', { text: 'Lambda Timeline' }), buttons, this.liveButton, hint, legend()]);
    this.timeline.append(this.view.element);
    this.picker.addEventListener('change', () => {
      const value = this.picker.value;
      this.selection = value ? (JSON.parse(value) as MetricsSelection) : undefined;
      this.save();
      this.postSelection();
    });
    const metrics = h('section', { className: 'metrics' }, [
      h('div', { className: 'metrics-head' }, [h('h2', { text: 'Metrics' }), this.picker]),
      this.summary,
      this.metricsNote,
      this.charts.element,
    ]);
    root.append(toolbar, this.empty, this.timeline, metrics, this.tooltip.element);

    this.view.element.addEventListener('pointermove', (e) => this.hover(e));
    // Wheel: zoom around the pointer (the right edge stays "now" while live). Drag: pan (pauses).
    this.view.element.addEventListener('wheel', (e) => this.zoom(e), { passive: false });
    this.view.element.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this.drag = { x: e.clientX, end: this.now(), moved: false };
      this.view.element.setPointerCapture(e.pointerId);
    });
    this.view.element.addEventListener('pointerup', () => (this.drag = undefined));
    this.view.element.addEventListener('pointercancel', () => (this.drag = undefined));
    this.view.element.addEventListener('pointerleave', () => {
      this.pointer = undefined;
      this.view.clearHover();
      this.tooltip.hide();
    });
    window.addEventListener('message', (e: MessageEvent<HostMessage>) => this.receive(e.data));
    new ResizeObserver(() => {
      this.render();
      this.charts.resized();
    }).observe(this.timeline);
    // VS Code changes the body's classes (vscode-dark, vscode-light…) with the theme.
    new MutationObserver(() => this.charts.rethemed()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    window.setInterval(() => {
      if (this.live) this.render();
    }, FRAME_MS);
    this.updateControls();
    vscode.postMessage({ type: 'ready' });
    this.postSelection();
  }

  private receive(message: HostMessage): void {
    try {
      switch (message.type) {
        case 'engines':
          this.engines = message.engines;
          for (const id of [...this.environments.keys()]) if (!this.engines.some((e) => e.id === id)) this.environments.delete(id);
          break;
        case 'timeline': {
          let envs = this.environments.get(message.engine);
          let markers = this.markers.get(message.engine);
          if (!envs || message.full) this.environments.set(message.engine, (envs = new Map()));
          if (!markers || message.full) this.markers.set(message.engine, (markers = new Map()));
          for (const env of message.environments) envs.set(env.id, env);
          for (const id of message.removed) envs.delete(id);
          for (const marker of message.markers) markers.set(marker.seq, marker);
          // Markers older than the model's history are gone there too.
          const cut = Date.now() - message.historyMs;
          for (const [seq, marker] of markers) if (marker.time < cut) markers.delete(seq);
          break;
        }
        case 'metrics':
          this.keys = message.keys;
          this.selection = message.selection ?? this.selection;
          this.metricsData = message.data;
          this.updatePicker();
          this.summary.replaceChildren(...summaryTiles(message.summary));
          this.metricsNote.hidden = message.data !== undefined;
          this.charts.update(message.data, this.now() - this.windowMs, this.now());
          break;
      }
      this.render();
    } catch (error) {
      vscode.postMessage({ type: 'error', message: `${(error as Error).message}\n${(error as Error).stack ?? ''}` });
    }
  }

  private now(): number {
    return this.live ? Date.now() : this.frozenAt;
  }

  private render(): void {
    const width = this.timeline.clientWidth || document.body.clientWidth || 800;
    const engines: EngineData[] = this.engines.map((e) => ({
      id: e.id,
      label: e.label,
      environments: [...(this.environments.get(e.id)?.values() ?? [])],
      markers: [...(this.markers.get(e.id)?.values() ?? [])],
    }));
    const counts = this.view.render(engines, this.now(), this.windowMs, width);
    this.empty.hidden = counts.environments > 0 || counts.markers > 0;
    if (this.pointer) this.refreshTooltip();
    this.reportRendered(counts);
  }

  private reportRendered(counts: TimelineRenderCounts): void {
    const rendered: RenderedCounts = {
      engines: this.engines.length,
      ...counts,
      charts: this.charts.drawn,
      metricsKey: this.metricsData ? `${this.selection?.engine ?? ''}|${this.metricsData.functionName}:${this.metricsData.version ?? '*'}` : undefined,
      windowMs: this.windowMs,
    };
    const text = JSON.stringify(rendered);
    if (text === this.lastRendered) return;
    this.lastRendered = text;
    vscode.postMessage({ type: 'rendered', counts: rendered });
  }

  private hover(e: PointerEvent): void {
    this.pointer = { x: e.clientX, y: e.clientY };
    if (this.drag && (this.drag.moved || Math.abs(e.clientX - this.drag.x) > 3)) {
      if (!this.drag.moved) {
        this.drag.moved = true;
        this.tooltip.hide();
        if (this.live) this.setLive(false);
      }
      const msPerPx = this.windowMs / (this.view.plot.width / this.svgScale());
      this.frozenAt = Math.min(Date.now(), this.drag.end - (e.clientX - this.drag.x) * msPerPx);
      this.render();
      return;
    }
    this.refreshTooltip();
  }

  /** SVG units per CSS pixel. */
  private svgScale(): number {
    const rect = this.view.element.getBoundingClientRect();
    const width = Number(this.view.element.getAttribute('width')) || rect.width;
    return rect.width > 0 ? width / rect.width : 1;
  }

  private zoom(e: WheelEvent): void {
    if (e.deltaY === 0 || e.ctrlKey) return;
    e.preventDefault();
    const factor = e.deltaY > 0 ? 1.25 : 0.8;
    const next = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, this.windowMs * factor));
    if (!this.live) {
      // The time under the pointer stays where it is.
      const rect = this.view.element.getBoundingClientRect();
      const x = (e.clientX - rect.left) * this.svgScale();
      const fraction = Math.min(1, Math.max(0, (x - this.view.plot.left) / this.view.plot.width));
      const at = this.frozenAt - this.windowMs + fraction * this.windowMs;
      this.frozenAt = Math.min(Date.now(), at + (1 - fraction) * next);
    }
    this.windowMs = next;
    this.save();
    this.updateControls();
    this.render();
    // The charts follow the window, once the wheel stops.
    window.clearTimeout(this.selectTimer);
    this.selectTimer = window.setTimeout(() => this.postSelection(), 200);
  }

  private refreshTooltip(): void {
    if (!this.pointer) return;
    const rect = this.view.element.getBoundingClientRect();
    const scale = this.svgScale();
    const hit = this.view.hitAt((this.pointer.x - rect.left) * scale, (this.pointer.y - rect.top) * scale);
    if (hit) this.tooltip.show(hit, this.pointer.x, this.pointer.y, this.now());
    else this.tooltip.hide();
  }

  private setWindow(ms: number): void {
    this.windowMs = ms;
    this.save();
    this.updateControls();
    this.postSelection();
    this.render();
  }

  private setLive(live: boolean): void {
    this.live = live;
    if (!live) this.frozenAt = Date.now();
    this.save();
    this.updateControls();
    this.render();
  }

  private updateControls(): void {
    WINDOWS.forEach(([, ms], i) => this.windowButtons[i].classList.toggle('selected', ms === this.windowMs));
    this.liveButton.textContent = this.live ? '● Live' : '❚❚ Paused';
    this.liveButton.classList.toggle('on', this.live);
  }

  private updatePicker(): void {
    const multiple = this.engines.length > 1;
    const label = (k: MetricsKey & { engine: string }) => {
      const engine = multiple ? `${this.engines.find((e) => e.id === k.engine)?.label ?? k.engine} · ` : '';
      return `${engine}${k.functionName}${k.version === '*' ? ' (all versions)' : `:${k.version}`}`;
    };
    const value = (k: MetricsSelection) => JSON.stringify({ engine: k.engine, functionName: k.functionName, version: k.version });
    const options = this.keys.map((k) => {
      const option = h('option', { text: label(k) });
      option.value = value(k);
      return option;
    });
    this.picker.replaceChildren(...options);
    this.picker.hidden = options.length === 0;
    if (this.selection) this.picker.value = value(this.selection);
  }

  private postSelection(): void {
    vscode.postMessage({ type: 'select', selection: this.selection, windowMs: this.windowMs });
  }

  private save(): void {
    const state: SavedState = { windowMs: this.windowMs, live: this.live, selection: this.selection };
    vscode.setState(state);
  }
}

function legend(): HTMLElement {
  const item = (cls: string, text: string) => h('span', {}, [h('span', { className: `swatch ${cls}` }), text]);
  return h('div', { className: 'legend' }, [
    item('extensionInit', 'extension init'),
    item('runtimeInit', 'runtime init'),
    item('functionInit', 'function init'),
    item('cold', 'cold'),
    item('success', 'warm'),
    item('provisioned', 'provisioned'),
    item('error', 'error'),
    item('timeout', 'timeout'),
    item('idle thin', 'idle'),
    item('shutdown', 'shutdown'),
  ]);
}

const root = document.getElementById('app') ?? document.body;
try {
  new App(root);
} catch (error) {
  vscode.postMessage({ type: 'error', message: `${(error as Error).message}\n${(error as Error).stack ?? ''}` });
}
