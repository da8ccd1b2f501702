import * as fs from 'node:fs';
import { HttpFrontEnd, type FrontEndEndpoint } from '../../../src/core/http/httpFrontEnd';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, writeProject } from '../helpers/project';

// A project's HTTP front ends served in this process, for the tests that send them real requests.

export interface ServedFrontEnds {
  dir: string;
  workbench: Workbench;
  frontEnd: HttpFrontEnd;
  endpoints: FrontEndEndpoint[];
  /** The endpoint of this kind (url, http, rest), of this function when given. */
  endpoint(kind: string, functionName?: string): FrontEndEndpoint;
  /** Stops the front ends and the engine, and removes the project. */
  close(): Promise<void>;
}

type FrontEndOptions = ConstructorParameters<typeof HttpFrontEnd>[1];

/** Writes the project, opens an engine on it (without hot reload) and starts its front ends (options may depend on the project's directory). */
export async function serveFrontEnds(files: Record<string, string>, options?: FrontEndOptions | ((dir: string) => FrontEndOptions)): Promise<ServedFrontEnds> {
  const dir = writeProject(files);
  const workbench = await openProject(dir, { hotReload: false });
  const frontEnd = new HttpFrontEnd(workbench, typeof options === 'function' ? options(dir) : options);
  const endpoints = await frontEnd.start();
  return {
    dir,
    workbench,
    frontEnd,
    endpoints,
    endpoint: (kind, functionName) => endpoints.find((e) => e.kind === kind && (functionName === undefined || e.functionName === functionName))!,
    close: async () => {
      await frontEnd.close();
      await workbench.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
