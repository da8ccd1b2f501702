import * as path from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver/node';
import type { Diagnostic, FunctionDefinition, SourceRange, TemplateModel } from '../../core/config';
import { checkHandler, type SourceCache } from '../../core/handlers';
import { nodeAtPath, type Outline } from './outline/outline';

// The engine's diagnostics of a template, plus the handler checks only an editor wants on every
// keystroke (they read the code directories), as LSP diagnostics.

export const SOURCE = 'lambda-workbench';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The engine's ranges are 1-based with an exclusive end column; LSP's are 0-based, in UTF-16 units as JavaScript strings are. */
export function toLspRange(r: SourceRange): Range {
  return { start: { line: r.line - 1, character: r.column - 1 }, end: { line: r.endLine - 1, character: r.endColumn - 1 } };
}

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return { range: toLspRange(d.range), severity: SEVERITY[d.severity], code: d.code, source: SOURCE, message: d.message };
}

/** Every diagnostic of the template, in document order; handlers are checked only when `cache` is given (a template on disk). */
export function templateDiagnostics(model: TemplateModel, doc: TextDocument, outline: () => Outline, cache: SourceCache | undefined): LspDiagnostic[] {
  const own = model.diagnostics.filter((d) => d.range.file === model.file);
  const all = cache ? [...own, ...handlerDiagnostics(model, doc, outline, cache)] : own;
  all.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return all.map(toLspDiagnostic);
}

function handlerDiagnostics(model: TemplateModel, doc: TextDocument, outline: () => Outline, cache: SourceCache): Diagnostic[] {
  // Handlers the engine already reports on (a missing Handler, a future rule of its own) are left to it.
  const reported = new Set(model.diagnostics.filter((d) => d.property?.endsWith('.Handler')).map((d) => d.property!.split('.')[1]));
  const out: Diagnostic[] = [];
  const templateDir = path.dirname(model.file);
  // Functions often share a handler and CodeUri (Globals): check each once per analysis.
  const checked = new Map<string, ReturnType<typeof checkHandler>>();
  for (const fn of model.functions) {
    if (!fn.handler || reported.has(fn.logicalId)) continue;
    const key = `${fn.runtime}\0${fn.codeUri}\0${fn.handler}`;
    if (!checked.has(key)) checked.set(key, checkHandler(fn, { codeUriLabel: path.relative(templateDir, fn.codeUri) || '.', cache }));
    const problem = checked.get(key);
    if (problem) out.push({ ...problem, range: handlerRange(fn, model.file, doc, outline()), property: `Resources.${fn.logicalId}.Properties.Handler` });
  }
  return out;
}

/** Where the function's Handler is written: its own, else Globals' (SAM), else its logical id. */
function handlerRange(fn: FunctionDefinition, file: string, doc: TextDocument, outline: Outline): SourceRange {
  const own = nodeAtPath(outline.root, ['Resources', fn.logicalId, 'Properties', 'Handler']);
  const global = fn.resourceType === 'AWS::Serverless::Function' ? nodeAtPath(outline.root, ['Globals', 'Function', 'Handler']) : undefined;
  const node = own ?? global;
  const span = node?.value ?? (node ? { start: node.keyStart, end: node.keyEnd } : undefined);
  const id = nodeAtPath(outline.root, ['Resources', fn.logicalId]);
  const at = span ?? (id ? { start: id.keyStart, end: id.keyEnd } : { start: 0, end: 0 });
  const from = doc.positionAt(at.start);
  const to = doc.positionAt(at.end);
  return { file, line: from.line + 1, column: from.character + 1, endLine: to.line + 1, endColumn: to.character + 1 };
}
