// The authorizers of a template's APIs, as SAM declares them, attached to the routes they guard:
// `Auth.Authorizers` / `Auth.DefaultAuthorizer` of an `AWS::Serverless::Api` (Lambda TOKEN /
// REQUEST authorizers, Cognito user pool authorizers) or `AWS::Serverless::HttpApi` (Lambda
// authorizers with payload 1.0 / 2.0, JWT authorizers), merged over those of `Globals.Api` /
// `Globals.HttpApi` as SAM merges maps, and each event's `Auth.Authorizer` (a name, `NONE`, or
// `AWS_IAM`, which is not simulated). src/core/http/authorizers runs them.
import type {
  ApiRouteDefinition,
  AuthorizerDefinition,
  FunctionDefinition,
  IdentitySource,
  LambdaAuthorizerDefinition,
  SourcePosition,
  TemplateModel,
  TokenAuthorizerDefinition,
} from './types';
import { IMPLICIT_HTTP_API, IMPLICIT_REST_API, type HttpFrontEndContext } from './frontEndContext';
import { describe } from './intrinsics';
import { PropertyReader } from './props';
import { childOf, entryOf } from './tree';
import { integer } from './validation';
import { functionRefOf } from '../vocabulary/functionNames';

/** The APIs SAM generates for `Api` / `HttpApi` events without RestApiId / ApiId. */
const IMPLICIT_API = { rest: IMPLICIT_REST_API, http: IMPLICIT_HTTP_API } as const;
const SAM_API_TYPE = { rest: 'AWS::Serverless::Api', http: 'AWS::Serverless::HttpApi' } as const;
/** API Gateway's default `authorizerResultTtlInSeconds`, and its maximum. */
const DEFAULT_TTL_SECONDS = 300;
const MAX_TTL_SECONDS = 3600;
const AUTHORIZER_KEYS = {
  rest: ['AuthorizationScopes', 'DisableFunctionDefaultPermissions', 'FunctionArn', 'FunctionInvokeRole', 'FunctionPayloadType', 'Identity', 'UserPoolArn'],
  http: [
    'AuthorizationScopes',
    'AuthorizerPayloadFormatVersion',
    'EnableFunctionDefaultPermissions',
    'EnableSimpleResponses',
    'FunctionArn',
    'FunctionInvokeRole',
    'Identity',
    'IdentitySource',
    'JwtConfiguration',
  ],
};

type Kind = 'rest' | 'http';

/** One API's authorizers and default, each definition with where it is written. */
interface ApiAuth {
  authorizers: Map<string, AuthorizerDefinition>;
  defaultAuthorizer?: string;
}

/** Where an `Auth` mapping is written: the reader and the keys up to `Auth`. */
interface AuthSource {
  r: PropertyReader;
  at: string[];
}

/** Reads every SAM API's authorizers (reporting their problems) and sets `authorizer` on the routes they guard. */
export function readAuthorizers(model: TemplateModel, ctx: HttpFrontEndContext): void {
  const reader = new AuthorizerReader(ctx);
  // Every SAM API's Auth is checked, whether or not a route uses it yet.
  for (const [id, entry] of ctx.entries) {
    if (!ctx.readers.has(id)) continue;
    if (entry.type === SAM_API_TYPE.rest) reader.api('rest', id);
    else if (entry.type === SAM_API_TYPE.http) reader.api('http', id);
  }
  for (const route of model.httpFrontEnds?.routes ?? []) reader.attach(route, model.functions);
}

class AuthorizerReader {
  private readonly apis = new Map<string, ApiAuth | undefined>();
  private readonly globals = new Map<Kind, PropertyReader | undefined>();
  /** Definitions read once (those of Globals serve every API): by where they are written. */
  private readonly parsed = new Map<string, AuthorizerDefinition | undefined>();
  /** Problems of Globals reported once, not once per API. */
  private readonly reported = new Set<string>();

  constructor(private readonly ctx: HttpFrontEndContext) {}

  /** The authorizers of an API (`undefined` for one SAM does not manage, e.g. an `AWS::ApiGateway::RestApi`). */
  api(kind: Kind, apiId: string): ApiAuth | undefined {
    const key = `${kind}\0${apiId}`;
    if (this.apis.has(key)) return this.apis.get(key);
    let auth: ApiAuth | undefined;
    const entry = this.ctx.entries.get(apiId);
    // SAM's implicit API is an implicit entry (or none): only Globals configure it.
    const implicit = apiId === IMPLICIT_API[kind] && (!entry || entry.implicit === true);
    const sam = implicit || (entry?.type === SAM_API_TYPE[kind] && !entry.implicit);
    if (sam) {
      auth = { authorizers: new Map() };
      // Globals first: the API's own Auth replaces what it names again.
      const sources: AuthSource[] = [];
      const global = this.globalsReader(kind);
      if (global) sources.push({ r: global, at: ['Auth'] });
      const own = implicit ? undefined : this.ctx.readers.get(apiId);
      if (own) sources.push({ r: own, at: ['Auth'] });
      for (const source of sources) this.readAuth(kind, apiId, source, auth);
      if (auth.defaultAuthorizer !== undefined && auth.defaultAuthorizer !== 'AWS_IAM' && !auth.authorizers.has(auth.defaultAuthorizer)) {
        const where = [...sources].reverse().find((s) => s.r.get(...s.at, 'DefaultAuthorizer') !== undefined)!;
        const message = `DefaultAuthorizer '${auth.defaultAuthorizer}' is not one of the API's Authorizers (${known(auth)})`;
        if (!this.reported.has(`${where.r.basePath}\0${message}`)) where.r.error('unknown-authorizer', [...where.at, 'DefaultAuthorizer'], message);
        this.reported.add(`${where.r.basePath}\0${message}`);
        delete auth.defaultAuthorizer;
      }
    }
    this.apis.set(key, auth);
    return auth;
  }

  /** Sets the route's authorizer: its event's `Auth.Authorizer`, else the API's default. */
  attach(route: ApiRouteDefinition, functions: FunctionDefinition[]): void {
    const fn = functions.find((f) => f.functionName === route.functionName);
    const event = fn?.events.find((e) => e.name === route.eventName);
    const r = fn && this.ctx.readers.get(fn.logicalId);
    if (!fn || !event || !r) return;
    const kind = route.api;
    const apiRef = kind === 'rest' ? event.properties.RestApiId : event.properties.ApiId;
    const apiId = apiRef === undefined || apiRef === null ? IMPLICIT_API[kind] : typeof apiRef === 'string' ? apiRef : undefined;
    const auth = apiId === undefined ? undefined : this.api(kind, apiId);
    const at = ['Events', route.eventName, 'Properties', 'Auth'];
    const eventAuth = r.get(...at);
    if (eventAuth !== undefined && eventAuth !== null && (typeof eventAuth !== 'object' || Array.isArray(eventAuth))) {
      r.error('invalid-type', at, `Auth of event '${route.eventName}' must be a mapping (Authorizer, AuthorizationScopes…), got ${describe(eventAuth)}`);
      return;
    }
    const written = (eventAuth as Record<string, unknown> | undefined)?.Authorizer;
    if (written !== undefined && typeof written !== 'string') {
      r.error('invalid-type', [...at, 'Authorizer'], `Auth.Authorizer must be an authorizer's name, NONE or AWS_IAM, got ${describe(written)}`);
      return;
    }
    const name = written ?? auth?.defaultAuthorizer;
    if (name === undefined || name === 'NONE') return;
    if (name === 'AWS_IAM') {
      r.report(
        'info',
        'not-enforced',
        written !== undefined ? [...at, 'Authorizer'] : ['Events', route.eventName],
        `Authorizer AWS_IAM of event '${route.eventName}' is not simulated locally: requests reach the function unsigned`,
      );
      return;
    }
    const definition = auth?.authorizers.get(name);
    if (!definition) {
      const api = apiId ?? 'its API';
      const message = auth
        ? `Authorizer '${name}' of event '${route.eventName}' is not one of the Authorizers of ${api} (${known(auth)})`
        : `Authorizer '${name}' of event '${route.eventName}' cannot be found: ${api} is not an ${SAM_API_TYPE[kind]} with Auth.Authorizers`;
      r.error('unknown-authorizer', [...at, 'Authorizer'], message);
      return;
    }
    const scopes = stringList(r, [...at, 'AuthorizationScopes']) ?? ('scopes' in definition ? definition.scopes : []);
    route.authorizer = { definition, scopes };
  }

  private readAuth(kind: Kind, apiId: string, source: AuthSource, auth: ApiAuth): void {
    const { r, at } = source;
    const value = r.get(...at);
    if (value === undefined || value === null) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      r.error('invalid-type', at, `Auth must be a mapping (Authorizers, DefaultAuthorizer…), got ${describe(value)}`);
      return;
    }
    const authorizers = r.get(...at, 'Authorizers');
    if (authorizers !== undefined && authorizers !== null) {
      if (typeof authorizers !== 'object' || Array.isArray(authorizers)) {
        r.error('invalid-type', [...at, 'Authorizers'], `Auth.Authorizers must be a mapping of authorizer names to definitions, got ${describe(authorizers)}`);
      } else {
        for (const name of Object.keys(authorizers)) {
          const keys = [...at, 'Authorizers', name];
          const where = `${kind}\0${r.basePath}\0${name}`;
          if (!this.parsed.has(where)) {
            this.parsed.set(where, kind === 'rest' ? this.restAuthorizer(r, keys, name, apiId) : this.httpAuthorizer(r, keys, name, apiId));
          }
          const def = this.parsed.get(where);
          if (def) auth.authorizers.set(name, { ...def, apiLogicalId: apiId });
          else auth.authorizers.delete(name);
        }
      }
    }
    const defaultName = r.get(...at, 'DefaultAuthorizer');
    if (typeof defaultName === 'string' && defaultName !== '') auth.defaultAuthorizer = defaultName;
    else if (defaultName !== undefined && defaultName !== null) {
      r.error('invalid-type', [...at, 'DefaultAuthorizer'], `DefaultAuthorizer must be an authorizer's name, got ${describe(defaultName)}`);
    }
  }

  /** A REST API's authorizer: Lambda (`FunctionArn`, TOKEN or REQUEST) or Cognito (`UserPoolArn`). */
  private restAuthorizer(r: PropertyReader, keys: string[], name: string, apiId: string): AuthorizerDefinition | undefined {
    if (!this.checkKeys(r, keys, name, 'rest')) return undefined;
    const position = this.position(r, keys);
    const common = { name, api: 'rest' as const, apiLogicalId: apiId, position };
    const identity = [...keys, 'Identity'];
    if (r.get(...keys, 'FunctionArn') !== undefined || r.written(...keys, 'FunctionArn')) {
      const target = this.functionOf(r, [...keys, 'FunctionArn'], name);
      const type = r.get(...keys, 'FunctionPayloadType') ?? 'TOKEN';
      if (type !== 'TOKEN' && type !== 'REQUEST') {
        r.error(
          'invalid-value',
          [...keys, 'FunctionPayloadType'],
          `FunctionPayloadType of authorizer '${name}' must be TOKEN or REQUEST, got ${describe(type)}`,
        );
        return undefined;
      }
      const def: LambdaAuthorizerDefinition = {
        ...common,
        type: 'lambda',
        ...target,
        payloadType: type,
        payloadFormatVersion: '1.0',
        simpleResponses: false,
        identitySources: [],
        resultTtlSeconds: this.ttl(r, identity),
      };
      if (type === 'TOKEN') {
        def.identitySources = [{ kind: 'header', name: this.header(r, identity) }];
        const expression = this.validationExpression(r, identity);
        if (expression !== undefined) def.validationExpression = expression;
      } else {
        def.identitySources = this.identitySources(r, identity);
        // API Gateway caches by the identity sources; with none there is nothing to cache by.
        if (def.identitySources.length === 0) def.resultTtlSeconds = 0;
      }
      return def;
    }
    if (r.get(...keys, 'UserPoolArn') !== undefined || r.written(...keys, 'UserPoolArn')) {
      const issuers = this.userPoolIssuers(r, [...keys, 'UserPoolArn'], name);
      if (!issuers) return undefined;
      const def: TokenAuthorizerDefinition = {
        ...common,
        type: 'cognito',
        issuers,
        identitySource: { kind: 'header', name: this.header(r, identity) },
        scopes: stringList(r, [...keys, 'AuthorizationScopes']) ?? [],
      };
      const expression = this.validationExpression(r, identity);
      if (expression !== undefined) def.validationExpression = expression;
      return def;
    }
    r.error('missing-property', keys, `Authorizer '${name}' needs FunctionArn (a Lambda authorizer) or UserPoolArn (a Cognito user pool authorizer)`);
    return undefined;
  }

  /** An HTTP API's authorizer: JWT (`JwtConfiguration`) or Lambda (`FunctionArn`, payload 1.0 / 2.0). */
  private httpAuthorizer(r: PropertyReader, keys: string[], name: string, apiId: string): AuthorizerDefinition | undefined {
    if (!this.checkKeys(r, keys, name, 'http')) return undefined;
    const position = this.position(r, keys);
    const common = { name, api: 'http' as const, apiLogicalId: apiId, position };
    const jwt = r.get(...keys, 'JwtConfiguration');
    if (jwt !== undefined || r.written(...keys, 'JwtConfiguration')) {
      if (typeof jwt !== 'object' || jwt === null || Array.isArray(jwt)) {
        r.error('invalid-type', [...keys, 'JwtConfiguration'], `JwtConfiguration of authorizer '${name}' must be a mapping with issuer and audience`);
        return undefined;
      }
      // SAM writes its keys in lower case, AWS::ApiGatewayV2::Authorizer capitalised: both are read.
      const lower = Object.fromEntries(Object.entries(jwt).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));
      const [issuerKey = 'issuer', issuer] = lower.issuer ?? [];
      if (typeof issuer !== 'string' || issuer === '') {
        r.error('missing-property', [...keys, 'JwtConfiguration', issuerKey], `JwtConfiguration of authorizer '${name}' needs an issuer (the tokens' iss)`);
        return undefined;
      }
      const [audienceKey = 'audience'] = lower.audience ?? [];
      const audience = stringList(r, [...keys, 'JwtConfiguration', audienceKey]) ?? [];
      if (audience.length === 0) {
        r.warning(
          'missing-property',
          [...keys, 'JwtConfiguration', audienceKey],
          `JwtConfiguration of authorizer '${name}' has no audience: API Gateway requires one, and locally every token is refused`,
        );
      }
      const sourceText = r.get(...keys, 'IdentitySource');
      if (typeof sourceText !== 'string') {
        const message = `Authorizer '${name}' needs an IdentitySource (where the token is, e.g. $request.header.Authorization)`;
        r.error(sourceText === undefined ? 'missing-property' : 'invalid-type', [...keys, 'IdentitySource'], message);
        return undefined;
      }
      const identitySource = parseIdentitySource(sourceText.trim(), 'http');
      if (!identitySource || (identitySource.kind !== 'header' && identitySource.kind !== 'query')) {
        r.error(
          'invalid-value',
          [...keys, 'IdentitySource'],
          `IdentitySource '${sourceText}' of authorizer '${name}' must name a header or query string ($request.header.Authorization)`,
        );
        return undefined;
      }
      return { ...common, type: 'jwt', issuers: [issuer], audience, identitySource, scopes: stringList(r, [...keys, 'AuthorizationScopes']) ?? [] };
    }
    if (r.get(...keys, 'FunctionArn') !== undefined || r.written(...keys, 'FunctionArn')) {
      const target = this.functionOf(r, [...keys, 'FunctionArn'], name);
      const pfv = r.get(...keys, 'AuthorizerPayloadFormatVersion');
      const version = typeof pfv === 'number' ? pfv.toFixed(1) : typeof pfv === 'string' ? pfv.trim() : undefined;
      if (version !== '1.0' && version !== '2.0') {
        const message =
          pfv === undefined
            ? `Lambda authorizer '${name}' needs AuthorizerPayloadFormatVersion ('1.0' or '2.0')`
            : `AuthorizerPayloadFormatVersion of authorizer '${name}' must be '1.0' or '2.0', got ${describe(pfv)}`;
        r.error(pfv === undefined ? 'missing-property' : 'invalid-value', [...keys, 'AuthorizerPayloadFormatVersion'], message);
        return undefined;
      }
      const simple = r.get(...keys, 'EnableSimpleResponses');
      const simpleResponses = simple === true || simple === 'true';
      if (simpleResponses && version !== '2.0') {
        r.error('invalid-value', [...keys, 'EnableSimpleResponses'], `EnableSimpleResponses needs AuthorizerPayloadFormatVersion '2.0' (authorizer '${name}')`);
      }
      const identity = [...keys, 'Identity'];
      const def: LambdaAuthorizerDefinition = {
        ...common,
        type: 'lambda',
        ...target,
        payloadType: 'REQUEST',
        payloadFormatVersion: version,
        simpleResponses: simpleResponses && version === '2.0',
        identitySources: this.identitySources(r, identity),
        resultTtlSeconds: this.ttl(r, identity),
      };
      // "To enable caching, your authorizer must have at least one identity source."
      if (def.identitySources.length === 0) def.resultTtlSeconds = 0;
      return def;
    }
    r.error('missing-property', keys, `Authorizer '${name}' needs JwtConfiguration (a JWT authorizer) or FunctionArn (a Lambda authorizer)`);
    return undefined;
  }

  /** Whether the definition is a mapping; unknown keys are reported (SAM rejects them). */
  private checkKeys(r: PropertyReader, keys: string[], name: string, kind: Kind): boolean {
    const value = r.get(...keys);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      r.error('invalid-type', keys, `Authorizer '${name}' must be a mapping (FunctionArn, Identity…), got ${describe(value)}`);
      return false;
    }
    for (const key of Object.keys(value)) {
      if (!AUTHORIZER_KEYS[kind].includes(key)) {
        r.error(
          'unknown-property',
          [...keys, key],
          `${key} is not a property of an ${SAM_API_TYPE[kind]} authorizer (allowed: ${AUTHORIZER_KEYS[kind].join(', ')})`,
        );
      }
    }
    return true;
  }

  /** `FunctionArn` → the template's function it names (an unknown one leaves the authorizer unavailable). */
  private functionOf(r: PropertyReader, keys: string[], name: string): { functionName: string; qualifier?: string; unavailable?: string } {
    const arn = r.get(...keys);
    if (typeof arn !== 'string' || arn === '') {
      const unavailable = `the FunctionArn of authorizer '${name}' did not resolve to a function`;
      if (arn !== undefined) r.error('invalid-type', keys, `FunctionArn of authorizer '${name}' must be a function ARN or name, got ${describe(arn)}`);
      return { functionName: '', unavailable };
    }
    const ref = functionRefOf(arn);
    const fn = this.ctx.functions.get(ref.name);
    if (!fn) {
      const functions = [...this.ctx.functions.keys()].join(', ') || 'none';
      r.warning(
        'unknown-function',
        keys,
        `Authorizer '${name}' runs function '${ref.name}', which is not defined in this template (functions: ${functions}); its routes answer as API Gateway does when an authorizer fails (500)`,
      );
      return { functionName: ref.name, unavailable: `function '${ref.name}' of authorizer '${name}' is not in the template` };
    }
    const target: { functionName: string; qualifier?: string } = { functionName: fn.functionName };
    if (ref.qualifier !== undefined && ref.qualifier !== '$LATEST') target.qualifier = ref.qualifier;
    return target;
  }

  /** `UserPoolArn` (one ARN or a list) → the pools' token issuers. */
  private userPoolIssuers(r: PropertyReader, keys: string[], name: string): string[] | undefined {
    const value = r.get(...keys);
    const arns = Array.isArray(value) ? value : [value];
    const issuers: string[] = [];
    for (let i = 0; i < arns.length; i++) {
      const arn = arns[i];
      const at = Array.isArray(value) ? [...keys, String(i)] : keys;
      const m = typeof arn === 'string' ? /^arn:[^:]+:cognito-idp:([a-z0-9-]+):[^:]*:userpool\/([\w-]+)$/.exec(arn) : null;
      if (!m) {
        if (arn !== undefined) {
          r.error(
            'invalid-value',
            at,
            `UserPoolArn of authorizer '${name}' must be a user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<id>), got ${describe(arn)}`,
          );
        }
        return undefined;
      }
      issuers.push(`https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}`);
    }
    return issuers.length > 0 ? issuers : undefined;
  }

  /** `Identity.Header` (TOKEN and Cognito authorizers; default Authorization). */
  private header(r: PropertyReader, identity: string[]): string {
    const header = r.get(...identity, 'Header');
    if (typeof header === 'string' && header !== '') return header;
    if (header !== undefined && header !== null) {
      r.error('invalid-type', [...identity, 'Header'], `Identity.Header must be a header name, got ${describe(header)}`);
    }
    return 'Authorization';
  }

  private validationExpression(r: PropertyReader, identity: string[]): string | undefined {
    const expression = r.get(...identity, 'ValidationExpression');
    if (expression === undefined || expression === null) return undefined;
    if (typeof expression !== 'string') {
      r.error('invalid-type', [...identity, 'ValidationExpression'], `Identity.ValidationExpression must be a regular expression, got ${describe(expression)}`);
      return undefined;
    }
    try {
      new RegExp(expression);
      return expression;
    } catch (error) {
      r.error(
        'invalid-value',
        [...identity, 'ValidationExpression'],
        `Identity.ValidationExpression is not a valid regular expression: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  /** REQUEST authorizers' `Identity`: Headers, QueryStrings, StageVariables, Context. */
  private identitySources(r: PropertyReader, identity: string[]): IdentitySource[] {
    const out: IdentitySource[] = [];
    const value = r.get(...identity);
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      r.error(
        'invalid-type',
        identity,
        `Identity must be a mapping (Headers, QueryStrings, StageVariables, Context, ReauthorizeEvery), got ${describe(value)}`,
      );
      return out;
    }
    for (const [key, kind] of [
      ['Headers', 'header'],
      ['QueryStrings', 'query'],
      ['StageVariables', 'stageVariable'],
      ['Context', 'context'],
    ] as const) {
      for (const name of stringList(r, [...identity, key]) ?? []) out.push({ kind, name });
    }
    return out;
  }

  private ttl(r: PropertyReader, identity: string[]): number {
    return integer(r, [...identity, 'ReauthorizeEvery'], { min: 0, max: MAX_TTL_SECONDS, unit: 'seconds' }) ?? DEFAULT_TTL_SECONDS;
  }

  private position(r: PropertyReader, keys: string[]): SourcePosition {
    return this.ctx.position(r.keyAt(keys).span.start);
  }

  /** A reader for `Globals.Api` / `Globals.HttpApi` (resolved like a resource's properties). */
  private globalsReader(kind: Kind): PropertyReader | undefined {
    if (this.globals.has(kind)) return this.globals.get(kind);
    const section = kind === 'rest' ? 'Api' : 'HttpApi';
    const entry = entryOf(childOf(this.ctx.root, 'Globals'), section);
    let reader: PropertyReader | undefined;
    if (entry && entry.value.kind === 'map') {
      const values = this.ctx.resolver.value(entry.value);
      const record = typeof values === 'object' && values !== null && !Array.isArray(values) ? (values as Record<string, unknown>) : {};
      reader = new PropertyReader(record, entry.value, `Globals.${section}`, { start: entry.keyStart, end: entry.keyEnd }, this.ctx.resolver.sink);
    }
    this.globals.set(kind, reader);
    return reader;
  }
}

/** `method.request.header.X` / `$request.header.X` and the other forms, or undefined. */
export function parseIdentitySource(text: string, kind: Kind): IdentitySource | undefined {
  const prefixes: Array<[string, IdentitySource['kind']]> =
    kind === 'rest'
      ? [
          ['method.request.header.', 'header'],
          ['method.request.querystring.', 'query'],
          ['stageVariables.', 'stageVariable'],
          ['context.', 'context'],
        ]
      : [
          ['$request.header.', 'header'],
          ['$request.querystring.', 'query'],
          ['$stageVariables.', 'stageVariable'],
          ['$context.', 'context'],
        ];
  for (const [prefix, source] of prefixes) {
    if (text.startsWith(prefix) && text.length > prefix.length) return { kind: source, name: text.slice(prefix.length) };
  }
  return undefined;
}

/** A list of strings (a single string is a list of one); reported and undefined otherwise. */
function stringList(r: PropertyReader, keys: string[]): string[] | undefined {
  const value = r.get(...keys);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  r.error('invalid-type', keys, `${keys[keys.length - 1]} must be a list of strings, got ${describe(value)}`);
  return undefined;
}

function known(auth: ApiAuth): string {
  return [...auth.authorizers.keys()].join(', ') || 'none defined';
}
