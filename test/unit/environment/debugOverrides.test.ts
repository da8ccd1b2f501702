import { strict as assert } from 'node:assert';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, samTemplate, writeProject } from '../helpers/project';

// A debug session's variable overrides (PUT /_workbench/debug/functions/<name> `Environment`) are
// checked when they are set — a NUL byte or a non-string value is InvalidParameterValueException
// (400) — instead of failing every later cold start with Runtime.InvalidEntrypoint.

describe('debug-mode environment overrides are validated when set', function () {
  this.timeout(20000);
  let workbench: Workbench;
  before(async () => {
    const dir = writeProject({
      'template.yaml': samTemplate({ Echo: { handler: 'index.handler' } }),
      'src/index.js': 'exports.handler = async () => process.env.EXTRA ?? null;',
    });
    workbench = await openProject(dir);
  });
  after(() => workbench?.close());

  it('a NUL byte, a non-string value or a bad name is InvalidParameterValueException; the function keeps working', async () => {
    for (const environment of [{ EXTRA: 'a\0b' }, { EXTRA: 42 }, { 'A=B': 'x' }, ['x']]) {
      assert.throws(
        () => workbench.setDebug('Echo', true, { environment: environment as unknown as Record<string, string> }),
        (e: Error & { code?: string }) => e.code === 'InvalidParameterValueException' && !e.message.includes('\0'),
        JSON.stringify(environment),
      );
    }
    assert.equal(workbench.isDebugging('Echo'), false, 'a refused override does not switch debug mode on');
    const result = await workbench.invoke('Echo', '{}');
    assert.equal(result.functionError, undefined, result.payload.toString());
  });
});
