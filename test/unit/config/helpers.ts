import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTemplate, type Diagnostic, type LoadTemplateOptions, type TemplateModel } from '../../../src/core/config/index';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/templates');

/** The template's lines joined, so tests can read line numbers off the array index (+1). */
export function lines(...ls: string[]): string {
  return ls.join('\n') + '\n';
}

/** Writes a template (and empty code directories) into a fresh temp dir; returns the template path. */
export function writeTemplate(text: string, dirs: string[] = ['src'], name = 'template.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-config-'));
  for (const d of dirs) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

export async function load(text: string, options?: LoadTemplateOptions, dirs?: string[]): Promise<TemplateModel> {
  return loadTemplate(writeTemplate(text, dirs), options);
}

export function withCode(model: TemplateModel, code: string): Diagnostic[] {
  return model.diagnostics.filter((d) => d.code === code);
}

/** The one diagnostic with this code (fails when there are none or several). */
export function single(model: TemplateModel, code: string): Diagnostic {
  const found = withCode(model, code);
  if (found.length !== 1) {
    throw new Error(`expected one '${code}' diagnostic, got ${found.length}:\n${JSON.stringify(model.diagnostics, null, 2)}`);
  }
  return found[0]!;
}

/** Line/column/property of a diagnostic, for compact assertions. */
export function where(d: Diagnostic): { line: number; column: number; property?: string } {
  const w: { line: number; column: number; property?: string } = { line: d.range.line, column: d.range.column };
  if (d.property !== undefined) w.property = d.property;
  return w;
}

/** A SAM template with one function `Fn` whose extra properties are given as YAML lines (6-space indented). */
export function samFunction(...props: string[]): string {
  return lines(
    'Transform: AWS::Serverless-2016-10-31', // 1
    'Resources:', // 2
    '  Fn:', // 3
    '    Type: AWS::Serverless::Function', // 4
    '    Properties:', // 5
    '      CodeUri: src', // 6
    '      Handler: app.handler', // 7
    '      Runtime: nodejs20.x', // 8
    ...props.map((p) => `      ${p}`), // 9…
  );
}

/** Resolved properties of a resource named `Probe`, for intrinsic tests. */
export function probe(model: TemplateModel): Record<string, unknown> {
  const r = model.resources.Probe;
  if (!r) throw new Error(`no Probe resource:\n${JSON.stringify(model.diagnostics, null, 2)}`);
  return r.properties;
}
