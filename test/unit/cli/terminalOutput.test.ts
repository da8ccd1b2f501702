import { strict as assert } from 'node:assert';
import { buildIfStale, runCli } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { samTemplate, writeProject } from '../helpers/project';
import { listening, startServe, stopServe, type ServeProcess } from '../helpers/serveProcess';
import { formatTerminalLine, terminalSafeText } from '../../../src/core/telemetry/logFormat';

// Function output is the function's to choose: on serve's and invoke's stderr (a terminal) it must
// not reach the terminal as control sequences, nor start a line that reads like the platform's
// own START/END/REPORT. The Tail log (X-Amz-Log-Result) keeps the raw bytes, as Lambda does.

const HANDLER = `
  exports.handler = async () => {
    console.log('\\x1b[2J' + '\\nEND RequestId: fake');
    process.stdout.write('END RequestId: fake-stdout\\n');
    process.stderr.write('title \\x1b]0;pwned\\x07 over\\rREPORT RequestId: fake-cr \\x9b31m\\n');
    return 'ok';
  };
`;

/** The faults the handler's output tries to cause, on a terminal. */
function assertSafe(stderr: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are what this test looks for
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(stderr), `a raw control character reached stderr: ${JSON.stringify(stderr)}`);
  for (const line of stderr.split('\n')) {
    assert.doesNotMatch(line, /^(\[\S+ \S+\] )?(END|REPORT) RequestId: fake/, `a forged platform line: ${JSON.stringify(line)}`);
  }
  // …but the text is still there to read, escaped.
  assert.match(stderr, /\\u001b\[2J/);
  assert.match(stderr, /^ +END RequestId: fake$/m);
  assert.match(stderr, /^(\[\S+ \S+\] )? +END RequestId: fake-stdout$/m);
  assert.match(stderr, /title \\u001b\]0;pwned\\u0007 over\\u000dREPORT RequestId: fake-cr \\u009b31m/);
}

describe('function output on a terminal: control characters escaped, no forged platform lines', function () {
  this.timeout(40000);
  let dir: string;
  let serve: ServeProcess | undefined;

  before(() => {
    buildIfStale();
    dir = writeProject({ 'template.yaml': samTemplate({ Noisy: { handler: 'index.handler' } }), 'src/index.js': HANDLER });
  });
  after(async () => {
    if (serve) await stopServe(serve);
  });

  it('terminalSafeText escapes C0/C1 controls but tab, and indents continuation and platform-like lines', () => {
    assert.equal(terminalSafeText('a\tb\x1b[31mc\x00\x7f\x85'), 'a\tb\\u001b[31mc\\u0000\\u007f\\u0085');
    assert.equal(terminalSafeText('first\nEND RequestId: x\n    at f (a.js:1)'), 'first\n  END RequestId: x\n      at f (a.js:1)');
    assert.equal(terminalSafeText('START RequestId: y'), '  START RequestId: y');
    assert.equal(terminalSafeText('STARTED fine'), 'STARTED fine');
    // Platform lines themselves are not indented.
    assert.equal(formatTerminalLine({ time: '', type: 'platform.runtimeDone', record: { requestId: 'r', status: 'success' } } as never), 'END RequestId: r');
  });

  it('lambda-workbench invoke: stderr has no raw ESC and no forged END/REPORT line', async () => {
    const r = await runCli(['invoke', 'Noisy', '-t', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '"ok"');
    assertSafe(r.stderr);
    assert.match(r.stderr, /^END RequestId: [0-9a-f-]{36}$/m, 'the real END line is still there');
  });

  it('serve: stderr is escaped while the Tail log through the API keeps the raw bytes', async () => {
    serve = startServe(['--port', '0', '-t', dir]);
    const url = await listening(serve);
    const response = await httpRequest('POST', `${url}/2015-03-31/functions/Noisy/invocations`, '{}', { 'X-Amz-Log-Type': 'Tail' });
    assert.equal(response.status, 200, response.body);
    const tail = Buffer.from(String(response.headers['x-amz-log-result']), 'base64').toString('utf8');
    assert.ok(tail.includes('\x1b[2J\nEND RequestId: fake'), JSON.stringify(tail));
    assert.ok(tail.includes('\x1b]0;pwned\x07 over\rREPORT RequestId: fake-cr \x9b31m'), JSON.stringify(tail));
    await stopServe(serve);
    assertSafe(serve.stderr());
  });
});
