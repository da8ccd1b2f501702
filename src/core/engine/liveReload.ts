import { formatDiagnostic, hasErrors, loadTemplate } from '../config';
import type { EventSources } from '../esm/eventSources';
import { changedFunctions, HotReloader, type HotReloadChange } from '../reload/hotReload';
import type { Scheduler } from '../scheduler/scheduler';
import type { TelemetryStream } from '../telemetry/stream';
import type { FunctionCatalog } from '../versions/functionCatalog';
import type { FunctionVersions } from '../versions/functionVersions';
import type { ProvisionedConcurrency } from '../versions/provisionedConcurrency';
import { applyTemplateVersions } from '../versions/templateVersions';
import type { BuildManager } from './buildManager';
import type { EnvironmentFactory } from './environmentFactory';
import type { WorkbenchSettings } from './settings';

// Hot reload applied to the engine: the watcher (reload/hotReload.ts) says what changed; here a
// changed template is read again and put in the catalogue, and the $LATEST environments of every
// function whose definition, code or layers changed are retired, so its next invocation
// cold-starts on the new code. Published versions are never touched.

export interface LiveReloadParts {
  settings: WorkbenchSettings;
  stateDir: string;
  catalog: FunctionCatalog;
  scheduler: Scheduler;
  environmentFactory: EnvironmentFactory;
  eventSources: EventSources;
  versions: FunctionVersions;
  provisioned: ProvisionedConcurrency;
  telemetry: TelemetryStream;
  builds: BuildManager;
}

export class LiveReload {
  private readonly watcher: HotReloader;

  constructor(private readonly parts: LiveReloadParts) {
    this.watcher = new HotReloader(parts.catalog.template, {
      onChange: (change) => this.apply(change),
      onError: (error) => parts.telemetry.emit('workbench.warning', { message: `Hot reload: ${error.message}` }),
      // The engine writes there: its own writes must not look like edits.
      ignoredDirectories: [parts.stateDir, parts.settings.tmpRoot],
    });
  }

  /** Resolves once every change is seen (the watcher's initial scan is done). */
  get ready(): Promise<void> {
    return this.watcher.ready;
  }

  close(): Promise<void> {
    return this.watcher.close();
  }

  /**
   * One batch of changes. A changed template with errors is not used: the previous model stays,
   * with a warning, and nothing is retired.
   */
  private async apply(change: HotReloadChange): Promise<boolean> {
    const { settings, catalog, scheduler, telemetry } = this.parts;
    const warn = (message: string) => telemetry.emit('workbench.warning', { message });
    const previous = catalog.template;
    let next = previous;
    if (change.templateChanged) {
      const loaded = await loadTemplate(previous.file, { region: settings.region, parameterOverrides: settings.parameterOverrides }).catch(
        (error: Error) => error,
      );
      if (loaded instanceof Error || hasErrors(loaded)) {
        const problems = loaded instanceof Error ? [loaded.message] : loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
        warn(`The template was not reloaded, the previous one stays in use: ${problems.join('; ')}`);
        return false;
      }
      next = loaded;
    }
    const reloads = changedFunctions(previous, next, change);
    const templateChanged = next !== previous;
    const changed = reloads.map((r) => r.functionName);
    // Until the old environments are retired, the API answers LastUpdateStatus InProgress, as Lambda
    // does while an update is applied (so function_updated waiters wait for the reload).
    catalog.setUpdating(changed, true);
    try {
      if (templateChanged) {
        catalog.replaceTemplate(next);
        this.parts.eventSources.templateChanged();
        this.watcher.update(next);
      }
      // Stale artefacts are rebuilt first, so the next cold start runs the new code (stamps skip the rest).
      if (settings.build ?? true) {
        await this.parts.builds.buildAll(next.functions.filter((fn) => templateChanged || changed.includes(fn.functionName)));
      }
      for (const reload of reloads) {
        scheduler.retire(reload.functionName, '$LATEST');
        this.parts.environmentFactory.optDirs.forget(reload.functionName, '$LATEST');
        telemetry.emit('workbench.reload', reload, { functionName: reload.functionName, functionVersion: '$LATEST' });
      }
    } finally {
      catalog.setUpdating(changed, false);
    }
    // The API's settings of functions the new template adds or renames.
    if (templateChanged) await catalog.load();
    if (reloads.length === 0 && !templateChanged) return true;
    // AutoPublishAlias publishes what changed and moves its alias; a changed template is applied whole.
    if (settings.applyTemplateVersions ?? true) {
      const only = templateChanged ? undefined : new Set(reloads.map((r) => r.functionName));
      this.parts.provisioned.setTemplateProvisioning(await applyTemplateVersions(next, this.parts.versions, warn, only), only);
    }
    // Retired provisioned environments are replaced, new functions provisioned; INIT is not waited for.
    if (settings.provision ?? true) void this.parts.provisioned.reconcile();
    return true;
  }
}
