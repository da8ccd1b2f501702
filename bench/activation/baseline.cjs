// The baseline of bench/activation.mjs, in a bare Node process: what the engine alone needs to get
// from nothing to the template's functions — load the engine bundle, open the template, list them.
const t0 = performance.now();
const { Workbench } = require(process.argv[2]);
Workbench.open({ template: process.argv[3], settings: { hotReload: false } }).then(async (workbench) => {
  const functions = workbench.functions().length;
  const ms = performance.now() - t0;
  await workbench.close();
  process.stdout.write(JSON.stringify({ populatedMs: ms, functions }));
});
