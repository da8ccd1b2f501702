import { DebugSession } from '@vscode/debugadapter';
import { LambdaDebugSession } from './lambdaDebugSession';

// Standalone entry (dist/debugAdapter.js): DAP over stdio, or over a socket with `--server=<port>`
// (DebugSession.run reads that argument and starts one session per connection). Standalone, each
// session opens its own engine on the configuration's template.

class StandaloneLambdaDebugSession extends LambdaDebugSession {
  constructor() {
    super({});
  }
}

DebugSession.run(StandaloneLambdaDebugSession);
