import * as vscode from 'vscode';
import type { MetricsRecorder } from '../../core';
import type { Engine, WorkbenchHost } from '../workbenchHost';
import { EnvironmentsTreeProvider } from './environmentsView';
import { EventSourcesTreeProvider } from './eventSourcesView';
import { EventsTreeProvider } from './eventsView';
import { FunctionsTreeProvider } from './functionsView';

// The sidebar's four tree views (package.json `views.lambdaWorkbench`), made once by the Ctx, which
// owns what they hold. The Environments view ticks and the Event Sources view polls only while
// visible.

export interface Views {
  functions: FunctionsTreeProvider;
  environments: EnvironmentsTreeProvider;
  events: EventsTreeProvider;
  eventSources: EventSourcesTreeProvider;
}

/** The providers and their tree views; every disposable goes to `own`. */
export function createViews(host: WorkbenchHost, metricsOf: (engine: Engine) => MetricsRecorder, own: (disposable: vscode.Disposable) => void): Views {
  const functions = new FunctionsTreeProvider(host, metricsOf);
  own(functions);
  own(vscode.window.createTreeView('lambdaWorkbench.functions', { treeDataProvider: functions, showCollapseAll: true }));

  const environments = new EnvironmentsTreeProvider(host);
  const environmentsTree = vscode.window.createTreeView('lambdaWorkbench.environments', { treeDataProvider: environments });
  environments.setTicking(environmentsTree.visible);
  own(environments);
  own(environmentsTree);
  own(environmentsTree.onDidChangeVisibility((e) => environments.setTicking(e.visible)));

  const events = new EventsTreeProvider(host);
  own(events);
  own(vscode.window.createTreeView('lambdaWorkbench.events', { treeDataProvider: events, showCollapseAll: true }));

  const eventSources = new EventSourcesTreeProvider(host);
  const eventSourcesTree = vscode.window.createTreeView('lambdaWorkbench.eventSources', { treeDataProvider: eventSources, showCollapseAll: true });
  eventSources.setPolling(eventSourcesTree.visible);
  own(eventSources);
  own(eventSourcesTree);
  own(eventSourcesTree.onDidChangeVisibility((e) => eventSources.setPolling(e.visible)));

  return { functions, environments, events, eventSources };
}
