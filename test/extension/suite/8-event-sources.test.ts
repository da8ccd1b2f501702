// The template's queue and its mapping: a message sent with the Event Sources view's command is
// polled and handed to the function, whose log line reaches the output channel.
import * as assert from 'node:assert';
import { eventually, outputText, run } from './helpers';

describe('event sources', () => {
  it('sends a message to the queue; the mapping invokes Worker with it', async () => {
    const sent = await run<{ messageId: string }>('lambdaWorkbench.sendMessage', { queue: 'Jobs' }, 'job-from-the-test');
    assert.ok(sent?.messageId, 'sendMessage returned the message id');
    await eventually(
      "Worker's log line in the output channel",
      async () => /\[Worker [^\]]+\] .*\tINFO\tworker got job-from-the-test/.test(await outputText()),
      30_000,
      250,
    );
  });
});
