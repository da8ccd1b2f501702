// The engine's public surface, for the CLI, the extension, the debug adapter, tests and benchmarks.
export { Workbench, TemplateError, DEFAULT_SETTINGS, type WorkbenchSettings, type EnvironmentInfo } from './workbench';
export { WorkbenchError, isWorkbenchError, type WorkbenchErrorCode } from './errors';
export type { InvocationResult, InvokeOptions } from './invoke/invoker';
export type { AsyncInvokeOptions, AsyncQueueStatus } from './invoke/asyncInvoker';
export { MAX_ASYNC_PAYLOAD_BYTES } from './invoke/asyncPolicy';
export type { DestinationMessage, DestinationRole, DestinationKind, MessageAttributes } from './invoke/destinations';
export type { InvocationRecord, InvocationCondition } from './invoke/invocationRecord';
export { StoreLockedError } from './store/stateStore';
export type { TelemetryEvent, TelemetryType, AsyncLifecycleRecord } from './telemetry/events';
export { formatLogLine } from './telemetry/logFormat';
export { FAKE_CREDENTIALS } from './environment/credentials';
export * from './config';
