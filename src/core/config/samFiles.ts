import * as fs from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parseDocument } from 'yaml';

// SAM's data files (samconfig, `file://` parameter files): TOML by the `.toml` extension, YAML
// otherwise; a syntax error is reported at its file:line:column.

/** A SAM file that cannot be read or does not parse; the message says where. */
export class SamOverrideError extends Error {}

export const SAM_DATA_EXTENSIONS = ['.toml', '.yaml', '.yml'];

export function readSamDataFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SamOverrideError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (file.endsWith('.toml')) {
    try {
      return parseToml(text);
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new SamOverrideError(`${file}:${error.line}:${error.column}: not valid TOML: ${reason}`);
    }
  }
  const parsed = parseDocument(text);
  const problem = parsed.errors[0];
  if (problem) {
    const at = problem.linePos?.[0];
    const reason = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new SamOverrideError(`${file}:${at?.line ?? 1}:${at?.col ?? 1}: not valid YAML: ${reason}`);
  }
  return parsed.toJS();
}
