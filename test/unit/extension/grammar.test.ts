import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

// The 'Lambda' output channel's grammar (syntaxes/lambda-log.tmLanguage.json), tokenized the way
// VS Code does it (vscode-textmate on the Oniguruma WASM build) on lines as the channel shows them.

const GRAMMAR = path.resolve(__dirname, '../../../syntaxes/lambda-log.tmLanguage.json');
const REQ = '8f5c2a1e-3b4d-4c6e-9f70-1a2b3c4d5e6f';
const PREFIX = '[HelloCjs env-1a2b3c4d] ';
const TIME = '2025-03-01T12:34:56.789Z';

let grammar: vsctm.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => (scopeName === 'source.lambda-log' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
  });
  const loaded = await registry.loadGrammar('source.lambda-log');
  assert.ok(loaded, 'the grammar loads');
  grammar = loaded;
});

function tokenize(line: string, stack: vsctm.StateStack = vsctm.INITIAL): { tokens: vsctm.IToken[]; stack: vsctm.StateStack } {
  const result = grammar.tokenizeLine(line, stack);
  return { tokens: result.tokens, stack: result.ruleStack };
}

/** The scopes of every token overlapping the (first, or `nth`) occurrence of `fragment`. */
function scopesAt(line: string, fragment: string, nth = 0): string[][] {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = line.indexOf(fragment, start + 1);
  assert.ok(start >= 0, `"${fragment}" is in the line`);
  const end = start + fragment.length;
  return tokenize(line)
    .tokens.filter((t) => t.startIndex < end && t.endIndex > start)
    .map((t) => t.scopes);
}

/** Every token of `fragment` carries a scope starting with `scope`. */
function assertScope(line: string, fragment: string, scope: string, nth = 0): void {
  const scopes = scopesAt(line, fragment, nth);
  assert.ok(scopes.length > 0);
  for (const s of scopes) {
    assert.ok(
      s.some((x) => x.startsWith(scope)),
      `"${fragment}" in ${JSON.stringify(line)}: expected ${scope}, got ${JSON.stringify(s)}`,
    );
  }
}

function assertNoScope(line: string, fragment: string, scope: string): void {
  for (const s of scopesAt(line, fragment)) assert.ok(!s.some((x) => x.startsWith(scope)), `"${fragment}": did not expect ${scope}, got ${JSON.stringify(s)}`);
}

describe('the Lambda log grammar', () => {
  it("colours Lambda's platform lines: keywords, request ids, durations, memory, status", () => {
    const initStart = `${PREFIX}INIT_START Runtime Version: nodejs:20.v1\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0123abcd`;
    assertScope(initStart, 'HelloCjs', 'entity.name.function.lambda-log');
    assertScope(initStart, 'env-1a2b3c4d', 'constant.other.environment-id.lambda-log');
    assertScope(initStart, 'INIT_START', 'keyword.control.platform.init-start.lambda-log');
    assertScope(initStart, 'nodejs:20.v1', 'constant.other.value.lambda-log');

    const start = `${PREFIX}START RequestId: ${REQ} Version: $LATEST`;
    assertScope(start, 'START', 'keyword.control.platform.start.lambda-log');
    assertScope(start, REQ, 'variable.other.request-id.lambda-log');
    assertScope(start, '$LATEST', 'constant.other.value.lambda-log');

    const end = `${PREFIX}END RequestId: ${REQ}`;
    assertScope(end, 'END', 'keyword.control.platform.end.lambda-log');
    assertScope(end, REQ, 'variable.other.request-id.lambda-log');

    const report = `${PREFIX}REPORT RequestId: ${REQ}\tDuration: 12.34 ms\tBilled Duration: 113 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tInit Duration: 100.25 ms`;
    assertScope(report, 'REPORT', 'keyword.control.platform.report.lambda-log');
    assertScope(report, REQ, 'variable.other.request-id.lambda-log');
    assertScope(report, 'Billed Duration', 'entity.name.tag.metric.lambda-log');
    assertScope(report, '12.34', 'constant.numeric.duration.lambda-log');
    assertScope(report, '113', 'constant.numeric.duration.lambda-log');
    assertScope(report, '100.25', 'constant.numeric.duration.lambda-log');
    assertScope(report, '128', 'constant.numeric.memory.lambda-log');
    assertScope(report, '41', 'constant.numeric.memory.lambda-log');
    assertScope(report, 'ms', 'keyword.other.unit.lambda-log');

    const failed = `${PREFIX}REPORT RequestId: ${REQ}\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tStatus: timeout`;
    assertScope(failed, 'timeout', 'invalid.illegal.status.lambda-log');

    const initReport = 'INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError';
    assertScope(initReport, 'INIT_REPORT', 'keyword.control.platform.init-report.lambda-log');
    assertScope(initReport, '10000.00', 'constant.numeric.duration.lambda-log');
    assertScope(initReport, 'error', 'invalid.illegal.status.lambda-log');
    assertScope(initReport, 'Runtime.ImportModuleError', 'invalid.illegal.error-type.lambda-log');
    assertScope('INIT_REPORT Init Duration: 55.00 ms\tPhase: init\tStatus: success', 'success', 'markup.inserted.status.success.lambda-log');
    // The older prefix (no function name) is still recognised.
    assertScope(`[env-1a2b3c4d] START RequestId: ${REQ} Version: 3`, 'START', 'keyword.control.platform.start.lambda-log');
  });

  it("colours Node's tab-separated records by level, with the request id and timestamp", () => {
    for (const [level, scope] of [
      ['INFO', 'markup.inserted.level.info.lambda-log'],
      ['WARN', 'markup.deleted.level.warn.lambda-log'],
      ['ERROR', 'invalid.illegal.level.error.lambda-log'],
      ['DEBUG', 'markup.changed.level.debug.lambda-log'],
      ['TRACE', 'comment.line.level.trace.lambda-log'],
      ['FATAL', 'invalid.illegal.level.error.lambda-log'],
    ]) {
      const line = `${PREFIX}${TIME}\t${REQ}\t${level}\thello world`;
      assertScope(line, level, scope);
      assertScope(line, TIME, 'comment.line.timestamp.lambda-log');
      assertScope(line, REQ, 'variable.other.request-id.lambda-log');
      assertNoScope(line, 'hello world', 'invalid');
    }
    const error = `${TIME}\t${REQ}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"x is not a function","trace":["TypeError: x is not a function","    at handler (/var/task/index.js:3:9)"]}`;
    assertScope(error, 'Invoke Error', 'invalid.illegal.error-kind.lambda-log');
    assertScope(error, '"TypeError"', 'entity.name.type.exception.lambda-log');
    assertScope(error, '"errorMessage"', 'support.type.property-name.json.lambda-log');
    assertScope(error, '"x is not a function"', 'string.quoted.double.json.lambda-log');
  });

  it("colours Python's records: [LEVEL], its error record and the traceback", () => {
    const info = `${PREFIX}[INFO]\t${TIME}\t${REQ}\tprocessing order 42`;
    assertScope(info, 'INFO', 'markup.inserted.level.info.lambda-log');
    assertScope(info, TIME, 'comment.line.timestamp.lambda-log');
    assertScope(info, REQ, 'variable.other.request-id.lambda-log');
    assertScope(`[WARNING]\t${TIME}\t${REQ}\tcareful`, 'WARNING', 'markup.deleted.level.warn.lambda-log');
    assertScope(`[CRITICAL]\t${TIME}\t${REQ}\tdown`, 'CRITICAL', 'invalid.illegal.level.error.lambda-log');

    const errorRecord = `${PREFIX}[ERROR] ValueError: boom`;
    assertScope(errorRecord, 'ERROR', 'invalid.illegal.level.error.lambda-log');
    assertScope(errorRecord, 'ValueError', 'entity.name.type.exception.lambda-log');
    assertScope("[ERROR] Runtime.ImportModuleError: Unable to import module 'app'", 'Runtime.ImportModuleError', 'entity.name.type.exception.lambda-log');

    assertScope('Traceback (most recent call last):', 'Traceback (most recent call last):', 'keyword.other.traceback.lambda-log');
    // Lambda indents traceback lines with NO-BREAK SPACEs; plain spaces work too.
    for (const indent of ['  ', '\u00a0\u00a0']) {
      const frame = `${indent}File "/var/task/app.py", line 12, in handler`;
      assertScope(frame, 'File', 'keyword.other.stack-frame.lambda-log');
      assertScope(frame, '"/var/task/app.py"', 'string.other.path.lambda-log');
      assertScope(frame, '12', 'constant.numeric.line-number.lambda-log');
      assertScope(frame, 'handler', 'entity.name.function.stack.lambda-log');
      assertScope(frame, 'handler', 'comment.line.stack-frame.python.lambda-log');
    }
    assertScope('ValueError: boom', 'ValueError', 'entity.name.type.exception.lambda-log');
  });

  it('colours Node stack traces', () => {
    assertScope('Error: boom', 'Error', 'entity.name.type.exception.lambda-log');
    const frame = '    at handler (/var/task/index.js:3:9)';
    assertScope(frame, 'at', 'keyword.other.stack-frame.lambda-log');
    assertScope(frame, 'handler', 'entity.name.function.stack.lambda-log');
    assertScope(frame, '/var/task/index.js', 'string.other.path.lambda-log');
    assertScope(frame, '3', 'constant.numeric.line-number.lambda-log');
    assertScope(frame, '9', 'constant.numeric.column-number.lambda-log');
    assertScope(frame, '(', 'comment.line.stack-frame.lambda-log');
    const anonymous = '    at file:///var/task/app.mjs:10:5';
    assertScope(anonymous, 'file:///var/task/app.mjs', 'string.other.path.lambda-log');
    assertScope(anonymous, '10', 'constant.numeric.line-number.lambda-log');
    assertScope('    at async Promise.all (index 0)', 'async Promise.all', 'entity.name.function.stack.lambda-log');
    assertScope(
      '    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)',
      'Runtime.handleOnceNonStreaming',
      'entity.name.function.stack.lambda-log',
    );
  });

  it('colours JSON log lines (AWS_LAMBDA_LOG_FORMAT=JSON): keys, strings, numbers, level, timestamp, request id', () => {
    const line = `${PREFIX}{"timestamp":"${TIME}","level":"ERROR","requestId":"${REQ}","message":"order failed","attempt":37,"retry":true,"context":{"orderId":"o-1","items":[1,2]}}`;
    assertScope(line, '{', 'punctuation.definition.dictionary.begin.json.lambda-log');
    assertScope(line, `"${TIME}"`, 'comment.line.timestamp.lambda-log');
    assertScope(line, 'ERROR', 'invalid.illegal.level.error.lambda-log');
    assertScope(line, REQ, 'variable.other.request-id.lambda-log');
    assertScope(line, '"message"', 'support.type.property-name.json.lambda-log');
    assertScope(line, '"order failed"', 'string.quoted.double.json.lambda-log');
    assertScope(line, '37', 'constant.numeric.json.lambda-log');
    assertScope(line, 'true', 'constant.language.json.lambda-log');
    assertScope(line, '"orderId"', 'support.type.property-name.json.lambda-log');
    assertScope(line, '"o-1"', 'string.quoted.double.json.lambda-log');
    assertScope(line, '[', 'punctuation.definition.array.begin.json.lambda-log', 1);
    assertScope(`{"timestamp":"${TIME}","level":"INFO","message":"ok"}`, 'INFO', 'markup.inserted.level.info.lambda-log');
    assertScope(`{"time":"${TIME}","level":"WARN","msg":"slow"}`, 'WARN', 'markup.deleted.level.warn.lambda-log');
    assertScope(`{"timestamp":"${TIME}","level":"DEBUG","message":"x"}`, 'DEBUG', 'markup.changed.level.debug.lambda-log');
  });

  it('colours timeouts and the engine warnings', () => {
    const timeout = `${PREFIX}${TIME} ${REQ} Task timed out after 1.00 seconds`;
    assertScope(timeout, 'Task timed out after 1.00 seconds', 'invalid.illegal.timeout.lambda-log');
    assertScope(timeout, REQ, 'variable.other.request-id.lambda-log');
    assertScope(timeout, TIME, 'comment.line.timestamp.lambda-log');
    assertScope('WARNING The local node is v22 but the function asks for nodejs20.x', 'WARNING', 'markup.deleted.level.warn.lambda-log');
    // Raw output of an environment keeps its prefix coloured.
    assertScope(`${PREFIX}plain stdout line`, 'env-1a2b3c4d', 'constant.other.environment-id.lambda-log');
  });

  it('lines are independent: an unbalanced brace or bracket does not leak into the next line', () => {
    let { stack } = tokenize(`${PREFIX}${TIME}\t${REQ}\tINFO\tpartial {"a": [1, 2`);
    ({ stack } = tokenize(`{"a":1`, stack));
    const next = grammar.tokenizeLine(`${PREFIX}START RequestId: ${REQ} Version: $LATEST`, stack);
    const start = next.tokens.find((t) => t.startIndex === PREFIX.length)!;
    assert.deepEqual(
      start.scopes.filter((s) => s.includes('json')),
      [],
    );
    assert.ok(start.scopes.includes('keyword.control.platform.start.lambda-log'));
  });
});
