// Public API of the template reader.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type * from './types';
export { loadTemplate, loadTemplateText, type LoadTemplateOptions } from './loader';
export { ParseCache } from './chunkedParse';
export { formatDiagnostic, hasErrors } from './diagnostics';
export { checkDescription } from './aliasRules';
export { KNOWN_RUNTIMES, supportedRuntimes, type RuntimeFamily, type RuntimeInfo } from './runtimes';
export { parseJsonWithPosition, type JsonSyntaxProblem } from './jsonPosition';
export {
  applyEnvironmentOverrides,
  environmentOverridesOf,
  parseParameterOverrides,
  readEnvVarsFile,
  SamOverrideError,
  type EnvironmentOverrides,
} from './samOverrides';
export {
  DEFAULT_SAM_CONFIG_ENV,
  findSamConfig,
  readSamConfig,
  SAM_CONFIG_NAMES,
  SAM_CONFIG_SECTIONS,
  samRunInputs,
  type SamConfigValues,
  type SamRunInputs,
} from './samConfig';

export const TEMPLATE_NAMES = ['template.yaml', 'template.yml', 'template.json'];

// A top-level `AWSTemplateFormatVersion` key, or a SAM transform (`Transform: AWS::Serverless-2016-10-31`, also in a list).
const FORMAT_VERSION = /(?:^|[{,])[ \t]*["']?AWSTemplateFormatVersion["']?[ \t]*:/m;
const SAM_TRANSFORM = /(?:^|[{,])[ \t]*["']?Transform["']?\s*:\s*(?:\[\s*|-\s+)?["']?AWS::Serverless-/m;

/** Whether a YAML or JSON text is a CloudFormation / SAM template (not any other YAML or JSON). */
export function isTemplateText(text: string): boolean {
  return FORMAT_VERSION.test(text) || SAM_TRANSFORM.test(text);
}

/** The template in `dir`: template.yaml, then template.yml, then template.json. */
export function findTemplate(dir: string): string | undefined {
  for (const name of TEMPLATE_NAMES) {
    const file = path.join(dir, name);
    if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return undefined;
}
