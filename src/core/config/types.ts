// The typed model of a SAM / CloudFormation template, as the engine consumes it.
// Everything here is plain data (JSON-serialisable) so the CLI, the extension and the
// language server can share it.

/** A 1-based position in a template file. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** A 1-based range in a template file. */
export interface SourceRange extends SourcePosition {
  endLine: number;
  endColumn: number;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** One problem found in a template: where, which property, what is wrong, what would be allowed. */
export interface Diagnostic {
  severity: DiagnosticSeverity;
  /** Stable machine-readable code, e.g. `unresolved-ref`, `invalid-value`, `yaml-syntax`. */
  code: string;
  message: string;
  range: SourceRange;
  /** Dotted path of the property, e.g. `Resources.Hello.Properties.MemorySize`. */
  property?: string;
}

export interface LayerReference {
  /** Logical id of an `AWS::Serverless::LayerVersion` / `AWS::Lambda::LayerVersion` in the same template. */
  logicalId?: string;
  /** A layer ARN that cannot be materialised locally (kept for display and diagnostics). */
  arn?: string;
  /** Absolute local content directory, when known. */
  contentUri?: string;
}

export interface LayerDefinition {
  logicalId: string;
  layerName: string;
  contentUri: string;
  compatibleRuntimes: string[];
  /** How `sam build` builds the layer (`Metadata.BuildMethod`: nodejs20.x, python3.12, makefile…). */
  build?: BuildDefinition;
  position: SourcePosition;
}

/** A SAM `Events` entry or an `AWS::Lambda::EventSourceMapping`, resolved but not interpreted yet. */
export interface EventSourceDefinition {
  name: string;
  type: string;
  properties: Record<string, unknown>;
  position: SourcePosition;
}

export interface DestinationConfig {
  onSuccess?: { type?: string; destination: string };
  onFailure?: { type?: string; destination: string };
}

export interface EventInvokeConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  destinationConfig?: DestinationConfig;
}

export interface DeadLetterQueue {
  type: 'SQS' | 'SNS';
  targetArn: string;
}

export interface FunctionDefinition {
  logicalId: string;
  /** `FunctionName` when given, otherwise the logical id (as SAM CLI does locally). */
  functionName: string;
  resourceType: 'AWS::Serverless::Function' | 'AWS::Lambda::Function';
  handler: string;
  runtime: string;
  /** Absolute path of the function's code directory. */
  codeUri: string;
  description?: string;
  /** The execution role's ARN, when the template gives one literally. */
  role?: string;
  /** MB; default 128. */
  memorySize: number;
  /** Seconds; default 3. */
  timeout: number;
  environment: Record<string, string>;
  /** `Environment.Variables` is written but empty: Lambda still shows `Environment: { Variables: {} }` in the function's configuration. */
  emptyEnvironmentDeclared?: boolean;
  layers: LayerReference[];
  architectures: string[];
  reservedConcurrentExecutions?: number;
  provisionedConcurrency?: number;
  autoPublishAlias?: string;
  events: EventSourceDefinition[];
  eventInvokeConfig?: EventInvokeConfig;
  deadLetterQueue?: DeadLetterQueue;
  /** How `sam build` builds it (`Metadata.BuildMethod`); absent: dependencies only, as SAM's default builders (build/). */
  build?: BuildDefinition;
  /**
   * `InlineCode` (SAM) or `Code.ZipFile`: the source Lambda puts in `index.js` / `index.py`; codeUri is
   * the directory of the state directory that loadTemplate writes it to.
   */
  inlineCode?: { fileName: string; source: string };
  /** Why the function cannot run locally (e.g. an image not built FROM an AWS base image): its invocations fail with this, the others run. */
  unsupported?: string;
  /** Where the resource is declared. */
  position: SourcePosition;
}

/** A function's (or layer's) `Metadata` as `sam build` reads it. */
export interface BuildDefinition {
  /** SAM's BuildMethod as written (esbuild, makefile, go1.x, nodejs20.x, python3.12…); `image` for a Dockerfile-built image. */
  method: string;
  /** `Metadata.BuildProperties` as written (esbuild: EntryPoints, Minify, Target, Sourcemap…). */
  properties: Record<string, unknown>;
  /** The directory the build reads: the code directory, or the image's DockerContext. */
  sourceDir: string;
}

/**
 * The functions the engine runs, as invocations see them (versions/functionCatalog.ts implements
 * it; declared here so every floor of the engine can name it).
 */
export interface FunctionLookup {
  /** The region of the functions' ARNs. */
  readonly region: string;
  functions(): FunctionDefinition[];
  /** By function name or logical id. */
  getFunction(name: string): FunctionDefinition | undefined;
}

export interface TemplateModel {
  /** Absolute path of the template file. */
  file: string;
  functions: FunctionDefinition[];
  layers: LayerDefinition[];
  /** Resolved parameter values (defaults or overrides). */
  parameters: Record<string, string>;
  /** Every resource, with intrinsics resolved where possible (for later issues: versions, aliases, queues…). */
  resources: Record<string, { type: string; properties: Record<string, unknown>; position: SourcePosition }>;
  /** Function URLs and API routes (config/functionUrls.ts); absent when the template has none. */
  httpFrontEnds?: HttpFrontEndsDefinition;
  diagnostics: Diagnostic[];
}

/** CORS as a function URL or an HTTP API configures it (a REST API's SAM `Cors` is converted to it). */
export interface CorsConfig {
  allowOrigins: string[];
  /** Upper-case methods, or `*`. */
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  /** Seconds. */
  maxAge?: number;
}

/** A function URL: SAM `FunctionUrlConfig` (on the AutoPublishAlias when there is one) or an `AWS::Lambda::Url`. */
export interface FunctionUrlDefinition {
  /** `<Function>Url` (the resource SAM generates) or the `AWS::Lambda::Url`'s logical id. */
  logicalId: string;
  functionName: string;
  /** An alias; undefined for $LATEST. */
  qualifier?: string;
  authType: 'NONE' | 'AWS_IAM';
  /** RESPONSE_STREAM: a function that streams is answered as it streams (http/streamedResponse.ts). */
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  cors?: CorsConfig;
  /** AuthType NONE without the template's permission for anyone to call it: Lambda refuses every request (403). */
  missingPermission?: boolean;
  position: SourcePosition;
}

/** A route of the local REST API (SAM `Api` events) or HTTP API (`HttpApi` events); RestApiId / ApiId are merged into one API per kind, each route keeping its own API's stage. */
export interface ApiRouteDefinition {
  api: 'rest' | 'http';
  /** Upper-case; `ANY` matches every method. */
  method: string;
  /** `/items/{id}`, `/files/{proxy+}`, or `$default` (an HttpApi event without Path and Method). */
  path: string;
  functionName: string;
  /** The function's AutoPublishAlias (SAM points API integrations at it). */
  qualifier?: string;
  /** The SAM event's name. */
  eventName: string;
  /** REST APIs always use 1.0. */
  payloadFormatVersion: '1.0' | '2.0';
  /** The authorizer API Gateway runs before the function (config/authorizers.ts); absent: none (or AWS_IAM, not simulated). */
  authorizer?: RouteAuthorization;
  /**
   * The API it belongs to: the logical id of its RestApiId / ApiId, or SAM's implicit API
   * (`ServerlessRestApi`, `ServerlessHttpApi`); its stage is `HttpFrontEndsDefinition.stages[apiLogicalId]`.
   */
  apiLogicalId: string;
  /** The event's `TimeoutInMillis` (API Gateway's integration timeout for this route), when set. */
  timeoutMs?: number;
  position: SourcePosition;
}

/** The stage an API is served as: `requestContext.stage` and `stageVariables`. */
export interface ApiStage {
  stageName: string;
  /** `Variables` (REST) / `StageVariables` (HTTP API); undefined when the stage has none. */
  variables?: Record<string, string>;
}

export interface HttpFrontEndsDefinition {
  functionUrls: FunctionUrlDefinition[];
  routes: ApiRouteDefinition[];
  /** `CorsConfiguration` of `Globals.HttpApi` / `AWS::Serverless::HttpApi`. */
  httpApi: { cors?: CorsConfig };
  /** `StageName`, `BinaryMediaTypes` (`~1` decoded to `/`) and `Cors` of `Globals.Api` / `AWS::Serverless::Api`. */
  restApi: { stageName: string; binaryMediaTypes: string[]; cors?: CorsConfig };
  /** The stage of each API that has routes, by the routes' `apiLogicalId`. */
  stages: Record<string, ApiStage>;
}

/** A route's authorizer and the scopes the route requires (`AuthorizationScopes`: JWT and Cognito authorizers). */
export interface RouteAuthorization {
  definition: AuthorizerDefinition;
  /** A token must carry at least one of these scopes; empty: none required. */
  scopes: string[];
}

/** Where an authorizer reads a value of the request (`method.request.header.X`, `$request.querystring.X`, `$stageVariables.X`, `$context.X`). */
export interface IdentitySource {
  kind: 'header' | 'query' | 'stageVariable' | 'context';
  name: string;
}

/** An authorizer of SAM's `Auth.Authorizers` (of an `AWS::Serverless::Api` / `HttpApi`, or their Globals). */
export type AuthorizerDefinition = LambdaAuthorizerDefinition | TokenAuthorizerDefinition;

interface AuthorizerCommon {
  /** Its name in `Auth.Authorizers`. */
  name: string;
  api: 'rest' | 'http';
  /** The API's logical id (`ServerlessRestApi` / `ServerlessHttpApi` for SAM's implicit APIs). */
  apiLogicalId: string;
  /** Why it cannot run locally (its function is not in the template…): requests answer as API Gateway does when an authorizer fails. */
  unavailable?: string;
  position: SourcePosition;
}

/** A Lambda authorizer: REST `TOKEN` / `REQUEST`, or an HTTP API's (always `REQUEST`). */
export interface LambdaAuthorizerDefinition extends AuthorizerCommon {
  type: 'lambda';
  functionName: string;
  /** The alias or version of `FunctionArn`, if qualified. */
  qualifier?: string;
  payloadType: 'TOKEN' | 'REQUEST';
  /** HTTP APIs: `AuthorizerPayloadFormatVersion`; REST APIs: 1.0. */
  payloadFormatVersion: '1.0' | '2.0';
  /** HTTP APIs with payload 2.0: `EnableSimpleResponses` (`{isAuthorized, context}`). */
  simpleResponses: boolean;
  /** TOKEN: the one header; REQUEST: every source (a request missing one is refused without invoking). */
  identitySources: IdentitySource[];
  /** TOKEN: `Identity.ValidationExpression`, the token must match it. */
  validationExpression?: string;
  /** `ReauthorizeEvery` (seconds; default 300, 0: no caching). */
  resultTtlSeconds: number;
}

/** A token verified against a JWKS: an HTTP API's JWT authorizer, or a REST API's Cognito user pool authorizer. */
export interface TokenAuthorizerDefinition extends AuthorizerCommon {
  type: 'jwt' | 'cognito';
  /** The issuers a token may have (`JwtConfiguration.issuer`; one per user pool: `https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
  issuers: string[];
  /** `JwtConfiguration.audience` (`aud`, else `client_id`); Cognito authorizers check none. */
  audience?: string[];
  /** Where the token is: `IdentitySource` (JWT) or `Identity.Header` (Cognito, default Authorization). */
  identitySource: IdentitySource;
  /** Cognito: `Identity.ValidationExpression`. */
  validationExpression?: string;
  /** The authorizer's `AuthorizationScopes`: the routes' default. */
  scopes: string[];
}
