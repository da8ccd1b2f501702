import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// dist/languageServer.js: `--stdio`, `--node-ipc` (vscode-languageclient's default for a Node
// module) or `--socket=<port>`, as createConnection reads them from the command line.
startServer(createConnection(ProposedFeatures.all));
