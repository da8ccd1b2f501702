// Collecting, de-duplicating and printing diagnostics.
import * as path from 'node:path';
import type { Diagnostic, DiagnosticSeverity, TemplateModel } from './types';
import type { SourceFile } from './source';

/** Where a diagnostic points: byte offsets in the template text. */
export interface Span {
  start: number;
  end: number;
}

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  // The same node can be resolved more than once (e.g. a FunctionName read for a Ref and
  // again for the function itself); report each problem once.
  private readonly seen = new Set<string>();

  constructor(readonly source: SourceFile) {}

  add(severity: DiagnosticSeverity, code: string, message: string, at: Span, property?: string): void {
    const key = `${at.start}:${at.end}:${code}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d: Diagnostic = { severity, code, message, range: this.source.range(at.start, at.end) };
    if (property) d.property = property;
    this.list.push(d);
  }

  error(code: string, message: string, at: Span, property?: string): void {
    this.add('error', code, message, at, property);
  }

  warning(code: string, message: string, at: Span, property?: string): void {
    this.add('warning', code, message, at, property);
  }

  /** Diagnostics in file order, which is how editors and CLIs want to show them. */
  sorted(): Diagnostic[] {
    return [...this.list].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  }
}

/** `path/to/template.yaml:12:5 error Resources.Hello.Properties.MemorySize: message` */
/** The template has errors: nothing can run until they are fixed. */
export class TemplateError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`The template has ${errors.length} error(s): ${errors.map(formatDiagnostic).join('; ')}`);
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const rel = path.relative(process.cwd(), d.range.file);
  const file = rel && rel.length < d.range.file.length ? rel : d.range.file;
  const prefix = d.property ? `${d.property}: ` : '';
  return `${file}:${d.range.line}:${d.range.column} ${d.severity} ${prefix}${d.message}`;
}

export function hasErrors(model: Pick<TemplateModel, 'diagnostics'>): boolean {
  return model.diagnostics.some((d) => d.severity === 'error');
}
