import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { httpRequest } from '../helpers/http';
import * as path from 'node:path';
import { serveArgs, TASK_TYPE } from '../../../src/extension/tasks/serveTaskDefinition';
import { buildIfStale, CLI, REPO_ROOT } from '../helpers/build';
import { startServe, stopServe, type ServeProcess } from '../helpers/serveProcess';
import { samTemplate, writeProject } from '../helpers/project';

// The `$lambda-workbench-serve` problem matcher, as package.json writes it, against what the built
// CLI's `serve` really prints (started with the arguments the serve task uses): the background
// pattern ends on the line serve prints when it listens, and the problem pattern matches the
// template errors serve prints before it gives up, nothing of a normal run.

interface ProblemMatcher {
  name: string;
  fileLocation: string[];
  pattern: { regexp: string; file: number; line: number; column: number; severity: number; message: number };
  background: { activeOnStart: boolean; beginsPattern: string | { regexp: string }; endsPattern: string | { regexp: string } };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const matcher = (manifest.contributes.problemMatchers as ProblemMatcher[]).find((m) => m.name === 'lambda-workbench-serve');
const regexpOf = (p: string | { regexp: string }) => new RegExp(typeof p === 'string' ? p : p.regexp);

/** `node dist/cli.js serve …` as the task runs it: the task's argv, in the project's folder. */
function startTaskServe(cwd: string, port = 0): ServeProcess {
  const argv = serveArgs(CLI, { type: TASK_TYPE, command: 'serve', template: 'template.yaml', port });
  return startServe([], { command: [process.execPath], argv, cwd, env: { ELECTRON_RUN_AS_NODE: '1' } });
}

async function until<T>(what: string, check: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * VS Code's background matcher (WatchingProblemCollector), line by line: active from the start
 * (activeOnStart); a begin match while active is ignored, an end match while active makes it
 * inactive, and a line that begins is not tested for the end.
 */
function backgroundStates(lines: string[]): { endedAt: number | undefined; activeAfter: boolean } {
  const begins = regexpOf(matcher!.background.beginsPattern);
  const ends = regexpOf(matcher!.background.endsPattern);
  let active = matcher!.background.activeOnStart;
  let endedAt: number | undefined;
  lines.forEach((line, i) => {
    if (begins.test(line) && !active) active = true;
    else if (ends.test(line) && active) {
      active = false;
      endedAt ??= i;
    }
  });
  return { endedAt, activeAfter: active };
}

const FILES = {
  'src/app.js': `
    exports.handler = async (event) => {
      // Looks like a diagnostic, but it is the function's output: never a problem.
      console.log('template.yaml:1:1 error not a template problem');
      process.stdout.write('src/app.js:3:5 warning raw output\\n');
      return { ok: true, event };
    };
  `,
  'template.yaml':
    samTemplate({ Echo: { handler: 'app.handler' } }) +
    `  Jobs:\n    Type: AWS::SQS::Queue\n  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src\n      Handler: app.handler\n      Events:\n        FromJobs:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Jobs.Arn\n`,
};

describe("the serve task's problem matcher ($lambda-workbench-serve) on what serve prints", function () {
  this.timeout(60_000);
  const runs: ServeProcess[] = [];
  const dirs: string[] = [];

  before(() => {
    buildIfStale();
    assert.ok(matcher, 'package.json contributes the problem matcher lambda-workbench-serve');
    // VS Code's name (problemMatcher.ts: `activeOnStart`); another key is ignored, and the matcher
    // would begin on the listening line and never end (begin wins when both match one line).
    assert.equal(matcher.background.activeOnStart, true, 'active from the start: serve prints nothing before it works');
    assert.deepEqual(Object.keys(matcher.background).sort(), ['activeOnStart', 'beginsPattern', 'endsPattern']);
  });

  after(async () => {
    await Promise.all(runs.map((r) => stopServe(r)));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('begins on the first line serve prints and ends on the line that says it listens; a normal run has no problem', async () => {
    const dir = writeProject(FILES);
    dirs.push(dir);
    const run = startTaskServe(dir);
    runs.push(run);
    const listeningLine = await until('serve to listen', () => run.stdoutLines.find((l) => /^Lambda API listening on /.test(l)));
    const url = /^Lambda API listening on (http:\/\/\S+)$/.exec(listeningLine)?.[1];
    assert.ok(url, `the listening line carries the URL: ${listeningLine}`);
    assert.equal(run.stdoutLines[0], listeningLine, 'it is the first line serve prints on stdout');
    assert.equal(run.lines[0], listeningLine, 'and the first line of all (nothing on stderr before it)');

    const begins = regexpOf(matcher!.background.beginsPattern);
    const ends = regexpOf(matcher!.background.endsPattern);
    assert.ok(begins.test(run.lines[0]), `beginsPattern ${begins} matches the first line: ${run.lines[0]}`);
    assert.ok(ends.test(listeningLine), `endsPattern ${ends} matches ${listeningLine}`);

    // What a running serve prints afterwards: the mapping, an invocation's log lines (with output
    // that looks like a diagnostic).
    const invoked = await httpRequest('POST', `${url}/2015-03-31/functions/Echo/invocations`, '{"from":"test"}');
    assert.equal(invoked.status, 200, invoked.body);
    await until('the REPORT line', () => run.lines.find((l) => /\bREPORT RequestId: /.test(l)));
    await until('the raw output line', () => run.lines.find((l) => /src\/app\.js:3:5 warning raw output/.test(l)));
    assert.equal((await stopServe(run))?.code, 0, 'serve exits 0 on SIGTERM');
    const lines = run.lines.filter((l) => l.trim() !== '');
    assert.ok(
      lines.some((l) => l.startsWith('Event source mapping: Jobs (SQS) → Worker')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.includes('template.yaml:1:1 error not a template problem')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith('Shutting down')),
      lines.join('\n'),
    );

    const problem = new RegExp(matcher!.pattern.regexp);
    assert.deepEqual(
      lines.filter((l) => problem.test(l)),
      [],
      'no line of a normal run is a problem',
    );
    assert.deepEqual(
      lines.slice(1).filter((l) => begins.test(l)),
      [],
      'nothing after the first line begins the matcher again',
    );
    assert.deepEqual(
      backgroundStates(lines),
      { endedAt: lines.indexOf(listeningLine), activeAfter: false },
      'inactive from the listening line on: a preLaunchTask waits until then',
    );
  });

  it('matches the template errors serve prints before it exits as problems at their file, line and column', async () => {
    const dir = writeProject({
      ...FILES,
      'template.yaml': FILES['template.yaml']
        .replace('Runtime: nodejs20.x', 'Runtime: nodejs4.3')
        .replace('CodeUri: src\n      Handler: app.handler\n      Events', 'CodeUri: missing\n      Handler: app.handler\n      Events'),
    });
    dirs.push(dir);
    const run = startTaskServe(dir);
    runs.push(run);
    assert.equal((await run.exited).code, 2, 'serve exits 2 on template errors');
    const lines = run.lines.filter((l) => l.trim() !== '');
    const problem = new RegExp(matcher!.pattern.regexp);
    const found = lines
      .filter((l) => problem.test(l))
      .map((l) => {
        const m = problem.exec(l)!;
        const p = matcher!.pattern;
        return { file: m[p.file], line: Number(m[p.line]), column: Number(m[p.column]), severity: m[p.severity], message: m[p.message] };
      });
    const template = fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8').split('\n');
    assert.ok(found.length >= 2, `both errors matched; serve printed:\n${lines.join('\n')}`);
    for (const f of found) {
      assert.equal(f.file, 'template.yaml', "relative to the task's folder (fileLocation: autoDetect ${workspaceFolder})");
      assert.equal(f.severity, 'error');
      assert.ok(template[f.line - 1]?.length >= f.column - 1, `line ${f.line} column ${f.column} is in the template`);
    }
    assert.ok(
      found.some((f) => /Unknown runtime 'nodejs4\.3'/.test(f.message) && template[f.line - 1].slice(f.column - 1).startsWith('nodejs4.3')),
      JSON.stringify(found),
    );
    assert.ok(
      found.some((f) => /CodeUri directory does not exist/.test(f.message) && template[f.line - 1].slice(f.column - 1).startsWith('missing')),
      JSON.stringify(found),
    );
    assert.deepEqual(matcher!.fileLocation, ['autoDetect', '${workspaceFolder}']);
    // The summary line is not a problem, and the matcher never reached "listening".
    assert.ok(
      lines.some((l) => /^\d+ error\(s\) in .*: nothing was run\.$/.test(l)),
      lines.join('\n'),
    );
    assert.equal(lines.filter((l) => problem.test(l)).length, found.length);
    assert.deepEqual(backgroundStates(lines), { endedAt: undefined, activeAfter: true });
  });
});
