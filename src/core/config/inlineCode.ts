// `InlineCode` (SAM) and `Code.ZipFile` (AWS::Lambda::Function): CloudFormation puts the source in a
// file named `index` (index.js for Node.js, index.py for Python), so `Handler: index.handler` works.
// Locally the file lives in the state directory, one folder per function, and is written when the
// template is loaded from disk (not for an editor's unsaved buffer).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TemplateModel } from './types';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import { KNOWN_RUNTIMES } from './runtimes';

/** Where a function's inline code is written: `<stateDir>/inline/<LogicalId>`. */
export function inlineCodeDir(stateDir: string, logicalId: string): string {
  return path.join(stateDir, 'inline', logicalId);
}

export interface InlineCode {
  fileName: string;
  source: string;
  /** Why it cannot run (a runtime CloudFormation does not take inline code for). */
  unsupported?: string;
}

/** The inline code at `keys`, with the file name its runtime gives it; undefined when not a string (reported). */
export function readInlineCode(r: PropertyReader, keys: string[], runtime: string | undefined): InlineCode | undefined {
  const source = r.get(...keys);
  const name = keys.join('.');
  if (typeof source !== 'string') {
    if (source === undefined || source === null) r.error('missing-property', keys, `${name} has no value that can be used locally`);
    else r.error('invalid-type', keys, `${name} must be the function's source code as a string, got ${describe(source)}`);
    return undefined;
  }
  const family = runtime ? KNOWN_RUNTIMES[runtime]?.family : undefined;
  if (family === 'nodejs') return { fileName: 'index.js', source };
  if (family === 'python') return { fileName: 'index.py', source };
  const unsupported = `${name} is only for Node.js and Python runtimes (CloudFormation writes it to index.js / index.py)${runtime ? `, not ${runtime}` : ''}`;
  if (runtime) r.warning('unsupported-property', keys, `${unsupported}; only this function is affected`);
  return { fileName: 'index', source, unsupported };
}

/** Writes each function's inline code into its code directory (only when it changed, so watchers stay quiet). */
export function writeInlineCode(model: TemplateModel): void {
  for (const fn of model.functions) {
    if (!fn.inlineCode || !fn.codeUri) continue;
    const file = path.join(fn.codeUri, fn.inlineCode.fileName);
    let current: string | undefined;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === fn.inlineCode.source) continue;
    try {
      fs.mkdirSync(fn.codeUri, { recursive: true });
      fs.writeFileSync(file, fn.inlineCode.source);
    } catch (err) {
      fn.unsupported ??= `Cannot write the function's inline code to ${file}: ${(err as Error).message}`;
    }
  }
}
