// The "Lambda" output channel: Lambda's own log lines and the functions' logs.
import * as assert from 'node:assert';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import { eventually, outputText, run } from './helpers';

describe('output channel', () => {
  it("has Lambda's log lines for every invocation, prefixed with the function and environment", async () => {
    const result = await run<InvocationResult>('lambdaWorkbench.invoke', { functionName: 'Hello' }, { name: 'output' });
    assert.ok(result);
    const id = result.requestId;
    const text = await eventually(`the REPORT line of ${id}`, async () => {
      const t = await outputText();
      return t.includes(`REPORT RequestId: ${id}`) && t;
    });
    const lines = text.split('\n').filter((l) => l.includes(id));
    const prefix = `[Hello ${result.environmentId}] `;
    for (const line of lines) assert.ok(line.startsWith(prefix), `"${line}" starts with "${prefix}"`);
    assert.ok(
      lines.some((l) => l.startsWith(`${prefix}START RequestId: ${id} Version: $LATEST`)),
      'START',
    );
    assert.ok(
      lines.some((l) => /\tINFO\thello invoked/.test(l)),
      "the handler's console.log",
    );
    assert.ok(
      lines.some((l) => l.startsWith(`${prefix}END RequestId: ${id}`)),
      'END',
    );
    assert.match(
      lines.find((l) => l.includes('REPORT'))!,
      /Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/,
    );
  });

  it('has the INIT_START of the cold starts and the versions published earlier', async () => {
    const text = await outputText();
    assert.match(text, /\[Greet [^\]]+\] INIT_START Runtime Version: nodejs:20/);
    assert.match(text, /\[Hello [^\]]+\] START RequestId: \S+ Version: 2/);
  });
});
