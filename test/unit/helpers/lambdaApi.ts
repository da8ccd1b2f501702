import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaApiServer } from '../../../src/core/api/lambdaApi';
import type { Workbench } from '../../../src/core/workbench';

// The engine's Lambda API served in this process, with an AWS SDK client on it.

export interface TestApi {
  server: LambdaApiServer;
  /** The API's base URL (http://127.0.0.1:<port>). */
  endpoint: string;
  /** Test credentials, no retries. */
  client: LambdaClient;
  close(): Promise<void>;
}

export async function startLambdaApi(workbench: Workbench): Promise<TestApi> {
  const server = new LambdaApiServer(workbench, { host: '127.0.0.1', port: 0 });
  const endpoint = (await server.listen()).url;
  const client = new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  return {
    server,
    endpoint,
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
