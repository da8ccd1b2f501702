// A template's text plus a line index, so byte offsets from the parser can be turned
// into the 1-based line/column ranges that diagnostics carry.
import type { SourcePosition, SourceRange } from './types';

export class SourceFile {
  private lineStarts: number[] | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  position(offset: number): SourcePosition {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    const at = Math.max(0, Math.min(offset, this.text.length));
    // Last line start <= at.
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return { file: this.file, line: low + 1, column: at - starts[low]! + 1 };
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

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
