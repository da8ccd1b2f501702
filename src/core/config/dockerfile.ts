// Reading a Dockerfile without Docker: enough of its grammar to know what an image function runs
// (the base image of its last stage, CMD / ENTRYPOINT, ENV) and how its code is laid out (COPY / ADD
// relative to WORKDIR, RUN lines in order). Nothing is executed here; variables are substituted from
// ARG defaults (or build args) and ENV, as Docker's parser does for these instructions.
import * as path from 'node:path';

/** One instruction after line continuations are joined; `line` is where it starts (1-based). */
export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

export type ImageStep =
  /** COPY / ADD: sources relative to the build context (or to stage `from`), destination absolute. */
  | { kind: 'copy'; sources: string[]; dest: string; from?: string; line: number }
  /** RUN, with the working directory it runs in. */
  | { kind: 'run'; command: string; cwd: string; line: number };

/** The last stage of a Dockerfile: what the image is. */
export interface ImageRecipe {
  /** The final FROM's image, variables substituted (e.g. `public.ecr.aws/lambda/nodejs:22`). */
  base: string;
  baseLine: number;
  /** WORKDIR at the end (the base image's, /var/task for AWS base images, unless changed). */
  workdir: string;
  steps: ImageStep[];
  /** The last CMD / ENTRYPOINT, exec form or shell form split on spaces. */
  cmd?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  /** Names of the earlier stages (`FROM … AS name`), which COPY --from may name. */
  stages: string[];
}

/** LAMBDA_TASK_ROOT in AWS base images, which is also their WORKDIR. */
export const TASK_ROOT = '/var/task';

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
export function dockerInstructions(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split(/\r?\n/);
  let current: { parts: string[]; line: number } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comments and blank lines are skipped, even in the middle of a continued instruction.
    if (trimmed.startsWith('#') || (trimmed === '' && !current)) return;
    if (trimmed === '') return;
    const continued = /\\\s*$/.test(raw);
    const body = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.parts.push(body.trim());
    else current = { parts: [body.trim()], line: index + 1 };
    if (continued) return;
    pushInstruction(out, current);
    current = undefined;
  });
  if (current) pushInstruction(out, current);
  return out;
}

function pushInstruction(out: DockerInstruction[], current: { parts: string[]; line: number }): void {
  const joined = current.parts.join(' ').trim();
  const match = /^(\S+)\s*(.*)$/s.exec(joined);
  if (match) out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: current.line });
}

/** `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alternative}`; unknown names become empty, as in Docker. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced, op, word, bare) => {
    const name = (braced ?? bare) as string;
    const value = vars[name];
    if (op === '-') return value !== undefined && value !== '' ? value : (word as string);
    if (op === '+') return value !== undefined && value !== '' ? (word as string) : '';
    return value ?? '';
  });
}

/** `["a", "b"]` (exec form) as a list; otherwise undefined. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Words of a shell-form argument list: whitespace-separated, with quotes (also inside a word, `K="a b"`) and backslash escapes. */
export function shellWords(args: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < args.length) word += args[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '\\' && i + 1 < args.length) {
      word = (word ?? '') + args[++i]!;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** `K=V K2="v 2"` or the legacy `K V`. */
function keyValues(args: string): Array<[string, string]> {
  const words = shellWords(args);
  if (words.length > 0 && !words[0]!.includes('=')) return [[words[0]!, args.slice(args.indexOf(words[0]!) + words[0]!.length).trim()]];
  return words.map((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? [w, ''] : [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/**
 * The last stage of a Dockerfile. `buildArgs` override ARG defaults (SAM's DockerBuildArgs).
 * Undefined when there is no FROM at all.
 */
export function readDockerfile(text: string, buildArgs: Record<string, string> = {}): ImageRecipe | undefined {
  const globalArgs: Record<string, string> = {};
  let recipe: ImageRecipe | undefined;
  let stageName: string | undefined;
  const stages: string[] = [];
  let vars: Record<string, string> = {};
  for (const ins of dockerInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const words = shellWords(substitute(ins.args, { ...globalArgs }));
      const image = words.find((w) => !w.startsWith('--')) ?? '';
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      if (stageName) stages.push(stageName);
      stageName = as >= 0 ? words[as + 1] : undefined;
      recipe = { base: image, baseLine: ins.line, workdir: TASK_ROOT, steps: [], env: {}, stages: [...stages] };
      vars = {};
      continue;
    }
    if (ins.keyword === 'ARG') {
      for (const [name, value] of keyValues(ins.args)) {
        const resolved = buildArgs[name] ?? (value !== '' ? substitute(value, { ...globalArgs, ...vars }) : (globalArgs[name] ?? ''));
        if (recipe) vars[name] = resolved;
        else globalArgs[name] = resolved;
      }
      continue;
    }
    if (!recipe) continue;
    const args = ins.args;
    switch (ins.keyword) {
      case 'ENV':
        for (const [name, value] of keyValues(args)) {
          const v = substitute(value, { ...vars, ...recipe.env, LAMBDA_TASK_ROOT: TASK_ROOT });
          recipe.env[name] = v;
        }
        break;
      case 'WORKDIR':
        recipe.workdir = path.posix.resolve(recipe.workdir, substitute(args, { ...vars, ...recipe.env, LAMBDA_TASK_ROOT: TASK_ROOT }));
        break;
      case 'COPY':
      case 'ADD': {
        const all = execForm(args) ?? shellWords(args);
        const flags = all.filter((w) => w.startsWith('--'));
        const rest = all.filter((w) => !w.startsWith('--')).map((w) => substitute(w, { ...vars, ...recipe!.env, LAMBDA_TASK_ROOT: TASK_ROOT }));
        if (rest.length < 2) break;
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        const step: ImageStep = { kind: 'copy', sources: rest.slice(0, -1), dest: destination(recipe.workdir, rest[rest.length - 1]!), line: ins.line };
        if (from !== undefined) step.from = from;
        recipe.steps.push(step);
        break;
      }
      case 'RUN':
        recipe.steps.push({ kind: 'run', command: (execForm(args) ?? [args]).join(' '), cwd: recipe.workdir, line: ins.line });
        break;
      case 'CMD':
        recipe.cmd = execForm(args) ?? shellWords(args);
        break;
      case 'ENTRYPOINT':
        recipe.entrypoint = execForm(args) ?? shellWords(args);
        break;
    }
  }
  return recipe;
}

/** A COPY destination made absolute against WORKDIR; a trailing slash (a directory) is kept. */
function destination(workdir: string, dest: string): string {
  const abs = path.posix.resolve(workdir, dest);
  return dest.endsWith('/') || dest === '.' ? `${abs.replace(/\/$/, '')}/` : abs;
}

/** What an AWS base image runs: the Lambda runtime identifier of `public.ecr.aws/lambda/<family>:<tag>` or `amazon/aws-lambda-<family>:<tag>`. */
export function awsBaseImageRuntime(image: string): { runtime?: string; family: string; tag: string } | undefined {
  const m = /^(?:public\.ecr\.aws\/lambda\/|(?:docker\.io\/)?amazon\/aws-lambda-)([a-z]+):([^@\s]+)(?:@\S+)?$/.exec(image);
  if (!m) return undefined;
  const family = m[1]!;
  const tag = m[2]!;
  const version = (re: RegExp) => re.exec(tag)?.[1];
  let runtime: string | undefined;
  if (family === 'nodejs') runtime = version(/^(\d+)(?:[.-]|$)/) && `nodejs${version(/^(\d+)/)}.x`;
  else if (family === 'python' || family === 'ruby') runtime = version(/^(\d+\.\d+)(?:[.-]|$)/) && `${family}${version(/^(\d+\.\d+)/)}`;
  else if (family === 'provided') runtime = version(/^(al2023|al2)(?:[.-]|$)/) ? `provided.${version(/^(al2023|al2)/)}` : undefined;
  else if (family === 'java') runtime = version(/^(8\.al2|\d+)(?:[.-]|$)/) && `java${version(/^(8\.al2|\d+)/)}`;
  else if (family === 'dotnet') runtime = version(/^(\d+)(?:[.-]|$)/) && `dotnet${version(/^(\d+)/)}`;
  const out: { runtime?: string; family: string; tag: string } = { family, tag };
  if (runtime) out.runtime = runtime;
  return out;
}
