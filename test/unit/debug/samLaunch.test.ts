import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { attachCdp, responseOf, serveAdapter, until, withClient } from './dapTestSupport';

// The `lambda` launch configuration's SAM inputs: `envVars` and `parameterOverrides`, over the
// samconfig next to the template when the session opens its own engine; `envVars` through
// debug-mode variables when the engine is already running (the extension host's).

type Launch = DebugProtocol.LaunchRequestArguments;

const TEMPLATE = samTemplate({
  Echo: { handler: 'app.handler', props: 'Environment:\n  Variables:\n    STAGE: !Ref Stage\n    OTHER: !Ref Other\n    TABLE: real' },
}).replace('Resources:\n', 'Parameters:\n  Stage:\n    Type: String\n    Default: dev\n  Other:\n    Type: String\n    Default: x\nResources:\n');
const HANDLER =
  'exports.handler = async () => ({ STAGE: process.env.STAGE, OTHER: process.env.OTHER, TABLE: process.env.TABLE, EXTRA: process.env.EXTRA ?? null });\n';

describe('lambda debug adapter: SAM inputs of a launch configuration', function () {
  this.timeout(60000);
  let adapter: { port: number; close(): Promise<void> };
  let running: Workbench | undefined;
  let dir: string;
  let template: string;

  before(async () => {
    dir = writeProject({
      'template.yaml': TEMPLATE,
      'src/app.js': HANDLER,
      'samconfig.toml': '[default.local_invoke.parameters]\nparameter_overrides = "Other=from-samconfig"\n',
      'env.json': JSON.stringify({ Parameters: { TABLE: 'local', EXTRA: 'undeclared' } }),
    });
    template = path.join(dir, 'template.yaml');
    adapter = await serveAdapter(() => ({ workbenchFor: (t) => (running && t === template ? running : undefined) }));
  });
  after(async () => {
    await running?.close();
    await adapter.close();
  });

  async function launchAndRespond(args: Record<string, unknown>): Promise<Record<string, unknown>> {
    let result: Record<string, unknown> | undefined;
    await withClient(adapter.port, async ({ dc, children, output }) => {
      await dc.launchRequest({ template, function: 'Echo', event: {}, ...args } as Launch);
      await dc.configurationDoneRequest();
      const child = await until('startDebugging', () => children[0]);
      const cdp = await attachCdp(child, path.join(dir, 'src', 'app.js'), []);
      result = responseOf(await until('the response', () => output.find((l) => l.includes(' response: '))));
      await cdp.client.close();
    });
    return result!;
  }

  it("its own engine: envVars (declared variables only) and samconfig's parameters; parameterOverrides replace samconfig's", async () => {
    const withFile = await launchAndRespond({ envVars: 'env.json' });
    assert.deepEqual(withFile, { STAGE: 'dev', OTHER: 'from-samconfig', TABLE: 'local', EXTRA: null });
    const withParameters = await launchAndRespond({ parameterOverrides: 'ParameterKey=Stage,ParameterValue=dbg' });
    assert.deepEqual(withParameters, { STAGE: 'dbg', OTHER: 'x', TABLE: 'real', EXTRA: null });
  });

  it("a running engine: the configuration's envVars reach the debugged function", async () => {
    running = await openProject(dir);
    try {
      const out = await launchAndRespond({ envVars: 'env.json', env: { OTHER: 'from-env' } });
      assert.deepEqual(out, { STAGE: 'dev', OTHER: 'from-env', TABLE: 'local', EXTRA: null });
    } finally {
      await running.close();
      running = undefined;
    }
  });
});
