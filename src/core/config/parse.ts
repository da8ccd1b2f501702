// YAML/JSON text → position-carrying tree, with short-form tags rewritten to long form.
// JSON is valid YAML (flow style), so one parser serves both and keeps positions for both.
import { parseChunked, type ParseCache } from './chunkedParse';
import type { DiagnosticSink } from './diagnostics';
import type { SourceFile } from './source';
import type { TNode } from './tree';
import { Converter, parseYaml } from './yamlConverter';

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
  for (const e of doc.errors) {
    const code = e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
    const message = e.code === 'DUPLICATE_KEY' ? 'Duplicate key: keys in a mapping must be unique' : e.message;
    sink.error(code, message, { start: e.pos[0], end: e.pos[1] });
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
  return new Converter(source.text, sink, doc).node(doc.contents, '', 0);
}
