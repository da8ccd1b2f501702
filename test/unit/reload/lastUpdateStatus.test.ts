import { GetFunctionConfigurationCommand, InvokeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { waitFor } from '../helpers/wait';

// A hot reload is the local UpdateFunctionCode / UpdateFunctionConfiguration: while it is applied
// (the code rebuilt, the old $LATEST environments retired) the API answers LastUpdateStatus
// InProgress with Lambda's reason, as AWS answers during an update, so the SDK's function_updated
// waiter waits for the reload and the next invocation runs the new code. Real make, python3 and the
// AWS SDK against the local API.

const handler = (version: string) => `def handler(event, context):\n    return {"version": "${version}"}\n`;

describe('LastUpdateStatus while hot reload applies a change', function () {
  this.timeout(60000);
  let dir: string;
  let workbench: Workbench | undefined;
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    await workbench?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is InProgress (The function is being created., Creating) until the rebuild and retirement are done, then Successful; the waiter waits for it', async () => {
    dir = writeProject({
      'template.yaml':
        samTemplate({ Maker: { handler: 'app.handler', runtime: 'python3.12', codeUri: 'maker', props: 'FunctionName: maker-fn' } }) +
        '    Metadata:\n      BuildMethod: makefile\n',
      // A build that takes a while, so the reload's InProgress lasts long enough to be seen.
      'maker/Makefile': 'build-Maker:\n\tsleep 1.5\n\tcp app.py "$(ARTIFACTS_DIR)/app.py"\n',
      'maker/app.py': handler('v1'),
    });
    workbench = await openProject(dir);
    await workbench.hotReloadReady();
    api = await startLambdaApi(workbench);
    const client = api.client;
    const status = async () => {
      const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'maker-fn' }));
      return {
        LastUpdateStatus: c.LastUpdateStatus,
        LastUpdateStatusReason: c.LastUpdateStatusReason,
        LastUpdateStatusReasonCode: c.LastUpdateStatusReasonCode,
      };
    };
    const successful = { LastUpdateStatus: 'Successful', LastUpdateStatusReason: undefined, LastUpdateStatusReasonCode: undefined };
    assert.deepEqual(await status(), successful);

    fs.writeFileSync(path.join(dir, 'maker', 'app.py'), handler('v2'));
    const during = await waitFor(
      async () => {
        const s = await status();
        return s.LastUpdateStatus === 'InProgress' && s;
      },
      20000,
      'LastUpdateStatus InProgress',
      20,
    );
    assert.deepEqual(during, {
      LastUpdateStatus: 'InProgress',
      LastUpdateStatusReason: 'The function is being created.',
      LastUpdateStatusReasonCode: 'Creating',
    });

    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { FunctionName: 'maker-fn' });
    assert.deepEqual(await status(), successful);
    const invoked = await client.send(new InvokeCommand({ FunctionName: 'maker-fn' }));
    assert.deepEqual(JSON.parse(Buffer.from(invoked.Payload!).toString('utf8')), { version: 'v2' });
  });
});
