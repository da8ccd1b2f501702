import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTemplate, type Diagnostic, type LoadTemplateOptions, type TemplateModel } from '../../../src/core/config/index';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/templates');

/** Loads a fixture template: FIXTURES/<name>/<file>. */
export function loadFixture(name: string, file = 'template.yaml', options?: LoadTemplateOptions): Promise<TemplateModel> {
  return loadTemplate(path.join(FIXTURES, name, file), options);
}

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

/** A SAM template whose Resources are these lines (line 3 on, 2-space indented). */
export function samResourceLines(...resources: string[]): string {
  return lines(
    'Transform: AWS::Serverless-2016-10-31', // 1
    'Resources:', // 2
    ...resources, // 3…
  );
}

/** A SAM function `Fn` (declared at 3:3) with its property lines (6-space indented, line 6 on), then further resources (2-space). */
export function samFn(props: string[], ...resources: string[]): string {
  return samResourceLines(
    '  Fn:', // 3
    '    Type: AWS::Serverless::Function', // 4
    '    Properties:', // 5
    ...props.map((p) => `      ${p}`), // 6…
    ...resources,
  );
}

/** The code properties of a Node function (lines 6 to 8 of samFn). */
export const NODE_CODE = ['CodeUri: src', 'Handler: app.handler', 'Runtime: nodejs20.x'];

/** A SAM template with one Node function `Fn` whose extra properties are given as YAML lines (6-space indented, line 9 on). */
export function samFunction(...props: string[]): string {
  return samFn([...NODE_CODE, ...props]);
}

/** An AWS::Lambda::Function `Zip` with inline (ZipFile) code: resource lines. */
export const ZIP_FILE_FUNCTION = [
  '  Zip:',
  '    Type: AWS::Lambda::Function',
  '    Properties:',
  '      Handler: index.handler',
  '      Runtime: nodejs20.x',
  '      Code:',
  '        ZipFile: exports.handler = async () => 1',
];

/** Resolved properties of a resource named `Probe`, for intrinsic tests. */
export function probe(model: TemplateModel): Record<string, unknown> {
  const r = model.resources.Probe;
  if (!r) throw new Error(`no Probe resource:\n${JSON.stringify(model.diagnostics, null, 2)}`);
  return r.properties;
}
