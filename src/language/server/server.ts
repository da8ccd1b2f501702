import { TextDocument } from 'vscode-languageserver-textdocument';
import { DidChangeWatchedFilesNotification, TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { SourceCache } from '../../core/handlers';
import { codeLenses } from './codeLens';
import { completionsAt } from './completion';
import { definitionAt } from './definition';
import { templateDiagnostics } from './diagnostics';
import { DocumentState, fsPathOf } from './documentState';
import { hoverAt } from './hover';
import { AnalysisScheduler, type AnalysisRun } from './scheduler';

// The template language server: diagnostics, CodeLens, hover, completion and go to definition
// for documents that are SAM / CloudFormation templates. Other documents get nothing (another
// YAML or JSON server may serve them; we only add).

export interface ServerOptions {
  /** Changes closer together than this (ms) are analysed once, when they stop (initializationOptions.debounceMs). */
  debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 15;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentState>();
  const sources = new SourceCache();
  const logError = (err: unknown) =>
    connection.console.error(`Lambda Workbench: template analysis failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  let scheduler = new AnalysisScheduler(analyse, DEFAULT_DEBOUNCE_MS, logError);

  const stateOf = (uri: string) => {
    let state = states.get(uri);
    if (!state) states.set(uri, (state = new DocumentState(uri)));
    return state;
  };
  /** The document and its state when it is an open template. */
  const template = (uri: string) => {
    const doc = documents.get(uri);
    const state = doc && stateOf(uri);
    return doc && state?.isTemplate(doc) ? { doc, state } : undefined;
  };

  async function analyse(uri: string, run: AnalysisRun): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const state = stateOf(uri);
    if (!state.isTemplate(doc)) {
      if (state.published) await connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [] });
      state.published = false;
      return;
    }
    const version = doc.version;
    const text = doc.getText();
    const model = state.analyse(text);
    state.setModel(model, version);
    if (!(await run.checkpoint()) || !documents.get(uri)) return;
    // Usually still this version (a document is updated in place); an overdue stale result is
    // located in the text it was made from.
    const snapshot = doc.version === version ? doc : TextDocument.create(uri, doc.languageId, version, text);
    // An untitled buffer has no directory: its CodeUri means nothing yet.
    const diagnostics = templateDiagnostics(model, snapshot, () => state.outline(snapshot), fsPathOf(uri) ? sources : undefined);
    await connection.sendDiagnostics({ uri, version, diagnostics });
    state.published = true;
    run.published();
  }

  let watchFiles = false;
  connection.onInitialize((params): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as ServerOptions;
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) scheduler = new AnalysisScheduler(analyse, options.debounceMs, logError);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '"'] },
        definitionProvider: true,
      },
      serverInfo: { name: 'Lambda Workbench templates' },
    };
  });

  // Opening analyses at once (TextDocuments reports an open as a content change too).
  const openedVersions = new Map<string, number>();
  documents.onDidOpen((e) => {
    openedVersions.set(e.document.uri, e.document.version);
    scheduler.schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    if (openedVersions.get(e.document.uri) !== e.document.version) scheduler.schedule(e.document.uri);
  });
  documents.onDidClose((e) => {
    scheduler.cancel(e.document.uri);
    openedVersions.delete(e.document.uri);
    const state = states.get(e.document.uri);
    states.delete(e.document.uri);
    if (state?.published) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  // Handler files come and go: check the open templates again (dependencies' files aside).
  connection.onInitialized(() => {
    if (watchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{js,mjs,cjs,ts,mts,cts,py}' }] });
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (!changes.some((c) => !/\/(node_modules|\.git)\//.test(c.uri))) return;
    for (const doc of documents.all()) if (states.get(doc.uri)?.isTemplate(doc)) scheduler.schedule(doc.uri);
  });

  connection.onCodeLens(({ textDocument }) => {
    const t = template(textDocument.uri);
    return t ? codeLenses(fsPathOf(textDocument.uri), t.doc, t.state.outline(t.doc), t.state.model) : [];
  });
  connection.onHover(({ textDocument, position }) => {
    const t = template(textDocument.uri);
    return t ? hoverAt(t.doc, t.state.outline(t.doc), t.doc.offsetAt(position)) : null;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const t = template(textDocument.uri);
    return t ? completionsAt(t.doc, t.state.outline(t.doc), t.state.contextAt(t.doc, t.doc.offsetAt(position))) : [];
  });
  connection.onDefinition(({ textDocument, position }) => {
    const t = template(textDocument.uri);
    return t && fsPathOf(textDocument.uri) ? definitionAt(t.state.outline(t.doc), t.doc.offsetAt(position), t.state.currentModel(t.doc)) : [];
  });

  documents.listen(connection);
  connection.listen();
}
