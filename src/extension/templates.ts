import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findTemplate, isTemplateText } from '../core/config';
import { settingsFor } from './config';

// Which templates of a workspace folder get an engine:
// - the `lambdaWorkbench.templatePaths` setting: paths or globs relative to the folder;
// - else the template at the folder's root (template.yaml / .yml / .json);
// - else, in a monorepo (services/*/template.yaml…), every template below it — files named like a
//   template whose text is one (CloudFormation or SAM), outside build output and dependencies.

/** Directories whose templates are never the user's: build output (`sam build`, CDK), dependencies, our state. */
export const NOT_SOURCE_DIRS = '**/{node_modules,.aws-sam,cdk.out,.lambda-workbench,.git}/**';
const NESTED_TEMPLATES = '**/template.{yaml,yml,json}';
const MAX_NESTED = 50;

/** The engines' templates of a folder (absolute paths, sorted shallowest first). */
export async function templatesOf(folder: vscode.WorkspaceFolder): Promise<string[]> {
  const configured = settingsFor(folder.uri).templatePaths;
  if (configured.length > 0) {
    const files: string[] = [];
    for (const entry of configured) {
      if (isGlob(entry)) files.push(...(await find(folder, entry)));
      else files.push(path.resolve(folder.uri.fsPath, entry));
    }
    return sortTemplates([...new Set(files)]);
  }
  const atRoot = findTemplate(folder.uri.fsPath);
  if (atRoot) return [atRoot];
  const nested = await find(folder, NESTED_TEMPLATES, MAX_NESTED);
  return sortTemplates(nested.filter(isTemplateFile));
}

export function isGlob(entry: string): boolean {
  return /[*?[{]/.test(entry);
}

/** Shallowest first, then by path: a stable order for engines and pickers. */
export function sortTemplates(files: string[]): string[] {
  const depth = (f: string) => f.split(path.sep).length;
  return [...files].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

/** Whether a file is a template (read its start only: a template declares itself at the top). */
export function isTemplateFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return isTemplateText(buffer.toString('utf8', 0, n));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function find(folder: vscode.WorkspaceFolder, glob: string, max?: number): Promise<string[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), NOT_SOURCE_DIRS, max);
  return uris.map((u) => u.fsPath);
}
