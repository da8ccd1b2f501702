// Runs inside the extension host (extensionTestsPath of bench/activation.mjs). The extension has
// activated at start-up (workspaceContains: a template), before this runs, so the times come from
// its own record (activate()'s `activation`, performance.now() of this same process): activate()
// began → returned, and → its engines had opened, when the Functions view can list the template's
// functions (checked here). Written to $BENCH_ACTIVATION_OUT.
const fs = require('node:fs');
const vscode = require('vscode');

exports.run = async function run() {
  const extension = vscode.extensions.getExtension('lambda-workbench.lambda-workbench');
  if (!extension) throw new Error('lambda-workbench.lambda-workbench is not installed');
  const api = await extension.activate();
  const { startedAt, returnedAt } = api.activation;
  const enginesOpenAt = await api.activation.enginesOpen;
  const functions = await api.views.functions.getChildren();
  if (functions.length === 0) throw new Error('the Functions view is empty once the engines are open');
  fs.writeFileSync(process.env.BENCH_ACTIVATION_OUT, JSON.stringify({ activateMs: returnedAt - startedAt, populatedMs: enginesOpenAt - startedAt, functions: functions.length }));
};
