// Labels and descriptions of the Functions and Environments views, as plain functions (no
// 'vscode' import here, so test/unit/extension/viewLabels.test.ts runs them under mocha).

/** 0.1 → `10%`, 0.333 → `33.3%`, 0.12345 → `12.35%` (at most two decimals, no trailing zeros). */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

/**
 * Where an alias routes: `3`, or `3 (90%) / 4 (10%)` with a weighted additional version (the
 * primary version gets what the additional ones leave).
 */
export function aliasRouting(functionVersion: string, weights?: Readonly<Record<string, number>>): string {
  const extra = Object.entries(weights ?? {});
  if (extra.length === 0) return functionVersion;
  const rest = 1 - extra.reduce((sum, [, w]) => sum + w, 0);
  return [`${functionVersion} (${formatPercent(rest)})`, ...extra.map(([v, w]) => `${v} (${formatPercent(w)})`)].join(' / ');
}

/** `prod → 3`, or `prod → 3 (90%) / 4 (10%)`. */
export function aliasLabel(name: string, functionVersion: string, weights?: Readonly<Record<string, number>>): string {
  return `${name} → ${aliasRouting(functionVersion, weights)}`;
}

/** `nodejs20.x · 128 MB · 3 s` */
export function configDescription(config: { runtime: string; memorySize: number; timeout: number }): string {
  return `${config.runtime} · ${config.memorySize} MB · ${config.timeout} s`;
}

/** A codicon id for a runtime (the view's function icons). */
export function runtimeIcon(runtime: string): string {
  if (runtime.startsWith('nodejs')) return 'symbol-function';
  if (runtime.startsWith('python')) return 'symbol-method';
  if (runtime.startsWith('provided')) return 'terminal';
  return 'symbol-function';
}

/** `0s`, `45s`, `2m 05s`, `1h 04m`, `2d 03h`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad(h % 24)}h`;
}

/** What the Environments view knows of one environment (from the engine, or from the event stream once it is shutting down). */
export interface EnvironmentSnapshot {
  id: string;
  functionName: string;
  version: string;
  /** The engine's EnvironmentState: Initializing, Idle, Invoking, ShuttingDown, Terminated. */
  state: string;
  /** During Initializing: extensions, runtime or function. */
  initSubPhase?: string;
  /** `on-demand` or `provisioned-concurrency`. */
  initializationType: string;
  createdAt: number;
  invocations: number;
  maxMemoryUsedMb: number;
  memorySizeMb?: number;
  pid?: number;
  inspectorUrl?: string;
}

/** `initializing (runtime)`, `idle`, `invoking`, `shutting down`, `terminated`. */
export function environmentStateLabel(state: string, initSubPhase?: string): string {
  switch (state) {
    case 'Initializing':
      return initSubPhase ? `initializing (${initSubPhase})` : 'initializing';
    case 'ShuttingDown':
      return 'shutting down';
    default:
      return state.toLowerCase();
  }
}

/** `cold start` (an on-demand environment) or `provisioned`. */
export function initializationLabel(initializationType: string): string {
  return initializationType === 'provisioned-concurrency' ? 'provisioned' : 'cold start';
}

/** `HelloCjs:$LATEST` */
export function environmentLabel(env: Pick<EnvironmentSnapshot, 'functionName' | 'version'>): string {
  return `${env.functionName}:${env.version}`;
}

/** `idle · cold start · 2m 05s · 3 invocations · 45 / 128 MB` */
export function environmentDescription(env: EnvironmentSnapshot, now = Date.now()): string {
  const parts = [environmentStateLabel(env.state, env.initSubPhase), initializationLabel(env.initializationType), formatAge(now - env.createdAt)];
  parts.push(`${env.invocations} ${env.invocations === 1 ? 'invocation' : 'invocations'}`);
  const used = env.maxMemoryUsedMb > 0 ? `${env.maxMemoryUsedMb}` : '–';
  parts.push(env.memorySizeMb !== undefined ? `${used} / ${env.memorySizeMb} MB` : `${used} MB`);
  return parts.join(' · ');
}

/** A codicon id for an environment's state. */
export function environmentIcon(state: string): string {
  switch (state) {
    case 'Initializing':
      return 'loading~spin';
    case 'Invoking':
      return 'play-circle';
    case 'ShuttingDown':
    case 'Terminated':
      return 'debug-stop';
    default:
      return 'vm';
  }
}

/**
 * The weight of an alias's additional version as typed in the UI: a percentage, `10` or `10%`
 * (0–100), or a fraction with a leading `0.` / `.` (`0.1`). Returns the fraction 0–1, or an error text.
 */
export function parseWeight(text: string): number | { error: string } {
  const t = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%?$/.exec(t);
  const fraction = /^0?\.\d+$/.test(t);
  if (!percent && !fraction) return { error: 'A percentage from 0 to 100 (e.g. 10 or 10%), or a fraction such as 0.1' };
  const value = fraction && !t.endsWith('%') ? Number(t) : Number(percent![1]) / 100;
  if (!(value >= 0 && value <= 1)) return { error: 'The weight must be between 0% and 100%' };
  return Number(value.toFixed(6));
}

/** Versions in ascending numeric order, `$LATEST` first. */
export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => (a === '$LATEST' ? -1 : b === '$LATEST' ? 1 : Number(a) - Number(b)));
}
