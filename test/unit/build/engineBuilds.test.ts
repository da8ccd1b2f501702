import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { json, openProjectClosedAfterEach, writeProject } from '../helpers/project';
import { environmentEach, writeWheel } from './buildTestSupport';

// Functions built by the engine at open (pip, go1.x, makefile) and then invoked: the built
// artefact is what runs. Real pip, go and make, offline.

/** A template of functions, each `{ runtime, handler, codeUri, buildMethod? }` (Metadata.BuildMethod when given). */
function template(functions: Record<string, { runtime: string; handler: string; codeUri: string; buildMethod?: string }>): string {
  let yaml = `AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n`;
  for (const [name, f] of Object.entries(functions)) {
    yaml += `  ${name}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: ${f.runtime}\n      CodeUri: ${f.codeUri}\n      Handler: ${f.handler}\n      Timeout: 10\n`;
    if (f.buildMethod) yaml += `    Metadata:\n      BuildMethod: ${f.buildMethod}\n`;
  }
  return yaml;
}

/** The machine's python3 (real path) and its version ("3.11"), or undefined without one. */
function localPython(): { path: string; minor: string } | undefined {
  try {
    const [file, minor] = execFileSync('python3', ['-c', 'import sys, os; print(os.path.realpath(sys.executable)); print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    return file && minor ? { path: file, minor } : undefined;
  } catch {
    return undefined;
  }
}

describe('engine builds: a Python function with requirements.txt', function () {
  this.timeout(90_000);
  const python = localPython();
  const open = openProjectClosedAfterEach({ hotReload: false, pythonPath: python?.path });
  // pip sees no configuration of this machine (its local mirrors), and an index that refuses connections.
  environmentEach({
    PIP_CONFIG_FILE: '/dev/null',
    PIP_FIND_LINKS: undefined,
    PIP_EXTRA_INDEX_URL: undefined,
    PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
    PIP_NO_INDEX: undefined,
  });
  before(function () {
    if (!python) this.skip();
  });

  function project(): string {
    const runtime = `python${python!.minor}`;
    const dir = writeProject({
      'template.yaml': template({
        Shout: { runtime, handler: 'app.handler', codeUri: 'shout' },
        Fetches: { runtime, handler: 'app.handler', codeUri: 'fetches' },
      }),
      'shout/app.py': 'import shoutpkg\ndef handler(event, context):\n    return {"shouted": shoutpkg.shout(event["word"])}\n',
      'shout/requirements.txt': './wheels/shoutpkg-0.1-py3-none-any.whl\n',
      'fetches/app.py': 'import six\ndef handler(event, context):\n    return six.PY3\n',
      'fetches/requirements.txt': 'six\n',
    });
    writeWheel(
      python!.path,
      path.join(dir, 'shout', 'wheels', 'shoutpkg-0.1-py3-none-any.whl'),
      'shoutpkg',
      'def shout(word):\n    return word.upper() + "!"\n',
    );
    return dir;
  }

  it('installs a local wheel named in requirements.txt; the handler imports it and returns what it computes', async () => {
    const workbench = await open(project());
    const result = await workbench.invoke('Shout', JSON.stringify({ word: 'hello' }));
    assert.equal(result.functionError, undefined, result.payload.toString());
    assert.deepEqual(json(result.payload), { shouted: 'HELLO!' });
  });

  it('a requirement that cannot be fetched fails that function with pip’s reason, naming the package; the other runs', async () => {
    const workbench = await open(project());
    const failed = await workbench.invoke('Fetches', '{}');
    assert.equal(failed.functionError, 'Unhandled');
    assert.match(
      failed.payload.toString(),
      /pip could not install six \(requirements\.txt\): the package index http:\/\/127\.0\.0\.1:9\/simple is unreachable/,
    );
    const result = await workbench.invoke('Shout', JSON.stringify({ word: 'still' }));
    assert.deepEqual(json(result.payload), { shouted: 'STILL!' });
  });
});

function hasGo(): boolean {
  try {
    execFileSync('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

describe('engine builds: a go1.x function implementing the Runtime API', function () {
  // The first build on a cold Go cache compiles the standard library (~20 s).
  this.timeout(120_000);
  const open = openProjectClosedAfterEach({ hotReload: false });
  environmentEach({ CGO_ENABLED: undefined, GOFLAGS: undefined, GOPROXY: 'off' });

  // The Lambda Runtime API loop with the standard library only: next invocation, then its response.
  const main = `package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		next, err := http.Get(api + "next")
		if err != nil {
			os.Exit(1)
		}
		body, _ := io.ReadAll(next.Body)
		next.Body.Close()
		id := next.Header.Get("Lambda-Runtime-Aws-Request-Id")
		var event struct{ N int }
		json.Unmarshal(body, &event)
		out, _ := json.Marshal(map[string]interface{}{"doubled": event.N * 2, "requestId": id})
		posted, err := http.Post(api+id+"/response", "application/json", bytes.NewReader(out))
		if err != nil {
			os.Exit(1)
		}
		posted.Body.Close()
	}
}
`;

  it('builds the bootstrap with go and runs it: invoke returns its response', async function () {
    if (!hasGo()) this.skip();
    const dir = writeProject({
      'template.yaml': template({ Doubler: { runtime: 'provided.al2023', handler: 'bootstrap', codeUri: 'doubler', buildMethod: 'go1.x' } }),
      'doubler/go.mod': 'module example.com/doubler\n\ngo 1.19\n',
      'doubler/main.go': main,
    });
    const workbench = await open(dir);
    assert.equal(workbench.builds.failureOf('Doubler'), undefined, workbench.builds.failureOf('Doubler')?.message);
    const first = await workbench.invoke('Doubler', JSON.stringify({ n: 21 }));
    assert.equal(first.functionError, undefined, first.payload.toString());
    const payload = json(first.payload);
    assert.equal(payload.doubled, 42);
    assert.equal(payload.requestId, first.requestId);
    // A warm invoke: the loop asks for the next event.
    assert.equal(json((await workbench.invoke('Doubler', JSON.stringify({ n: 5 }))).payload).doubled, 10);
  });
});

describe('engine builds: a makefile Node function', function () {
  this.timeout(60_000);
  const open = openProjectClosedAfterEach({ hotReload: false });

  it('runs make build-<LogicalId>, which writes the handler into ARTIFACTS_DIR; invoke runs it', async () => {
    const dir = writeProject({
      'template.yaml': template({ Maker: { runtime: 'nodejs20.x', handler: 'index.handler', codeUri: 'maker', buildMethod: 'makefile' } }),
      'maker/Makefile': [
        'build-Maker:',
        '\tcp handler.js "$(ARTIFACTS_DIR)/index.js"',
        '\techo \'module.exports = "made by make";\' > "$(ARTIFACTS_DIR)/generated.js"',
        '',
      ].join('\n'),
      'maker/handler.js': 'exports.handler = async (event) => ({ generated: require("./generated"), echo: event.echo });\n',
    });
    const workbench = await open(dir);
    const result = await workbench.invoke('Maker', JSON.stringify({ echo: 'hi' }));
    assert.equal(result.functionError, undefined, result.payload.toString());
    assert.deepEqual(json(result.payload), { generated: 'made by make', echo: 'hi' });
  });
});
