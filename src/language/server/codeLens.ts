import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens } from 'vscode-languageserver/node';
import type { TemplateModel } from '../../core/config';
import { childValue, nodeAtPath, type Outline } from './outline/outline';
import { FUNCTION_TYPES } from './templatePlaces';

// ▶ Invoke / Debug / Replay event… above each function resource, on its logical id. The commands
// are the client's (it maps them to the extension's commands); the server does not execute them,
// so they are not in executeCommandProvider.

export const LENS_COMMANDS = [
  { title: '▶ Invoke', command: 'lambdaWorkbench.templateInvoke' },
  { title: 'Debug', command: 'lambdaWorkbench.templateDebug' },
  { title: 'Replay event…', command: 'lambdaWorkbench.templateReplay' },
] as const;

/** The argument of every lens command. */
export interface TemplateFunctionArgument {
  /** Absolute file-system path of the template. */
  template: string;
  /** The function's logical id. */
  function: string;
}

/**
 * Lenses for the function resources of the text as it is now (the outline, so they stay while a
 * line is being typed), minus those the engine's latest model says are not created (a false
 * Condition). Only for templates that are files: the commands need the template's path.
 */
export function codeLenses(template: string | undefined, doc: TextDocument, outline: Outline, model: TemplateModel | undefined): CodeLens[] {
  if (!template) return [];
  const resources = nodeAtPath(outline.root, ['Resources']);
  const notCreated = new Set(model?.diagnostics.filter((d) => d.code === 'condition-false').map((d) => d.property?.split('.')[1]));
  const lenses: CodeLens[] = [];
  for (const resource of resources?.children ?? []) {
    const type = childValue(resource, 'Type');
    if (resource.partial || type === undefined || !FUNCTION_TYPES.has(type) || notCreated.has(resource.key)) continue;
    const range = { start: doc.positionAt(resource.keyStart), end: doc.positionAt(resource.keyEnd) };
    const argument: TemplateFunctionArgument = { template, function: resource.key };
    for (const { title, command } of LENS_COMMANDS) lenses.push({ range, command: { title, command, arguments: [argument] } });
  }
  return lenses;
}
