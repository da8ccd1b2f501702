import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isTemplateText, loadTemplateText, ParseCache, type TemplateModel } from '../../core/config';
import { jsonContextAt, jsonOutline } from './outline/jsonOutline';
import type { CursorContext, Outline } from './outline/outline';
import { yamlContextAt, yamlOutline } from './outline/yamlOutline';

// What the server knows of each open document: whether it is a template at all, its outline
// (per version, built on first use) and the latest model the engine's reader made of it.

/** The file path of a `file:` URI; undefined for others (untitled buffers have no directory to resolve CodeUri in). */
export function fsPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export class DocumentState {
  private outlineCache: { version: number; outline: Outline } | undefined;
  private templateCache: { version: number; template: boolean } | undefined;
  /** The latest analysis (possibly of an older version while a newer one waits). */
  model: TemplateModel | undefined;
  modelVersion = -1;
  /** Diagnostics were published for this document (so leaving template-hood clears them). */
  published = false;
  /** Parsed chunks of the text: an edit parses again only the resource it touched. */
  private readonly parseCache = new ParseCache();

  constructor(readonly uri: string) {}

  /** The template's path: the file's, or a stand-in in the working directory for an untitled buffer. */
  get file(): string {
    return fsPathOf(this.uri) ?? path.resolve(path.basename(this.uri.replace(/[?#].*$/, '')) || 'template.yaml');
  }

  isTemplate(doc: TextDocument): boolean {
    if (this.templateCache?.version !== doc.version) this.templateCache = { version: doc.version, template: isTemplateText(doc.getText()) };
    return this.templateCache.template;
  }

  outline(doc: TextDocument): Outline {
    if (this.outlineCache?.version !== doc.version) {
      const text = doc.getText();
      const outline = /^\s*[{[]/.test(text) ? jsonOutline(text) : yamlOutline(text);
      this.outlineCache = { version: doc.version, outline };
    }
    return this.outlineCache.outline;
  }

  contextAt(doc: TextDocument, offset: number): CursorContext | undefined {
    const outline = this.outline(doc);
    const text = doc.getText();
    return outline.format === 'json' ? jsonContextAt(outline, text, offset) : yamlContextAt(outline, text, offset);
  }

  /** The model of this version, or the latest one; made now when there is none yet. */
  currentModel(doc: TextDocument): TemplateModel {
    if (!this.model) this.setModel(this.analyse(doc.getText()), doc.version);
    return this.model!;
  }

  /** The engine's reader on this text (incrementally: see ParseCache). */
  analyse(text: string): TemplateModel {
    return loadTemplateText(this.file, text, { parseCache: this.parseCache });
  }

  setModel(model: TemplateModel, version: number): void {
    if (version < this.modelVersion) return;
    // A model of a text that no longer parses has no functions: keep the last one that had some.
    if (!this.model || model.functions.length > 0 || !model.diagnostics.some((d) => d.code === 'yaml-syntax')) this.model = model;
    this.modelVersion = version;
  }
}
