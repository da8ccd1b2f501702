import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AsyncLifecycleRecord, TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import type { DestinationMessage } from '../../../src/core/invoke/destinations';

// Shared by the asynchronous-invocation tests: handlers, templates with destinations, waiting.

/** Handlers that log every call (one JSON line per call) to the file in $LOG. */
export const HANDLERS = `
  const fs = require('fs');
  const log = (entry) => process.env.LOG && fs.appendFileSync(process.env.LOG, JSON.stringify(entry) + '\\n');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  exports.ok = async (event, context) => {
    log({ id: context.awsRequestId, at: Date.now(), event });
    if (event.ms) await sleep(event.ms);
    return { ok: true, echo: event };
  };
  exports.fail = async (event, context) => {
    log({ id: context.awsRequestId, at: Date.now(), event });
    throw new TypeError('boom ' + JSON.stringify(event));
  };
  exports.slow = async (event, context) => {
    log({ id: context.awsRequestId, stage: 'start', at: Date.now(), event });
    await sleep(event.ms ?? 400);
    log({ id: context.awsRequestId, stage: 'done', at: Date.now(), event });
    return { done: event };
  };
`;

/** Resources (queues, a topic) appended to a samTemplate() document. */
export const QUEUES = `
  SuccessQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: success-queue
  FailureTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: failure-topic
  Dlq:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: dead-letters
`;

/** Function properties: the environment with $LOG, plus extra YAML. */
export function props(dir: string, extra = ''): string {
  return `Environment:\n  Variables:\n    LOG: ${path.join(dir, 'calls.log')}\n${extra}`;
}

/** The calls logged by HANDLERS in `dir` (a line still being written is skipped). */
export function readCalls(dir: string): any[] {
  const file = path.join(dir, 'calls.log');
  if (!fs.existsSync(file)) return [];
  const calls: any[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    try {
      if (line) calls.push(JSON.parse(line));
    } catch {
      // partially written
    }
  }
  return calls;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the function's destinations have received at least `count` messages. */
export function waitForRecords(workbench: Workbench, functionName: string, count: number, timeoutMs = 15000): Promise<DestinationMessage[]> {
  return waitFor(async () => {
    const records = await workbench.destinationRecords(functionName);
    return records.length >= count ? records : undefined;
  }, timeoutMs, `${count} destination record(s) of ${functionName}`);
}

/** The `workbench.async` records of the stream, with the time each was seen. */
export function collectAsync(workbench: Workbench): Array<AsyncLifecycleRecord & { functionName?: string; seenAt: number }> {
  const records: Array<AsyncLifecycleRecord & { functionName?: string; seenAt: number }> = [];
  workbench.telemetry.subscribe((e: TelemetryEvent) => {
    if (e.type === 'workbench.async') records.push({ ...(e.record as AsyncLifecycleRecord), functionName: e.functionName, seenAt: Date.now() });
  });
  return records;
}

export function bodyOf(message: DestinationMessage): any {
  return JSON.parse(message.body);
}
