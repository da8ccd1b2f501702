import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildIfStale, runCliSync, TEST_CREDENTIALS, type CliRun } from '../helpers/build';
import { startServe, stopServe, waitForOutput, type ServeProcess } from '../helpers/serveProcess';
import { samResources, writeRecordingProject } from '../helpers/project';
import { waitFor } from '../helpers/wait';

// `send-message`, `put-record`, `queues`, `streams`, `purge` as a user runs them: the built CLI
// reaching a running `serve` (found through the state directory) whose mappings process what is
// sent — and, with no serve, the project's state directly.

const HANDLER = `
  const fs = require('fs');
  exports.handler = async (event) => { fs.appendFileSync(process.env.OUT, JSON.stringify(event) + '\\n'); return {}; };
`;

function cli(args: string[]): CliRun {
  return runCliSync(args, { env: { ...process.env, ...TEST_CREDENTIALS } });
}

function until(what: string, check: () => boolean, ms = 15000): Promise<boolean> {
  return waitFor(check, ms, what, 50);
}

describe('CLI: queues and streams', function () {
  this.timeout(60000);
  let dir: string;
  let out: string;
  before(() => {
    buildIfStale();
    ({ dir, file: out } = writeRecordingProject({
      handler: HANDLER,
      name: 'Worker',
      variable: 'OUT',
      file: 'handled.out',
      props:
        'Events:\n  Jobs:\n    Type: SQS\n    Properties:\n      Queue: !GetAtt Jobs.Arn\n  Clicks:\n    Type: Kinesis\n    Properties:\n      Stream: !GetAtt Clicks.Arn\n      StartingPosition: TRIM_HORIZON',
      resources: samResources({
        Jobs: 'AWS::SQS::Queue',
        Parked: { type: 'AWS::SQS::Queue', props: 'QueueName: parked' },
        Clicks: { type: 'AWS::Kinesis::Stream', props: 'ShardCount: 3' },
      }),
    }));
  });

  it("without a serve: messages wait in the project's queue; queues, streams and purge work on the state directly", () => {
    let r = cli(['send-message', 'Parked', '--body', 'hello', '-t', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Sent message [0-9a-f-]{36} to Parked\n$/);
    r = cli(['queues', '-t', dir, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const parked = JSON.parse(r.stdout).find((q: any) => q.Name === 'parked');
    assert.equal(parked.Visible, 1);
    r = cli(['queues', '-t', dir]);
    assert.match(r.stdout, /QUEUE\s+VISIBLE\s+IN FLIGHT\s+DELAYED\s+WHERE/);
    assert.match(r.stdout, /Parked \(parked\)\s+1\s+0\s+0\s+embedded/);
    r = cli(['purge', 'Parked', '-t', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(cli(['queues', '-t', dir, '--json']).stdout).find((q: any) => q.Name === 'parked').Visible, 0);
    r = cli(['streams', '-t', dir]);
    assert.match(r.stdout, /Clicks\s+kinesis\s+3\s+embedded/);
    r = cli(['send-message', 'Nope', '--body', 'x', '-t', dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /No queue Nope in this project \(queues: Jobs, Parked\)/);
    r = cli(['put-record', 'Clicks', '--data', 'x', '-t', dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--partition-key/);
  });

  describe('with a serve running on the project', () => {
    let served: ServeProcess;
    before(async () => {
      served = startServe(['--port', '0', '-t', dir], { env: TEST_CREDENTIALS });
      await waitForOutput(served, /Event source mapping: Clicks/, 15000);
      assert.match(served.stdout(), /^Event source mapping: Jobs \(SQS\) → Worker, batch size 10$/m);
      assert.match(served.stdout(), /^Event source mapping: Clicks \(Kinesis\) → Worker, batch size 100$/m);
    });
    after(async () => {
      await stopServe(served);
      assert.equal(fs.existsSync(path.join(dir, '.lambda-workbench', 'serve.json')), false, 'serve removes its discovery file');
    });

    it('send-message reaches the serve, whose SQS mapping invokes the function', async () => {
      const r = cli(['send-message', 'Jobs', '--body', '{"job":1}', '-t', dir]);
      assert.equal(r.status, 0, r.stderr);
      await until('the function to get the message', () => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('{\\"job\\":1}'));
      const event = JSON.parse(
        fs
          .readFileSync(out, 'utf8')
          .trim()
          .split('\n')
          .find((l) => l.includes('job'))!,
      );
      assert.equal(event.Records[0].body, '{"job":1}');
      assert.equal(event.Records[0].messageId, /Sent message (\S+)/.exec(r.stdout)![1]);
    });

    it('put-record reaches the serve, whose Kinesis mapping invokes the function', async () => {
      const r = cli(['put-record', 'Clicks', '--data', 'click!', '--partition-key', 'user-1', '-t', dir]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Put record \d+ into Clicks \(shardId-\d+\)\n$/);
      await until(
        'the function to get the record',
        () => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes(Buffer.from('click!').toString('base64')),
      );
    });
  });
});
