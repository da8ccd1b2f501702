import * as path from 'node:path';
import { BuildError } from '../build/types';
import type { FunctionDefinition, LayerDefinition, TemplateModel } from '../config/types';
import { isCodeArchive } from '../config/validation';

// Layers with a `Metadata.BuildMethod`, as `sam build` builds them (samcli/lib/build/app_builder.py
// `_build_layer`): the workflow of the method runs on the layer's ContentUri and writes into the
// folder of /opt the runtime reads (workflow_config.py `get_layer_subfolder`): nodejsNN.x →
// `nodejs/` (sources and node_modules), pythonX.Y → `python/`, makefile → the artefact itself
// (make build-<LogicalId> with ARTIFACTS_DIR). The function builders do the work: a layer is
// handed to them as a definition of its own, named by its logical id. A ContentUri that is a .zip /
// .jar archive is extracted instead (its entries are the /opt layout), whatever its BuildMethod.

/** What builds a layer: the BUILDERS name and the folder of the artefact it writes into. */
export interface LayerBuildPlan {
  builderName: 'npm' | 'pip' | 'makefile' | 'archive';
  /** Relative to the layer's artefact ('' for makefile: make writes the /opt layout itself). */
  subfolder: string;
  /** The runtime the builder builds for (a pythonX.Y picks pip's interpreter). */
  runtime: string;
}

/** How the layer is built, or undefined when it is not (no BuildMethod, or one SAM does not build layers with that we have no builder for). */
export function layerBuildPlan(layer: LayerDefinition): LayerBuildPlan | undefined {
  if (isCodeArchive(layer.contentUri)) return { builderName: 'archive', subfolder: '', runtime: layer.compatibleRuntimes[0] ?? 'provided.al2023' };
  const method = layer.build?.method.toLowerCase();
  if (method === undefined) return undefined;
  if (/^nodejs\d+\.x$/.test(method)) return { builderName: 'npm', subfolder: 'nodejs', runtime: method };
  if (/^python\d+\.\d+$/.test(method)) return { builderName: 'pip', subfolder: 'python', runtime: method };
  if (method === 'makefile') return { builderName: 'makefile', subfolder: '', runtime: layer.compatibleRuntimes[0] ?? 'provided.al2023' };
  return undefined;
}

/** The layer as the function builders take it: its logical id, its content as the code, its build. */
export function layerAsFunction(layer: LayerDefinition, plan: LayerBuildPlan): FunctionDefinition {
  return {
    logicalId: layer.logicalId,
    functionName: layer.logicalId,
    resourceType: 'AWS::Serverless::Function',
    handler: '',
    runtime: plan.runtime,
    codeUri: layer.contentUri,
    memorySize: 128,
    timeout: 3,
    environment: {},
    layers: [],
    architectures: ['x86_64'],
    events: [],
    build: layer.build,
    position: layer.position,
  };
}

/** The template's layers (with a build, or an archive) that these functions use, each once; `undefined` functions: every such layer. */
export function layersToBuild(template: TemplateModel, functions: FunctionDefinition[] | undefined): LayerDefinition[] {
  const used = functions && new Set(functions.flatMap((fn) => fn.layers.map((ref) => ref.logicalId)));
  return template.layers.filter((layer) => (layer.build !== undefined || isCodeArchive(layer.contentUri)) && (!used || used.has(layer.logicalId)));
}

/** The layer's output folder inside its artefact. */
export function layerOutputDir(artefactDir: string, plan: LayerBuildPlan): string {
  return plan.subfolder ? path.join(artefactDir, plan.subfolder) : artefactDir;
}

/** A layer's build error as the functions using it report it: the layer named first, the tool's lines kept. */
export function layerFailure(layerId: string, error: BuildError): BuildError {
  const details = error.details.join('\n');
  const message = error.details.length > 0 && error.message.endsWith(`\n${details}`) ? error.message.slice(0, -details.length - 1) : error.message;
  return new BuildError(`Layer ${layerId} did not build: ${message}`, error.details);
}
