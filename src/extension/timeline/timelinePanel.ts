import * as vscode from 'vscode';
import { ALL_VERSIONS, type MetricsKey, MetricsRecorder, type TimelineCounts, TimelineModel, type TimelineSnapshot } from '../../core';
import type { Engine, WorkbenchHost } from '../workbenchHost';
import { timelineHtml } from './html';
import type { EngineInfo, HostMessage, MetricsSelection, RenderedCounts, WebviewMessage } from './protocol';

// The Timeline panel: a webview drawing every environment as a row over time (INIT sub-phases,
// invocations coloured by outcome, idle gaps, SHUTDOWN; cold / warm / provisioned at a glance;
// REPORT on hover) above small charts of Lambda's CloudWatch metrics for one function.
//
// Every engine gets a MetricsRecorder and a TimelineModel (src/core/metrics) fed from
// host.onTelemetry from the moment the extension activates, whether or not the panel is open, and
// kept per template file so history survives an engine restart. The Functions view reads the same
// recorder (the Ctx's Timeline: `timeline.metrics(engine).summary(name, version?)`).
//
// The panel posts what changed every 250 ms (the model's revisions), the selected function's
// metrics at most once a second; the webview (webview/, bundled into dist/webview/timeline.js)
// answers 'ready' when it (re)loads, and 'rendered' with what it drew.

export const TIMELINE_VIEW_TYPE = 'lambdaWorkbench.timeline';
const UPDATE_MS = 250;
const METRICS_MS = 1000;

export interface EngineRecords {
  id: string;
  label: string;
  recorder: MetricsRecorder;
  model: TimelineModel;
}

/** What tests (and other parts of the extension) can reach through the extension's API. */
export interface TimelineApi {
  /** The open timeline panel, if any. */
  panel(): TimelinePanel | undefined;
  /** Opens (or reveals) the panel. */
  show(): TimelinePanel;
  /** The engine's metrics (one recorder per template, fed since activation). */
  metrics(engine: Engine): MetricsRecorder;
  /** The engine's timeline data. */
  model(engine: Engine): TimelineModel;
}

/**
 * Every engine's metrics and timeline data, fed from the host's telemetry since activation, and the
 * panel when open; one per extension (the Ctx's). Its members are functions of their own, so the
 * extension's API can hand them out as they are.
 */
export class Timeline implements TimelineApi, vscode.Disposable {
  private readonly records = new Map<string, EngineRecords>();
  private current: TimelinePanel | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: WorkbenchHost,
  ) {
    this.subscription = host.onTelemetry(({ engine, event }) => {
      const r = this.recordsFor(engine);
      r.recorder.record(event);
      r.model.apply(event);
    });
  }

  readonly panel = (): TimelinePanel | undefined => this.current;

  /** Opens the panel, or reveals the open one. */
  readonly show = (): TimelinePanel => {
    if (this.current) {
      this.current.reveal();
      return this.current;
    }
    const panel = new TimelinePanel(this.extensionUri, this.host, this);
    panel.onDidDispose(() => {
      if (this.current === panel) this.current = undefined;
    });
    this.current = panel;
    return panel;
  };

  /** The engine's metrics: `metrics(engine).summary(functionName, version?)` for tooltips. */
  readonly metrics = (engine: Engine): MetricsRecorder => this.recordsFor(engine).recorder;

  /** The engine's timeline data (environments and their segments, markers). */
  readonly model = (engine: Engine): TimelineModel => this.recordsFor(engine).model;

  /** The records of every engine that is open or has something to show. */
  shown(): EngineRecords[] {
    for (const engine of this.host.engines()) this.recordsFor(engine);
    const open = new Set(this.host.engines().map((e) => e.templateFile));
    return [...this.records.values()].filter((r) => open.has(r.id) || r.model.counts().environments > 0);
  }

  /** The records of a template (an engine's id), if any. */
  recordsOf(id: string): EngineRecords | undefined {
    return this.records.get(id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.current?.dispose();
  }

  /** Kept per template file, so history survives an engine restart. */
  private recordsFor(engine: Engine): EngineRecords {
    let r = this.records.get(engine.templateFile);
    if (!r) {
      r = { id: engine.templateFile, label: engine.label, recorder: new MetricsRecorder(), model: new TimelineModel() };
      this.records.set(engine.templateFile, r);
    }
    r.label = engine.label;
    return r;
  }
}

/** The model state of one engine as the panel sees it (for tests). */
export interface TimelineEngineState {
  id: string;
  label: string;
  timeline: TimelineSnapshot;
  counts: TimelineCounts;
  metricsKeys: MetricsKey[];
}

export class TimelinePanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly sent = new Map<string, number>();
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedCounts>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** The webview drew something (the counts it posted back). */
  readonly onDidRender = this.renderedEmitter.event;
  /** The panel closed. */
  readonly onDidDispose = this.disposeEmitter.event;
  private lastRendered: RenderedCounts | undefined;
  private ready = false;
  private selection: MetricsSelection | undefined;
  private windowMs = 60_000;
  private metricsSentAt = 0;
  private metricsRevision = -1;
  private timer: NodeJS.Timeout;
  private disposed = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: WorkbenchHost,
    private readonly timeline: Timeline,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'Lambda Timeline', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [root],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'lambda.svg');
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.renderedEmitter,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((message: WebviewMessage) => this.receive(message)),
      // A hidden webview is discarded; shown again, it reloads and says 'ready'.
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
      host.onDidChange(() => this.postEngines()),
    );
    this.timer = setInterval(() => this.tick(), UPDATE_MS);
  }

  /** The model behind the panel: every engine's timeline snapshot, counts and metric keys. */
  model(): TimelineEngineState[] {
    return this.timeline
      .shown()
      .map((r) => ({ id: r.id, label: r.label, timeline: r.model.snapshot(), counts: r.model.counts(), metricsKeys: r.recorder.keys() }));
  }

  /** The engine's metrics recorder (the first engine's when none is named). */
  metrics(engine?: Engine): MetricsRecorder | undefined {
    return engine ? this.timeline.metrics(engine) : this.timeline.shown()[0]?.recorder;
  }

  /** What the webview last said it drew. */
  rendered(): RenderedCounts | undefined {
    return this.lastRendered;
  }

  /** Resolves with the first rendering (the last one included) that satisfies `predicate`. */
  waitForRender(predicate: (counts: RenderedCounts) => boolean = () => true, timeoutMs = 15_000): Promise<RenderedCounts> {
    if (this.lastRendered && predicate(this.lastRendered)) return Promise.resolve(this.lastRendered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listener.dispose();
        reject(new Error(`The timeline did not render as expected within ${timeoutMs} ms; last: ${JSON.stringify(this.lastRendered)}`));
      }, timeoutMs);
      const listener = this.onDidRender((counts) => {
        if (!predicate(counts)) return;
        clearTimeout(timer);
        listener.dispose();
        resolve(counts);
      });
    });
  }

  /** Which function the charts show (what the webview's picker does). */
  selectMetrics(selection: MetricsSelection | undefined, windowMs?: number): void {
    this.selection = selection;
    if (windowMs) this.windowMs = windowMs;
    this.postMetrics(true);
  }

  /** The current selection of the charts. */
  metricsSelection(): MetricsSelection | undefined {
    return this.selection;
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }

  // ------------------------------------------------------------------------------------------

  private receive(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sent.clear();
        this.metricsRevision = -1;
        this.metricsSentAt = 0;
        this.postEngines();
        this.tick();
        break;
      case 'select':
        this.selection = message.selection;
        this.windowMs = message.windowMs;
        this.postMetrics(true);
        break;
      case 'rendered':
        this.lastRendered = message.counts;
        this.renderedEmitter.fire(message.counts);
        break;
      case 'error':
        this.host.output.appendLine(`Timeline: ${message.message}`);
        break;
    }
  }

  private post(message: HostMessage): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private postEngines(): void {
    const engines: EngineInfo[] = this.timeline.shown().map((r) => ({ id: r.id, label: r.label }));
    this.post({ type: 'engines', engines });
  }

  /** Posts what changed in each engine's timeline, and the metrics when due. */
  private tick(): void {
    if (!this.ready || !this.panel.visible) return;
    const now = Date.now();
    for (const r of this.timeline.shown()) {
      r.model.prune(now);
      const since = this.sent.get(r.id);
      if (since !== undefined && since === r.model.revision) continue;
      const changes = r.model.changesSince(since ?? -1);
      this.sent.set(r.id, changes.revision);
      if (!changes.full && changes.environments.length === 0 && changes.removed.length === 0 && changes.markers.length === 0) continue;
      this.post({
        type: 'timeline',
        engine: r.id,
        full: changes.full || since === undefined,
        revision: changes.revision,
        environments: changes.environments,
        removed: changes.removed,
        markers: changes.markers,
        historyMs: r.model.windowMs,
      });
    }
    this.postMetrics(false);
  }

  /** The selected function's charts and summary; at most once a second unless `force`. */
  private postMetrics(force: boolean): void {
    if (!this.ready) return;
    const now = Date.now();
    const all = this.timeline.shown();
    const revision = all.reduce((sum, r) => sum + r.recorder.revision, 0);
    if (!force) {
      const elapsed = now - this.metricsSentAt;
      // New events: at most twice a second. None: once a second all the same, as the charts scroll
      // with time (gauges such as ConcurrentExecutions carry forward).
      if (elapsed < METRICS_MS / 2 || (revision === this.metricsRevision && elapsed < METRICS_MS)) return;
    }
    this.metricsSentAt = now;
    this.metricsRevision = revision;
    const keys = all.flatMap((r) => r.recorder.keys().map((k) => ({ ...k, engine: r.id })));
    let selection = this.selection;
    if (!selection || !keys.some((k) => k.engine === selection!.engine && k.functionName === selection!.functionName && k.version === selection!.version)) {
      const first = keys.find((k) => k.version === ALL_VERSIONS) ?? keys[0];
      // Keep a selection that has no data yet (nothing ran); otherwise default to the first function.
      if (!selection || first) selection = first && { engine: first.engine, functionName: first.functionName, version: first.version };
      this.selection = selection;
    }
    const recorder = selection && this.timeline.recordsOf(selection.engine)?.recorder;
    if (!selection || !recorder) {
      this.post({ type: 'metrics', keys });
      return;
    }
    const version = selection.version === ALL_VERSIONS ? undefined : selection.version;
    const data = recorder.chartData(selection.functionName, version, { from: now - this.windowMs, to: now });
    const summary = recorder.summary(selection.functionName, version, { windowMs: this.windowMs, now });
    this.post({ type: 'metrics', keys, selection, data, summary });
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', name)).toString();
    return timelineHtml({ cspSource: webview.cspSource, scriptUri: asset('timeline.js'), styleUri: asset('timeline.css') });
  }
}
