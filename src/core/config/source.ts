// A template's text plus a line index, so byte offsets from the YAML parser can be
// turned into the 1-based line/column ranges that diagnostics carry.
import { LineCounter } from 'yaml';
import type { SourcePosition, SourceRange } from './types';

export class SourceFile {
  readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  position(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { file: this.file, line, column: col };
  }

  /** Range of [start, end); trailing whitespace is trimmed so block nodes don't end on the next line. */
  range(start: number, end: number): SourceRange {
    let e = Math.max(start, Math.min(end, this.text.length));
    while (e > start && /\s/.test(this.text[e - 1] ?? '')) e--;
    const from = this.position(start);
    const to = this.position(e);
    return { ...from, endLine: to.line, endColumn: to.column };
  }
}
