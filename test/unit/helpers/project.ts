import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Workbench, type WorkbenchSettings } from '../../../src/core/workbench';
import { FAKE_CREDENTIALS } from '../../../src/core/environment/credentials';

/** Writes a throwaway SAM project (files relative to its root) and returns its directory. */
export function writeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-test-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** A SAM template with one function per entry (`{ Name: { handler, codeUri, props, runtime } }`, nodejs20.x by default). */
export function samTemplate(functions: Record<string, { handler: string; codeUri?: string; props?: string; runtime?: string }>): string {
  let yaml = `AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n`;
  for (const [name, f] of Object.entries(functions)) {
    yaml += `  ${name}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: ${f.runtime ?? 'nodejs20.x'}\n      CodeUri: ${f.codeUri ?? 'src'}\n      Handler: ${f.handler}\n`;
    if (f.props) yaml += f.props.replace(/^/gm, '      ') + '\n';
  }
  return yaml;
}

/**
 * Resources to append to a samTemplate(): `{ Name: type }`, or `{ Name: { type, props } }` with the
 * properties as YAML lines.
 */
export function samResources(resources: Record<string, string | { type: string; props: string }>): string {
  let yaml = '';
  for (const [name, r] of Object.entries(resources)) {
    const { type, props } = typeof r === 'string' ? { type: r, props: '' } : r;
    yaml += `  ${name}:\n    Type: ${type}\n`;
    if (props) yaml += `    Properties:\n${props.replace(/^/gm, '      ')}\n`;
  }
  return yaml;
}

/** Layers (AWS::Serverless::LayerVersion) to append to a samTemplate(): `{ Name: contentUri }`. */
export function samLayers(layers: Record<string, string>): string {
  return samResources(
    Object.fromEntries(
      Object.entries(layers).map(([name, contentUri]) => [name, { type: 'AWS::Serverless::LayerVersion', props: `ContentUri: ${contentUri}` }]),
    ),
  );
}

/**
 * A project whose one function `name` runs `handler` (src/app.js) with the environment variable
 * `variable` naming `file` in the project, where the handler records what it gets; `props` are the
 * function's other properties, `resources` what the template declares besides (see samResources).
 */
export function writeRecordingProject(o: { handler: string; name: string; variable: string; file: string; props?: string; resources?: string }): {
  dir: string;
  file: string;
} {
  const dir = writeProject({ 'src/app.js': o.handler });
  const file = path.join(dir, o.file);
  const props = `Environment:\n  Variables:\n    ${o.variable}: ${file}${o.props ? `\n${o.props}` : ''}`;
  fs.writeFileSync(path.join(dir, 'template.yaml'), samTemplate({ [o.name]: { handler: 'app.handler', props } }) + (o.resources ?? ''));
  return { dir, file };
}

/** The serve tests' project: Echo runs `handler` and records its runs in ran.out (named by RAN), beside a queue Jobs; `props`: Echo's other properties. */
export function writeEchoProject(handler: string, props?: string): { dir: string; file: string } {
  return writeRecordingProject({ handler, name: 'Echo', variable: 'RAN', file: 'ran.out', props, resources: samResources({ Jobs: 'AWS::SQS::Queue' }) });
}

/**
 * A project for breakpoints: App (Timeout: 1) runs src/app.js, whose module-scope code (INIT) is on
 * line 1 and whose handler body starts on line 4 (CDP lines 0 and 3); the handler counts its calls
 * (`statements` run after that) and returns `{ initValue, calls${returned} }`.
 */
export function writeBreakpointProject(statements: string[] = [], returned = ''): string {
  return writeProject({
    'template.yaml': samTemplate({ App: { handler: 'app.handler', props: 'Timeout: 1' } }),
    'src/app.js': [
      "const initValue = 'set during init';",
      'let calls = 0;',
      'exports.handler = async (event) => {',
      '  calls++;',
      ...statements.map((s) => `  ${s}`),
      `  return { initValue, calls${returned} };`,
      '};',
    ].join('\n'),
  });
}

/** Resources to append to a samTemplate: an SQS queue `Jobs` and a one-shard Kinesis stream `Clicks`. */
export const JOBS_QUEUE_AND_CLICKS_STREAM = samResources({ Jobs: 'AWS::SQS::Queue', Clicks: { type: 'AWS::Kinesis::Stream', props: 'ShardCount: 1' } });

/** Opens an engine on a project with test-friendly settings (fake credentials, short grace). */
export async function openProject(dir: string, settings: Partial<WorkbenchSettings> = {}): Promise<Workbench> {
  return Workbench.open({
    template: path.join(dir, 'template.yaml'),
    settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 200, ...settings },
  });
}

/** An openProject for the tests of the enclosing describe (with `defaults` under each call's settings): what it opens is closed after each test. */
export function openProjectClosedAfterEach(
  defaults: Partial<WorkbenchSettings> = {},
): (dir: string, settings?: Partial<WorkbenchSettings>) => Promise<Workbench> {
  const open: Workbench[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((workbench) => workbench.close()));
  });
  return async (dir, settings = {}) => {
    const workbench = await openProject(dir, { ...defaults, ...settings });
    open.push(workbench);
    return workbench;
  };
}

/**
 * For the tests of the enclosing describe: writes a project of `files` and opens an engine on it
 * before them (handed to `opened`), closes the engine and removes the project after them.
 */
export function openProjectBeforeAll(files: Record<string, string>, opened: (workbench: Workbench) => void, settings: Partial<WorkbenchSettings> = {}): void {
  let dir: string | undefined;
  let workbench: Workbench | undefined;
  before(async () => {
    dir = writeProject(files);
    workbench = await openProject(dir, settings);
    opened(workbench);
  });
  after(async () => {
    await workbench?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** Opens an engine on `dir` for `use`, and closes it whatever happens. */
export async function withProject<T>(dir: string, use: (workbench: Workbench) => Promise<T>, settings: Partial<WorkbenchSettings> = {}): Promise<T> {
  const workbench = await openProject(dir, settings);
  try {
    return await use(workbench);
  } finally {
    await workbench.close();
  }
}

export function json(buffer: Buffer): any {
  return JSON.parse(buffer.toString('utf8'));
}

/** True if a process with this pid still runs (a zombie waiting to be reaped by init does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}
