import * as vscode from 'vscode';
import type { WorkbenchHost } from '../workbenchHost';
import { registerDebugCommands } from './debugCommands';
import { DEBUG_TYPE } from './debugConfig';
import { LambdaConfigurationProvider, LambdaDynamicConfigurations } from './debugProvider';
import { LambdaSessions } from './debugSessions';

// Everything the `lambda` debugger adds to the extension: the inline adapter and child-session
// bookkeeping, configuration providers and commands (the template's Debug CodeLens comes from the
// language server, src/language/server).

/** Exposed through activate()'s API (tests, other extensions). */
export interface DebugApi {
  sessions: LambdaSessions;
  /** The providers as registered: initial / resolve, and the Run and Debug dropdown's entries. */
  configurations: LambdaConfigurationProvider;
  dynamicConfigurations: LambdaDynamicConfigurations;
}

export function registerDebug(context: vscode.ExtensionContext, host: WorkbenchHost): DebugApi {
  const sessions = new LambdaSessions(host);
  const configurations = new LambdaConfigurationProvider(host);
  const dynamicConfigurations = new LambdaDynamicConfigurations(host);
  context.subscriptions.push(
    sessions,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configurations, vscode.DebugConfigurationProviderTriggerKind.Initial),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, dynamicConfigurations, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  );
  registerDebugCommands(context, host, sessions);
  return { sessions, configurations, dynamicConfigurations };
}
