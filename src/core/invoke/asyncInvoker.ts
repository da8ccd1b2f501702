import { randomUUID } from 'node:crypto';
import type { FunctionDefinition } from '../config/types';
import type { InvocationTarget } from '../versions/functionVersions';
import { WorkbenchError, isWorkbenchError } from '../errors';
import type { Scheduler } from '../scheduler/scheduler';
import type { SharedStore } from '../store/sharedStore';
import { StoreLockedError, type StateStore, type StoreOperation } from '../store/stateStore';
import type { AsyncLifecycleRecord } from '../telemetry/events';
import type { TelemetryStream } from '../telemetry/stream';
import { EVENT_PREFIX, MESSAGE_PREFIX, Sequence, eventKey, messageKey, type QueuedEvent } from './asyncEvents';
import {
  MAX_DESTINATION_CHAIN,
  SYNC_WINDOW_MS,
  asyncCapacity,
  maximumEventAgeMs,
  maximumRetryAttempts,
  requeueDelayMs,
  retryDelayMs,
} from '../config/asyncPolicy';
import { deadLetterAttributes, destinationsFor, recordBody, type DestinationMessage } from './destinations';
import { functionArn, functionNotFound } from '../vocabulary/functionNames';
import { buildInvocationRecord, errorMessageOf, type InvocationCondition, type StoredResponse } from './invocationRecord';
import { newTraceId } from './tracing';
import type { FunctionCatalog } from '../versions/functionCatalog';

// Asynchronous invocation (InvocationType Event), durable. An accepted event is written to the
// state store (fsync'd) before the caller hears about it; workers then run it through the same
// scheduler as synchronous calls, at least once, with Lambda's retries, event age, back-off and
// destinations. The store is the truth: memory only mirrors it, and an event leaves the store in
// the same atomic write that records what its destinations received.

export interface AsyncInvokeOptions {
  qualifier?: string;
  /** Accepted for API parity; like Lambda, the client context reaches the function on synchronous invocations only. */
  clientContext?: string;
  /** X-Ray header to propagate through every attempt; a new trace id otherwise. */
  traceId?: string;
}

export interface AsyncSettings {
  region: string;
  accountConcurrency: number;
  /** Delay before each retry after a function error (Lambda: 60, 120). */
  retryDelaysSeconds: number[];
  /** Overrides every function's MaximumEventAgeInSeconds (local testing). */
  maximumEventAgeSeconds?: number;
  /** At most this many attempts of one function in flight. */
  maxConcurrencyPerFunction: number;
  /** False: events are stored but not processed by this engine (read-only tools). */
  workers: boolean;
}

export interface AsyncQueueStatus {
  functionName: string;
  queued: number;
  inFlight: number;
}

interface FunctionQueue {
  name: string;
  /** In store (seq) order. */
  events: QueuedEvent[];
  /** Request ids being attempted or completed. */
  busy: Set<string>;
  timer?: NodeJS.Timeout;
  /** No new attempt before this (epoch ms): the slot is left to synchronous callers. */
  yieldUntil: number;
}

/** After the scheduler closed, how long to wait for attempts to unwind before closing the store. */
const UNWIND_MS = 5000;
/** setTimeout's limit (~24.8 days); a later wake-up just re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class AsyncInvoker {
  private store: StateStore | undefined;
  private opening: Promise<StateStore> | undefined;
  private readonly queues = new Map<string, FunctionQueue>();
  private readonly sequence = new Sequence();
  private readonly tasks = new Set<Promise<void>>();
  private readonly warned = new Set<string>();
  private stopping = false;
  /** Past the close grace: outcomes that still arrive are ignored (their events stay queued). */
  private abandoned = false;

  constructor(
    private readonly o: {
      scheduler: Scheduler;
      telemetry: TelemetryStream;
      /** The functions, with the event invoke configuration the API set for a qualifier. */
      catalog: FunctionCatalog;
      /** Resolves and validates a request as Lambda's front end does (the Invoker's, with the Event payload limit). */
      resolve: (functionName: string, payload: Buffer | string, qualifier?: string) => Promise<{ fn: FunctionDefinition; qualifier?: string; bytes: Buffer }>;
      /** The version an attempt runs (an alias picks per attempt) and the definition to run it from. */
      target: (fn: FunctionDefinition, qualifier: string | undefined) => Promise<InvocationTarget>;
      /** The engine's LevelDB (`<stateDir>/store`), shared with the event sources. */
      store: SharedStore;
      /**
       * Delivers a message to an SQS destination of the engine (an embedded queue a mapping may
       * poll); false when the engine has no such queue (the message is only recorded). `traceHeader`:
       * the invocation's X-Ray trace header, the message's AWSTraceHeader (as Lambda sends it).
       */
      sendToQueue?: (queueArn: string, body: string, attributes?: DestinationMessage['attributes'], traceHeader?: string) => Promise<boolean>;
      settings: () => AsyncSettings;
    },
  ) {}

  /** Resumes the queued events of an existing store; a store that cannot be opened is reported as a warning. */
  /** Resumes queued work (with workers); without them the store opens only when it is used. */
  async start(): Promise<void> {
    if (this.o.settings().workers && this.o.store.exists()) await this.openStore().catch(() => undefined);
  }

  async enqueue(functionName: string, payload: Buffer | string, options: AsyncInvokeOptions = {}): Promise<{ requestId: string }> {
    const { fn, qualifier, bytes } = await this.o.resolve(functionName, payload, options.qualifier);
    if (this.stopping) throw new WorkbenchError('ServiceException', 'The engine is shutting down');
    const store = await this.openStore();
    // An empty body reaches the handler as an empty object, as with synchronous calls.
    const event = this.newEvent(fn.functionName, bytes.length === 0 ? '{}' : bytes.toString('utf8'), options.traceId ?? newTraceId(), 0);
    if (qualifier) event.invokedQualifier = qualifier;
    await store.put(eventKey(event), event);
    this.emit(event, 'enqueued');
    this.accept(event);
    return { requestId: event.requestId };
  }

  /**
   * Records what another part of the engine delivered to a destination it cannot reach (an event
   * source mapping's OnFailure topic or bucket), so `destinations` lists it with the rest.
   */
  async recordMessage(message: Omit<DestinationMessage, 'seq' | 'time'>): Promise<void> {
    const store = await this.openStore();
    const full: DestinationMessage = { ...message, seq: this.sequence.next(), time: new Date().toISOString() };
    await store.put(messageKey(full.destination, full.seq), full);
  }

  /** What the destinations and dead-letter queue of a function received, oldest first. */
  async destinationRecords(functionName: string): Promise<DestinationMessage[]> {
    const fn = this.o.catalog.getFunction(functionName);
    if (!fn) throw functionNotFound(this.o.settings().region, functionName);
    const messages = await this.read<DestinationMessage>(MESSAGE_PREFIX);
    return messages.filter((m) => m.sourceFunction === fn.functionName).sort((a, b) => a.seq - b.seq);
  }

  /** The message list of one destination (queue, topic, bus, bucket or function ARN), oldest first. */
  async destinationMessages(destinationArn: string): Promise<DestinationMessage[]> {
    return this.read<DestinationMessage>(`${MESSAGE_PREFIX}${destinationArn}!`);
  }

  status(): AsyncQueueStatus[] {
    return [...this.queues.values()].map((q) => ({ functionName: q.name, queued: q.events.length, inFlight: q.busy.size }));
  }

  /** Stops taking events; attempts in flight get `graceMs` to finish (and be recorded), else they stay queued. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const q of this.queues.values()) clearTimeout(q.timer);
    if (this.tasks.size > 0) await Promise.race([Promise.allSettled([...this.tasks]), delay(graceMs)]);
    this.abandoned = true;
  }

  /** After the scheduler closed: lets abandoned attempts unwind (the engine closes the store after). */
  async close(): Promise<void> {
    this.stopping = this.abandoned = true;
    if (this.tasks.size > 0) await Promise.race([Promise.allSettled([...this.tasks]), delay(UNWIND_MS)]);
    await this.opening?.catch(() => undefined);
  }

  private async read<T>(prefix: string): Promise<T[]> {
    if (!this.store && !this.o.store.exists()) return [];
    const store = await this.openStore();
    return (await store.entries<T>(prefix)).map((e) => e.value);
  }

  private openStore(): Promise<StateStore> {
    if (this.store) return Promise.resolve(this.store);
    if (this.stopping) return Promise.reject(new WorkbenchError('ServiceException', 'The engine is shutting down'));
    this.opening ??= (async () => {
      try {
        const store = await this.o.store.open();
        this.store = store;
        if (this.o.settings().workers) await this.resume(store);
        return store;
      } catch (error) {
        const message =
          error instanceof StoreLockedError ? error.message : `The state store ${this.o.store.location} cannot be opened: ${(error as Error).message}`;
        this.warnOnce(`Asynchronous invocation is unavailable: ${message}`);
        throw new WorkbenchError('ServiceException', message);
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  /** Loads the queued events of the store and starts on them. */
  private async resume(store: StateStore): Promise<void> {
    for (const { value } of await store.entries<QueuedEvent>(EVENT_PREFIX)) {
      this.sequence.observe(value.seq);
      if (!this.o.catalog.getFunction(value.functionName)) {
        this.warnOnce(`Queued asynchronous events of ${value.functionName} stay in the store: the function is not in the template`);
        continue;
      }
      this.queue(value.functionName).events.push(value);
    }
    for (const q of this.queues.values()) this.pump(q);
  }

  private newEvent(functionName: string, payload: string, traceId: string, chainDepth: number): QueuedEvent {
    const now = Date.now();
    return {
      v: 1,
      seq: this.sequence.next(),
      requestId: randomUUID(),
      functionName,
      payload,
      traceId,
      enqueuedAt: now,
      approximateInvokeCount: 0,
      functionErrors: 0,
      notBefore: now,
      chainDepth,
    };
  }

  private queue(name: string): FunctionQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = { name, events: [], busy: new Set(), yieldUntil: 0 };
      this.queues.set(name, q);
    }
    return q;
  }

  private accept(event: QueuedEvent): void {
    if (!this.o.settings().workers) return;
    const q = this.queue(event.functionName);
    q.events.push(event);
    if (!this.stopping) this.pump(q);
  }

  /** Starts what can start now (ready, within the capacity), drops what aged out, and sets a timer for the rest. */
  private pump(q: FunctionQueue): void {
    clearTimeout(q.timer);
    q.timer = undefined;
    const fn = this.o.catalog.getFunction(q.name);
    if (this.stopping || !fn) return;
    const settings = this.o.settings();
    const { cap } = asyncCapacity(fn, this.o.catalog.functions(), settings.accountConcurrency, settings.maxConcurrencyPerFunction);
    const now = Date.now();
    let wakeAt = Infinity;
    for (const event of q.events) {
      if (q.busy.has(event.requestId)) continue;
      const configured = this.o.catalog.withEventInvokeConfig(fn, event.invokedQualifier);
      const expiresAt = event.enqueuedAt + maximumEventAgeMs(configured, settings.maximumEventAgeSeconds);
      if (now >= expiresAt) {
        this.run(q, event, () => this.finish(q, configured, event, 'EventAgeExceeded', event.lastResponse));
        continue;
      }
      if (fn.reservedConcurrentExecutions === 0) {
        // Lambda sends events of a function with reserved concurrency 0 to its failure destinations, without
        // retries, under their own condition (recorded: TestLambdaConcurrency::test_reserved_concurrency).
        event.lastError ??= { statusCode: 429, message: 'Rate Exceeded.' };
        this.run(q, event, () => this.finish(q, configured, event, 'ZeroReservedConcurrency', event.lastResponse));
        continue;
      }
      wakeAt = Math.min(wakeAt, expiresAt);
      const readyAt = Math.max(event.notBefore, q.yieldUntil);
      if (readyAt > now) {
        wakeAt = Math.min(wakeAt, readyAt);
        continue;
      }
      if (q.busy.size >= cap) continue;
      this.run(q, event, () => this.attempt(q, configured, event));
    }
    if (wakeAt !== Infinity) {
      q.timer = setTimeout(() => this.pump(q), Math.min(MAX_TIMER_MS, Math.max(0, wakeAt - now)));
      q.timer.unref();
    }
  }

  /** Runs one step for an event, marked busy meanwhile; then looks for more work. */
  private run(q: FunctionQueue, event: QueuedEvent, step: () => Promise<void>): void {
    q.busy.add(event.requestId);
    const task = step()
      .catch((error) => {
        if (this.abandoned) return;
        // The store could not be written: the event stays (in memory and as last stored) and is tried again.
        this.warnOnce(`Asynchronous event ${event.requestId} of ${q.name}: ${(error as Error).message}`);
        event.notBefore = Date.now() + requeueDelayMs(5);
      })
      .finally(() => {
        q.busy.delete(event.requestId);
        this.tasks.delete(task);
        if (!this.stopping) this.pump(q);
      });
    this.tasks.add(task);
  }

  private async attempt(q: FunctionQueue, fn: FunctionDefinition, event: QueuedEvent): Promise<void> {
    const settings = this.o.settings();
    this.emit(event, 'attempt', { approximateInvokeCount: event.approximateInvokeCount + 1 });
    let outcome;
    let executedVersion = '$LATEST';
    try {
      const target = await this.o.target(fn, event.invokedQualifier);
      executedVersion = target.version;
      const scheduled = await this.o.scheduler.run(target.definition, target.version, {
        requestId: event.requestId,
        payload: Buffer.from(event.payload, 'utf8'),
        invokedFunctionArn: functionArn(settings.region, fn.functionName, event.invokedQualifier),
        traceId: event.traceId,
      });
      outcome = scheduled.outcome;
    } catch (error) {
      if (this.abandoned) return;
      // Throttled or an engine error: not an invocation. Back to the queue with back-off, in memory
      // only (a restart retries at once); the event age keeps running.
      const throttled = isWorkbenchError(error) && error.code === 'TooManyRequestsException';
      const failures = (requeues.get(event) ?? 0) + 1;
      requeues.set(event, failures);
      const delayMs = requeueDelayMs(failures);
      event.notBefore = Date.now() + delayMs;
      event.lastError = throttled ? { statusCode: 429, message: (error as Error).message } : { statusCode: 500, message: (error as Error).message };
      const reason = throttled ? ((error as WorkbenchError).reason ?? 'TooManyRequestsException') : (error as Error).message;
      this.emit(event, 'requeued', { delayMs, errorType: throttled ? 'TooManyRequestsException' : 'ServiceException', reason });
      return;
    } finally {
      if (asyncCapacity(fn, this.o.catalog.functions(), settings.accountConcurrency, settings.maxConcurrencyPerFunction).yields) {
        q.yieldUntil = Date.now() + SYNC_WINDOW_MS;
      }
    }
    if (this.abandoned) return; // the result is not recorded: the event stays queued as stored and runs again
    requeues.delete(event);
    event.approximateInvokeCount++;
    const response: StoredResponse = { payload: outcome.payload.toString('utf8'), executedVersion };
    if (!outcome.functionError) {
      this.emit(event, 'success');
      await this.finish(q, fn, event, 'Success', response);
      return;
    }
    response.functionError = outcome.functionError;
    event.functionErrors++;
    event.lastResponse = response;
    event.lastError = { statusCode: 200, message: errorMessageOf(response.payload) };
    if (event.functionErrors > maximumRetryAttempts(fn)) {
      await this.finish(q, fn, event, 'RetriesExhausted', response, outcome.errorType);
      return;
    }
    const delayMs = retryDelayMs(event.functionErrors, settings.retryDelaysSeconds);
    event.notBefore = Date.now() + delayMs;
    await this.store!.put(eventKey(event), event);
    this.emit(event, 'retry', { delayMs, errorType: outcome.errorType });
  }

  /** The event is done: one atomic write removes it and records what each destination received. */
  private async finish(
    q: FunctionQueue,
    fn: FunctionDefinition,
    event: QueuedEvent,
    condition: InvocationCondition,
    response?: StoredResponse,
    errorType?: string,
  ): Promise<void> {
    if (this.abandoned) return;
    const region = this.o.settings().region;
    const record = buildInvocationRecord({
      requestId: event.requestId,
      functionArn: functionArn(region, fn.functionName, event.invokedQualifier ?? '$LATEST'),
      condition,
      approximateInvokeCount: event.approximateInvokeCount,
      requestPayload: event.payload,
      response,
    });
    const operations: StoreOperation[] = [{ type: 'del', key: eventKey(event) }];
    const messages: DestinationMessage[] = [];
    const followUps: QueuedEvent[] = [];
    const time = new Date().toISOString();
    for (const destination of destinationsFor(fn, condition, (name) => this.o.catalog.getFunction(name), region)) {
      const deadLetter = destination.role === 'DeadLetterQueue';
      const message: DestinationMessage = {
        seq: this.sequence.next(),
        time,
        sourceFunction: fn.functionName,
        requestId: event.requestId,
        role: destination.role,
        destination: destination.arn,
        type: destination.kind,
        body: deadLetter ? event.payload : recordBody(destination, record, region),
      };
      if (deadLetter) message.attributes = deadLetterAttributes(destination.kind, event.requestId, event.lastError);
      if (destination.localFunction) {
        if (event.chainDepth + 1 >= MAX_DESTINATION_CHAIN) {
          this.warnOnce(`Stopped a loop of Lambda destinations at ${destination.localFunction.functionName} after ${MAX_DESTINATION_CHAIN} hops`);
        } else {
          const next = this.newEvent(destination.localFunction.functionName, message.body, event.traceId, event.chainDepth + 1);
          message.invocationRequestId = next.requestId;
          followUps.push(next);
          operations.push({ type: 'put', key: eventKey(next), value: next });
        }
      } else if (destination.kind === 'lambda' || destination.kind === 'unknown') {
        this.warnOnce(
          `${destination.role} destination ${destination.arn} of ${fn.functionName} is not a function of the template; what it receives is kept in the store`,
        );
      }
      messages.push(message);
      operations.push({ type: 'put', key: messageKey(destination.arn, message.seq), value: message });
    }
    // Queues first: a crash before the batch re-runs the event and may send again (at least once), never lose it.
    for (const m of messages) {
      if (m.type !== 'sqs') continue;
      try {
        await this.o.sendToQueue?.(m.destination, m.body, m.attributes, event.traceId);
      } catch (error) {
        // Lambda's DeadLetterErrors / DestinationDeliveryFailures; the event stays queued and is finished again later.
        this.emit(event, 'deliveryFailed', { condition, destination: m.destination, role: m.role, reason: (error as Error).message });
        throw error;
      }
    }
    await this.store!.batch(operations);
    const index = q.events.indexOf(event);
    if (index >= 0) q.events.splice(index, 1);
    requeues.delete(event);
    if (condition !== 'Success') this.emit(event, 'dropped', { condition, errorType });
    for (const m of messages) this.emit(event, 'delivered', { condition, destination: m.destination, role: m.role });
    for (const next of followUps) {
      this.emit(next, 'enqueued');
      this.accept(next);
    }
  }

  private emit(event: QueuedEvent, stage: AsyncLifecycleRecord['stage'], extra: Partial<AsyncLifecycleRecord> = {}): void {
    this.o.telemetry.emit(
      'workbench.async',
      { stage, requestId: event.requestId, approximateInvokeCount: event.approximateInvokeCount, ...extra },
      { functionName: event.functionName, functionVersion: '$LATEST', requestId: event.requestId },
    );
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.o.telemetry.emit('workbench.warning', { message });
  }
}

/** Consecutive throttles / engine errors per event (the back-off exponent); memory only. */
const requeues = new WeakMap<QueuedEvent, number>();

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
