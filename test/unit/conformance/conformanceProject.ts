import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Workbench } from '../../../src/core/workbench';
import type { WorkbenchSettings } from '../../../src/core/engine/settings';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samResources, samTemplate, writeProject } from '../helpers/project';

// The function LocalStack's Lambda API tests create (CreateFunction with python3.12, index.handler, an
// echo handler and the environment testenv=staging), as a template function, behind our Lambda API.
// CreateFunction and UpdateFunctionConfiguration are not served: the template is the local way to make
// and change a function, so a configuration update is an edit of the template and a reopen (the
// state directory — versions, aliases, settings — stays).

const ECHO = 'def handler(event, context):\n    return event\n';

export interface FunctionSpec {
  /** Runtime, Handler, Environment and the other properties, as YAML lines (besides FunctionName). */
  environment?: Record<string, string>;
  props?: string;
  /** python3.12 unless given. */
  runtime?: string;
  /** The echo handler's Handler (default `index.handler`; LocalStack's create_lambda_function fixture uses `handler.handler`); the echo handler is written to its module's file. */
  handler?: string;
  /** The handler's source (default: the echo handler), written to its module's file. */
  code?: string;
  /** The engine's settings (Lambda's account concurrency, say), over the conformance defaults. */
  settings?: Partial<WorkbenchSettings>;
  /** What the template declares besides the function (queues, streams, tables: see samResources). */
  resources?: Record<string, string | { type: string; props: string }>;
}

export class ConformanceProject {
  private dir: string | undefined;
  private workbench: Workbench | undefined;
  private api: TestApi | undefined;
  private spec: FunctionSpec = {};
  private withFunction = true;
  /** The function's name, as LocalStack's tests name theirs (`<prefix>-<short uid>`). */
  name = '';

  /** Writes the project and opens an engine and its Lambda API on it. */
  async open(spec: FunctionSpec = { environment: { testenv: 'staging' } }, prefix = 'alias-fn'): Promise<{ client: LambdaClient; name: string }> {
    this.spec = spec;
    this.withFunction = true;
    this.name = `${prefix}-${randomBytes(4).toString('hex')}`;
    this.dir = writeProject({ 'template.yaml': this.template(), [`src/${this.module}.py`]: spec.code ?? ECHO });
    await this.start();
    return { client: this.client, name: this.name };
  }

  /** The SDK client of the API now open. */
  get client(): LambdaClient {
    if (!this.api) throw new Error('the conformance project is not open');
    return this.api.client;
  }

  /** The engine now open. */
  get engine(): Workbench {
    if (!this.workbench) throw new Error('the conformance project is not open');
    return this.workbench;
  }

  /** UpdateFunctionConfiguration's Environment, the local way: the template edited, the engine reopened. */
  async setEnvironment(variables: Record<string, string>): Promise<void> {
    this.spec = { ...this.spec, environment: variables };
    await this.stop();
    fs.writeFileSync(path.join(this.dir!, 'template.yaml'), this.template());
    await this.start();
  }

  /** UpdateFunctionCode, the local way: the handler's file rewritten, the engine reopened. */
  async setCode(source: string): Promise<void> {
    await this.stop();
    fs.writeFileSync(path.join(this.dir!, 'src', `${this.module}.py`), source);
    await this.start();
  }

  /** UpdateFunctionConfiguration of other properties, the local way: the template edited, the engine reopened. */
  async reconfigure(spec: FunctionSpec): Promise<void> {
    this.spec = spec;
    await this.stop();
    fs.writeFileSync(path.join(this.dir!, 'template.yaml'), this.template());
    await this.start();
  }

  /** DeleteFunction, the local way: the template without the function, the engine reopened (the state directory stays). */
  async deleteFunction(): Promise<void> {
    this.withFunction = false;
    await this.stop();
    fs.writeFileSync(path.join(this.dir!, 'template.yaml'), this.template());
    await this.start();
  }

  /** CreateFunction after deleteFunction(), the local way: the function back in the template, the engine reopened. */
  async recreateFunction(): Promise<void> {
    this.withFunction = true;
    await this.stop();
    fs.writeFileSync(path.join(this.dir!, 'template.yaml'), this.template());
    await this.start();
  }

  /** UpdateFunctionConfiguration while the engine runs (open with hotReload): the template edited, hot reload applies it. */
  async editTemplate(spec: FunctionSpec): Promise<void> {
    // An edit before the watcher's initial scan is done would go unseen.
    await this.engine.hotReloadReady();
    this.spec = spec;
    fs.writeFileSync(path.join(this.dir!, 'template.yaml'), this.template());
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private get module(): string {
    return (this.spec.handler ?? 'index.handler').split('.')[0]!;
  }

  private template(): string {
    const env = this.spec.environment;
    const lines = [`FunctionName: ${this.name}`];
    // An empty map stays one (`{}`): Lambda then answers Environment: { Variables: {} }.
    if (env) {
      lines.push(
        'Environment:',
        ...(Object.keys(env).length === 0 ? ['  Variables: {}'] : ['  Variables:', ...Object.entries(env).map(([k, v]) => `    ${k}: ${v}`)]),
      );
    }
    if (this.spec.props) lines.push(this.spec.props);
    const fn = { handler: this.spec.handler ?? 'index.handler', runtime: this.spec.runtime ?? 'python3.12', props: lines.join('\n') };
    return samTemplate(this.withFunction ? { Fn: fn } : {}) + samResources(this.spec.resources ?? {});
  }

  private async start(): Promise<void> {
    this.workbench = await openProject(this.dir!, { hotReload: false, asyncWorkers: false, ...this.spec.settings });
    this.api = await startLambdaApi(this.workbench);
  }

  private async stop(): Promise<void> {
    await this.api?.close();
    await this.workbench?.close();
    this.api = undefined;
    this.workbench = undefined;
  }
}
