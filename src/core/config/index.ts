// Public API of the template reader.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type * from './types';
export { loadTemplate, loadTemplateText } from './loader';
export { ParseCache } from './chunkedParse';
export { formatDiagnostic, hasErrors } from './diagnostics';
export { KNOWN_RUNTIMES, supportedRuntimes, type RuntimeFamily, type RuntimeInfo } from './runtimes';

const TEMPLATE_NAMES = ['template.yaml', 'template.yml', 'template.json'];

/** The template in `dir`: template.yaml, then template.yml, then template.json. */
export function findTemplate(dir: string): string | undefined {
  for (const name of TEMPLATE_NAMES) {
    const file = path.join(dir, name);
    if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return undefined;
}
