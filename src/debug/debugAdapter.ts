import { DebugSession } from '@vscode/debugadapter';
import { LambdaDebugSession } from './lambdaDebugSession';

// Standalone entry (dist/debugAdapter.js): DAP over stdio, or over a socket with `--server=<port>`
// (DebugSession.run reads that argument and starts one session per connection).

DebugSession.run(LambdaDebugSession);
