import { strict as assert } from 'node:assert';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { json } from './project';

/** Asserts the invocation failed as an unhandled `errorType` (in the header and the body); returns the error body. */
export function unhandledError(result: InvocationResult, errorType: string): any {
  assert.equal(result.functionError, 'Unhandled');
  assert.equal(result.errorType, errorType);
  const body = json(result.payload);
  assert.equal(body.errorType, errorType);
  return body;
}

/** Asserts the invocation ran `version` (its ExecutedVersion); returns its answer, parsed. */
export function executedAs(result: InvocationResult, version: string): any {
  assert.equal(result.executedVersion, version);
  return json(result.payload);
}

/** Invokes `functionName` again and asserts whether it ran in the environment `first` ran in, or in a new one. */
export async function invokeAgain(
  workbench: Workbench,
  functionName: string,
  first: InvocationResult,
  options: { reused: boolean; payload?: string; message?: string },
): Promise<InvocationResult> {
  const again = await workbench.invoke(functionName, options.payload ?? '{}');
  assert.equal(again.coldStart, !options.reused, options.message);
  if (options.reused) assert.equal(again.environmentId, first.environmentId);
  else assert.notEqual(again.environmentId, first.environmentId);
  return again;
}

/** The pids of the engine's environments that run a process of their own. */
export function environmentPids(workbench: Workbench): number[] {
  return workbench
    .environments()
    .map((e) => e.pid)
    .filter((p): p is number => p !== undefined);
}

/** The `function` records an engine emits (what the runtime wrote), captured from the telemetry stream. */
export function recordFunctionOutput(workbench: Workbench): string[] {
  const lines: string[] = [];
  workbench.telemetry.subscribe((e: TelemetryEvent) => {
    if (e.type === 'function') lines.push(e.record as string);
  });
  return lines;
}

/** Lets output already in the pipes be read. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
