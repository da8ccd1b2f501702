import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTemplate, formatDiagnostic } from '../core/config';
import { TemplateError, Workbench, type WorkbenchSettings } from '../core/workbench';

/** A usage or template problem: printed as is, exit code 2. */
export class UsageError extends Error {}

export interface CommonOptions {
  template?: string;
  region?: string;
  nodePath?: string;
  parameterOverrides?: string[];
}

export function resolveTemplatePath(option: string | undefined): string {
  if (option) {
    const full = path.resolve(option);
    if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
      const found = findTemplate(full);
      if (!found) throw new UsageError(`No template.yaml, template.yml or template.json in ${option}`);
      return found;
    }
    if (!fs.existsSync(full)) throw new UsageError(`Template not found: ${option}`);
    return full;
  }
  const found = findTemplate(process.cwd());
  if (!found) throw new UsageError('No template.yaml or template.yml in the current directory; pass --template <file>');
  return found;
}

/** `Key=Value` pairs, as `sam --parameter-overrides` takes them. */
function parseOverrides(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--parameter-overrides expects Key=Value, got "${pair}"`);
    result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

/** Opens the engine for the command's template; template errors become one message per problem. */
export async function openWorkbench(options: CommonOptions, extra: Partial<WorkbenchSettings> = {}): Promise<Workbench> {
  const template = resolveTemplatePath(options.template);
  try {
    return await Workbench.open({
      template,
      settings: {
        ...extra,
        ...(options.region ? { region: options.region } : {}),
        ...(options.nodePath ? { nodePath: options.nodePath } : {}),
        parameterOverrides: parseOverrides(options.parameterOverrides),
      },
    });
  } catch (error) {
    if (error instanceof TemplateError) {
      const lines = error.diagnostics.map(formatDiagnostic);
      const count = error.diagnostics.filter((d) => d.severity === 'error').length;
      throw new UsageError(`${lines.join('\n')}\n${count} error(s) in ${template}: nothing was run.`);
    }
    throw error;
  }
}
