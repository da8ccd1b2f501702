// The authorizers of the API front ends: before a matched route's function runs, its authorizer
// (config/authorizers.ts) decides — a Lambda authorizer (lambdaAuthorizer.ts), a JWT or Cognito
// authorizer (tokenAuthorizer.ts). One result cache per authorizer lives as long as the front end;
// a definition that hot reload changes gets a fresh one, and a reload of the authorizer's function
// (its code or layers) forgets its results — locally that is a redeployment, which flushes API
// Gateway's cache too, so an edited authorizer decides the next request.
import * as path from 'node:path';
import type { ApiRouteDefinition, LambdaAuthorizerDefinition } from '../../config/types';
import type { TelemetryEvent, TelemetryListener } from '../../telemetry/events';
import type { HttpRequestInfo } from '../events';
import type { HttpResponse } from '../responses';
import { JwksStore, type JwksSetting } from './jwks';
import { runLambdaAuthorizer, type AuthorizerInvoker, type LambdaAuthorizerResult } from './lambdaAuthorizer';
import { ResultCache } from './resultCache';
import { runTokenAuthorizer } from './tokenAuthorizer';

export type { JwksSetting } from './jwks';

/** What the authorizers need of the engine (the front end's engine provides it). */
export interface AuthorizerEngine extends AuthorizerInvoker {
  readonly template: { file: string };
  readonly settings: { region: string; jwks?: JwksSetting };
  /** The engine's event stream, when it has one (the Workbench): `workbench.reload` forgets cached results. */
  readonly telemetry?: { subscribe(listener: TelemetryListener): () => void };
}

export class RouteAuthorizers {
  private readonly caches = new Map<string, { functionName: string; cache: ResultCache<LambdaAuthorizerResult> }>();
  private readonly jwks: JwksStore;

  constructor(private readonly engine: AuthorizerEngine) {
    this.jwks = new JwksStore(
      () => engine.settings.jwks,
      () => path.dirname(engine.template.file),
    );
    // Held weakly: the stream outlives a front end that is closed and dropped, whose listener then goes.
    const self = new WeakRef(this);
    const unsubscribe = engine.telemetry?.subscribe((event) => {
      const authorizers = self.deref();
      if (!authorizers) return unsubscribe?.();
      if (event.type === 'workbench.reload') authorizers.forget((event as TelemetryEvent<'workbench.reload'>).record.functionName);
    });
  }

  /** Forgets the cached results of the authorizers that run this function. */
  private forget(functionName: string): void {
    for (const [key, entry] of this.caches) if (entry.functionName === functionName) this.caches.delete(key);
  }

  /**
   * Runs the route's authorizer, if it has one, for a request whose integration event is built.
   * Undefined: the request goes on (the event's `requestContext.authorizer` is set); otherwise the
   * response API Gateway answers with instead.
   */
  async authorize(route: ApiRouteDefinition, info: HttpRequestInfo, event: Record<string, unknown>): Promise<HttpResponse | undefined> {
    const authorization = route.authorizer;
    if (!authorization) return undefined;
    const definition = authorization.definition;
    if (definition.type === 'lambda') {
      return runLambdaAuthorizer({ definition, info, event, route, cache: this.cacheOf(definition), engine: this.engine });
    }
    return runTokenAuthorizer({ definition, scopes: authorization.scopes, info, event, jwks: this.jwks });
  }

  private cacheOf(definition: LambdaAuthorizerDefinition): ResultCache<LambdaAuthorizerResult> {
    const { position: _position, ...what } = definition;
    const key = JSON.stringify(what);
    let entry = this.caches.get(key);
    if (!entry) {
      entry = { functionName: definition.functionName, cache: new ResultCache() };
      this.caches.set(key, entry);
    }
    return entry.cache;
  }
}
