import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AsyncLifecycleRecord, TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench, WorkbenchSettings } from '../../../src/core/workbench';
import type { DestinationMessage } from '../../../src/core/invoke/destinations';
import { openProject, samResources, samTemplate, writeProject } from '../helpers/project';
import { readJsonLines, waitFor } from '../helpers/wait';

export { waitFor };

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
export const QUEUES = samResources({
  SuccessQueue: { type: 'AWS::SQS::Queue', props: 'QueueName: success-queue' },
  FailureTopic: { type: 'AWS::SNS::Topic', props: 'TopicName: failure-topic' },
  Dlq: { type: 'AWS::SQS::Queue', props: 'QueueName: dead-letters' },
});

/** Function properties: the environment with $LOG, plus extra YAML. */
export function props(dir: string, extra = ''): string {
  return `Environment:\n  Variables:\n    LOG: ${path.join(dir, 'calls.log')}\n${extra}`;
}

/** The calls logged by HANDLERS in `dir`. */
export function readCalls(dir: string): any[] {
  return readJsonLines(path.join(dir, 'calls.log'));
}

export interface AsyncProject {
  dir: string;
  workbench: Workbench;
  /** The workbench.async records since it opened. */
  events: ReturnType<typeof collectAsync>;
}

/** A project of HANDLERS with these functions (each logging to $LOG, plus its extra properties) and QUEUES, opened with `settings`. */
export async function openAsyncProject(
  functions: Record<string, { handler: string; props?: string }>,
  settings: Partial<WorkbenchSettings> = {},
): Promise<AsyncProject> {
  const dir = writeProject({ 'src/app.js': HANDLERS });
  const withLog = Object.fromEntries(Object.entries(functions).map(([name, f]) => [name, { handler: f.handler, props: props(dir, f.props) }]));
  fs.writeFileSync(path.join(dir, 'template.yaml'), samTemplate(withLog) + QUEUES);
  const workbench = await openProject(dir, settings);
  return { dir, workbench, events: collectAsync(workbench) };
}

/** Waits until the function's destinations have received at least `count` messages. */
export function waitForRecords(workbench: Workbench, functionName: string, count: number, timeoutMs = 15000): Promise<DestinationMessage[]> {
  return waitFor(
    async () => {
      const records = await workbench.destinationRecords(functionName);
      return records.length >= count ? records : undefined;
    },
    timeoutMs,
    `${count} destination record(s) of ${functionName}`,
  );
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
