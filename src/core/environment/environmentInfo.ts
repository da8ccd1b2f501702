import type { EnvironmentState, ExecutionEnvironment, InitSubPhase } from './environment';

/** What the UI and the CLI show of an execution environment: a snapshot, no live object. */
export interface EnvironmentInfo {
  id: string;
  functionName: string;
  version: string;
  state: EnvironmentState;
  initSubPhase?: InitSubPhase;
  initializationType: string;
  pid?: number;
  createdAt: number;
  invocations: number;
  maxMemoryUsedMb: number;
  inspectorUrl?: string;
}

export function environmentInfo(env: ExecutionEnvironment): EnvironmentInfo {
  return {
    id: env.id,
    functionName: env.fn.functionName,
    version: env.version,
    state: env.state,
    initSubPhase: env.initSubPhase,
    initializationType: env.initializationType,
    pid: env.pid,
    createdAt: env.createdAt,
    invocations: env.invocationCount,
    maxMemoryUsedMb: env.maxMemoryUsedMb,
    inspectorUrl: env.inspectorUrl,
  };
}
