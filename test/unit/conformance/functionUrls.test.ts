import { recording, Replay } from './replay';
import { serveFrontEnds, type ServedFrontEnds } from '../http/frontEnds';
import { samTemplate } from '../helpers/project';
import { parsedObject } from './invokeAnswer';

// Function URLs as AWS answers them: LocalStack's TestLambdaURL::test_lambda_url_invocation
// (test_lambda.py), a POST to a NONE-auth URL of a Python handler returning each kind of value,
// compared with AWS's recorded answer (status, Content-Type, Content-Length, body). The URL is the
// template's FunctionUrlConfig served by our HTTP front end: CreateFunctionUrlConfig and
// AddPermission are not served, so their recorded answers are not compared.

const RECORDED = 'test_lambda.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda.py::TestLambdaURL';

/** The recorded cases: the handler's return value (Python), by LocalStack's parameter id. */
const RETURNS: Record<string, string> = {
  dict: '{"hello": "world"}',
  'http-response': '{"statusCode": 200, "body": "body123"}',
  'http-response-json': '{"statusCode": 200, "body": "{\\"hello\\": \\"world\\"}"}',
  'list-mixed': '["hello", 3, True]',
  string: '"hello"',
  integer: '3',
  float: '3.1',
  boolean: 'True',
};

const logicalId = (id: string) => `Url${id.replace(/[^a-z]/gi, '')}`;

describe('conformance: function URLs (TestLambdaURL, recorded against AWS)', function () {
  this.timeout(60000);
  let served: ServedFrontEnds;

  before(async () => {
    const files: Record<string, string> = {};
    const functions: Record<string, { handler: string; runtime: string; props: string }> = {};
    for (const [id, value] of Object.entries(RETURNS)) {
      const name = logicalId(id);
      files[`src/${name.toLowerCase()}.py`] = `def handler(event, ctx):\n    return ${value}\n`;
      functions[name] = { handler: `${name.toLowerCase()}.handler`, runtime: 'python3.12', props: 'FunctionUrlConfig:\n  AuthType: NONE' };
    }
    served = await serveFrontEnds({ ...files, 'template.yaml': samTemplate(functions) });
  });
  after(() => served?.close());

  for (const id of Object.keys(RETURNS)) {
    it(`test_lambda_url_invocation[${id}]`, async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_lambda_url_invocation[${id}]`));
      const response = await fetch(`${served.endpoint('url', logicalId(id)).url}custom_path/extend?test_param=test_value`, {
        method: 'POST',
        body: "{'key':'value'}",
      });
      const content = await response.text();
      replay.expectValue('lambda_url_invocation', {
        statuscode: response.status,
        headers: { 'Content-Type': response.headers.get('content-type'), 'Content-Length': response.headers.get('content-length') },
        content: parsedObject(content) ?? content,
      });
    });
  }
});
