// YAML/JSON text → position-carrying tree, with short-form tags rewritten to long form.
// JSON is valid YAML (flow style), so one parser serves both and keeps positions for both.
import { parseChunked, type ParseCache } from './chunkedParse';
import type { DiagnosticSink } from './diagnostics';
import type { SourceFile } from './source';
import type { TNode } from './tree';
import { Converter, parseYaml, YAML_LIMITS } from './yamlConverter';

/** YAML errors reported for one text; the rest are summed up in one more. */
const MAX_YAML_ERRORS = 100;

/**
 * Parses the template. Returns undefined when the text has syntax errors (reported as
 * `yaml-syntax`): a half-parsed tree would only produce misleading follow-up diagnostics. With a
 * cache (an editor's document), only the parts of the text that changed are parsed again.
 */
export function parseTemplate(source: SourceFile, sink: DiagnosticSink, cache?: ParseCache): TNode | undefined {
  if (cache) {
    const chunked = parseChunked(source.text, sink, cache);
    if (chunked) return chunked;
  }
  const doc = parseYaml(source.text);
  // Mangled text can give thousands of errors (one per line of a broken list); the first ones are what helps.
  // A stack overflow in the library's composer is reported at each level it unwinds through: the first one says it.
  const exhausted = doc.errors.findIndex((e) => e.code === 'RESOURCE_EXHAUSTION');
  const errors = doc.errors.filter((e, i) => e.code !== 'RESOURCE_EXHAUSTION' || i === exhausted);
  const shown = errors.slice(0, MAX_YAML_ERRORS);
  for (const e of shown) {
    const code = e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : e.code === 'RESOURCE_EXHAUSTION' ? 'yaml-too-deep' : 'yaml-syntax';
    const message =
      e.code === 'DUPLICATE_KEY'
        ? 'Duplicate key: keys in a mapping must be unique'
        : // The yaml library's own stack ran out composing a deeply nested collection.
          e.code === 'RESOURCE_EXHAUSTION'
          ? `The template nests mappings and lists too deeply for the YAML parser to read (it ran out of stack here; the reader allows ${YAML_LIMITS.maxDepth} levels)`
          : e.message;
    sink.error(code, message, { start: e.pos[0], end: e.pos[1] });
  }
  if (errors.length > shown.length) {
    const last = shown[shown.length - 1]!;
    sink.error('yaml-syntax', `… and ${errors.length - shown.length} more YAML errors after this one (fix the first ones)`, {
      start: last.pos[0],
      end: last.pos[1],
    });
  }
  for (const w of doc.warnings) {
    // An unknown `!Tag` is not a CloudFormation function; CloudFormation rejects the template.
    const unknownTag = w.code === 'TAG_RESOLVE_FAILED';
    sink.add(unknownTag ? 'error' : 'warning', unknownTag ? 'unknown-tag' : 'yaml-warning', w.message, {
      start: w.pos[0],
      end: w.pos[1],
    });
  }
  if (doc.errors.length > 0) return undefined;
  return new Converter(source.text, sink, doc).root();
}
