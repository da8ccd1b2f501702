// The engine's public surface. The CLI, the extension and the debug adapter import the engine from
// here; the template reader (`./config`), the sample and saved events (`./events`) and handler
// lookup (`./handlers`) are entry modules of their own, so the language server loads only those.
// test/unit/layering.test.ts keeps the hosts on these entry modules.

// The engine and its settings.
export { Workbench, TemplateError, DEFAULT_SETTINGS, type WorkbenchSettings, type EnvironmentInfo } from './workbench';
export { WorkbenchError, isWorkbenchError, type WorkbenchErrorCode } from './errors';
export { StoreLockedError } from './store/stateStore';
export * from './config';

// Names, ARNs, regions and the state directory.
export { DEFAULT_REGION, functionArn, functionRefOf } from './vocabulary/functionNames';
export { stateDirOf } from './vocabulary/stateDirectory';

// Invocations, synchronous and asynchronous, and what they leave behind.
export type { InvocationResult, InvokeOptions } from './invoke/invoker';
export type { AsyncInvokeOptions, AsyncQueueStatus } from './invoke/asyncInvoker';
export { MAX_ASYNC_PAYLOAD_BYTES } from './config/asyncPolicy';
export type { DestinationMessage, DestinationRole, DestinationKind, MessageAttributes } from './invoke/destinations';
export type { InvocationRecord, InvocationCondition } from './invoke/invocationRecord';
export type { ExecutionEnvironment } from './environment/environment';
export { FAKE_CREDENTIALS, userCredentialChain } from './environment/credentials';

// Versions and aliases.
export type { AliasConfiguration, ControlPlane } from './versions/controlPlane';
export type { FunctionVersions } from './versions/functionVersions';
export type { AliasRecord, VersionRecord } from './versions/versionStore';

// The event stream, log lines, metrics and the timeline.
export type { TelemetryEvent, TelemetryType, AsyncLifecycleRecord, BuildRecord } from './telemetry/events';
export { formatLogLine, formatTerminalLine } from './telemetry/logFormat';
export { ALL_VERSIONS, describeSummary, MetricsRecorder, type MetricsChartData, type MetricsKey, type MetricsSummary } from './metrics/metricsRecorder';
export {
  TimelineModel,
  type TimelineCounts,
  type TimelineEnvironment,
  type TimelineMarker,
  type TimelineSegment,
  type TimelineSnapshot,
} from './metrics/timelineModel';

// Queues and streams.
export { readSourceDeclarations, type SourceEndpoints } from './sources/declarations';
export { deadLetterQueues, deadLetterSources, redriveDeadLetterQueue, type RedriveResult } from './sources/redrive';
export type {
  DynamoDbChange,
  MessageAttributeValue,
  MessageQueue,
  QueueDefinition,
  QueueStats,
  RecordStream,
  SendMessageResult,
  ShardInfo,
  SourceEndpoint,
  StreamDefinition,
} from './sources/types';

// The local services: the Lambda API, the HTTP front ends, and what a client of a running `serve` needs.
export { LambdaApiServer } from './api/lambdaApi';
export { HttpFrontEnd, type FrontEndEndpoint } from './http/httpFrontEnd';
export { INTEGRATION_TIMEOUT_MS, type IntegrationTimeout, type RouteConflict } from './http/apiGateway';
export { DEBUG_TOKEN_HEADER } from './api/debugRoutes';
export { signedHeaders } from './api/requestSigner';
export { readRunningServe, writeServeDiscovery } from './api/serveDiscovery';
export type { SigningCredentials } from './util/signatureV4';
export { handleSourceRoute } from './api/sourceRoutes';
