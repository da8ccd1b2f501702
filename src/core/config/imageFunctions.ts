// `PackageType: Image` functions. An image built by `sam build` from a Dockerfile `FROM` an AWS base
// image runs natively: the runtime comes from the base image, the handler from CMD (or
// ImageConfig.Command), the code from the DockerContext as the image builder (build/imageBuilder.ts)
// lays it out. Any other image still appears as a function, with a warning and an `unsupported`
// reason that only its own invocations fail with: one image never blocks the template.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildDefinition } from './types';
import { awsBaseImageRuntime, readDockerfile, TASK_ROOT } from './dockerfile';
import type { PropertyReader } from './props';
import { KNOWN_RUNTIMES } from './runtimes';

export interface ImageCode {
  runtime: string;
  handler: string;
  /** The DockerContext (what the build reads); empty when there is none. */
  codeUri: string;
  build?: BuildDefinition;
  /** Why the function cannot run locally (its invocations fail with it). */
  unsupported?: string;
}

/** Whether the function is a container image function (PackageType: Image, or an ImageUri). */
export function isImageFunction(r: PropertyReader, sam: boolean): boolean {
  const imageUri = sam ? r.get('ImageUri') : r.get('Code', 'ImageUri');
  return r.get('PackageType') === 'Image' || imageUri !== undefined;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** The Docker* entries of Metadata (Dockerfile, DockerContext, DockerTag, DockerBuildArgs…), as written. */
function dockerMetadata(m: PropertyReader | undefined): Record<string, unknown> {
  const values = m?.values ?? {};
  return Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('Docker')));
}

export function readImageFunction(r: PropertyReader, m: PropertyReader | undefined, templateDir: string, sam: boolean): ImageCode {
  const at = r.written('PackageType') ? ['PackageType'] : sam ? ['ImageUri'] : ['Code', 'ImageUri'];
  const out: ImageCode = { runtime: '', handler: '', codeUri: '' };
  const refuse = (why: string, where: { reader: PropertyReader; keys: string[] } = { reader: r, keys: at }): ImageCode => {
    out.unsupported = `Image function: ${why}`;
    where.reader.warning('unsupported-image', where.keys, `${out.unsupported}; only this function is affected`);
    return out;
  };
  const dockerfile = m?.get('Dockerfile');
  const context = m?.get('DockerContext');
  if (typeof dockerfile !== 'string' || typeof context !== 'string') {
    const uri = sam ? r.get('ImageUri') : r.get('Code', 'ImageUri');
    const built = typeof uri === 'string' ? ` (ImageUri ${uri} names an image built elsewhere)` : '';
    return refuse(`no Metadata.Dockerfile and DockerContext to build it from${built}; only images built FROM an AWS Lambda base image run without Docker`);
  }
  const contextDir = path.resolve(templateDir, context);
  out.codeUri = contextDir;
  const file = path.resolve(contextDir, dockerfile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return refuse(`cannot read its Dockerfile ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { reader: m!, keys: ['Dockerfile'] });
  }
  const buildArgs = m?.get('DockerBuildArgs');
  const args = typeof buildArgs === 'object' && buildArgs !== null && !Array.isArray(buildArgs) ? (buildArgs as Record<string, string>) : {};
  const recipe = readDockerfile(text, args);
  if (!recipe) return refuse(`its Dockerfile ${file} has no FROM line`, { reader: m!, keys: ['Dockerfile'] });
  const base = awsBaseImageRuntime(recipe.base);
  if (!base) {
    return refuse(
      `its Dockerfile (${file}:${recipe.baseLine}) builds FROM ${recipe.base}, not an AWS Lambda base image (public.ecr.aws/lambda/<runtime>:<version>); only those run without Docker`,
      { reader: m!, keys: ['Dockerfile'] },
    );
  }
  if (!base.runtime || !KNOWN_RUNTIMES[base.runtime]) {
    return refuse(`cannot tell the Lambda runtime from the base image ${recipe.base} (${file}:${recipe.baseLine}); use a versioned tag such as :22 or :3.12`, {
      reader: m!,
      keys: ['Dockerfile'],
    });
  }
  out.runtime = base.runtime;
  const command = strings(r.get('ImageConfig', 'Command'));
  out.handler = command?.[0] ?? recipe.cmd?.[0] ?? '';
  if (!out.handler && KNOWN_RUNTIMES[base.runtime]!.family !== 'provided') {
    return refuse(`its Dockerfile (${file}) has no CMD naming the handler, and ImageConfig.Command gives none`, { reader: m!, keys: ['Dockerfile'] });
  }
  if (!KNOWN_RUNTIMES[base.runtime]!.local) {
    r.warning('unsupported-runtime', at, `Image function runs ${base.runtime} (from ${recipe.base}), which Lambda Workbench cannot run locally yet`);
  }
  const imageConfig: Record<string, unknown> = {};
  for (const key of ['Command', 'EntryPoint', 'WorkingDirectory']) {
    const v = r.get('ImageConfig', key);
    if (v !== undefined) imageConfig[key] = v;
  }
  if (imageConfig.EntryPoint !== undefined) {
    r.warning(
      'not-simulated',
      ['ImageConfig', 'EntryPoint'],
      `ImageConfig.EntryPoint is not run locally: the ${base.runtime} runtime's own bootstrap starts the handler`,
    );
  }
  const workdir = imageConfig.WorkingDirectory;
  if (typeof workdir === 'string' && path.posix.resolve('/', workdir) !== TASK_ROOT) {
    r.warning(
      'not-simulated',
      ['ImageConfig', 'WorkingDirectory'],
      `ImageConfig.WorkingDirectory ${workdir} is not simulated: the function runs in its code directory (${TASK_ROOT} in the image)`,
    );
  }
  const properties: Record<string, unknown> = dockerMetadata(m);
  if (Object.keys(imageConfig).length > 0) properties.ImageConfig = imageConfig;
  out.build = { method: 'image', properties, sourceDir: contextDir };
  return out;
}
