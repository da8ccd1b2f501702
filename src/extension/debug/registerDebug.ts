import * as vscode from 'vscode';
import type { WorkbenchHost } from '../workbenchHost';
import { DEBUG_TYPE } from './debugConfig';
import { LambdaConfigurationProvider, LambdaDynamicConfigurations } from './debugProvider';
import { LambdaSessions } from './debugSessions';

// Everything the `lambda` debugger adds to the extension: the inline adapter and child-session
// bookkeeping and the configuration providers (its commands: debugCommands.ts; the template's
// Debug CodeLens comes from the language server, src/language/server).

/** Exposed through activate()'s API (tests, other extensions). */
export interface DebugApi {
  sessions: LambdaSessions;
  /** The providers as registered: initial / resolve, and the Run and Debug dropdown's entries. */
  configurations: LambdaConfigurationProvider;
  dynamicConfigurations: LambdaDynamicConfigurations;
}

/** The debugger's parts, registered; every disposable goes to `own`. */
export function createDebug(host: WorkbenchHost, own: (disposable: vscode.Disposable) => void): DebugApi {
  const sessions = new LambdaSessions(host);
  const configurations = new LambdaConfigurationProvider(host);
  const dynamicConfigurations = new LambdaDynamicConfigurations(host);
  own(sessions);
  own(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configurations, vscode.DebugConfigurationProviderTriggerKind.Initial));
  own(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, dynamicConfigurations, vscode.DebugConfigurationProviderTriggerKind.Dynamic));
  return { sessions, configurations, dynamicConfigurations };
}
