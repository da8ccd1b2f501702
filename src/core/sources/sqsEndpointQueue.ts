import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type MessageAttributeValue as SdkAttributeValue,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { userCredentialChain } from '../environment/credentials';
import { sleep } from '../util/sleep';
import { regionOfArn } from '../vocabulary/functionNames';
import { WorkbenchError, type WorkbenchErrorCode } from '../errors';
import type {
  MessageAttributeValue,
  MessageQueue,
  QueueDefinition,
  QueueStats,
  ReceiveOptions,
  ReceivedMessage,
  SendMessageInput,
  SendMessageResult,
} from './types';

// A queue on a real SQS endpoint (AWS itself, or an SQS-compatible server: ElasticMQ, LocalStack,
// fauxqs…) through the AWS SDK v3, behind the same interface as the embedded queue. The endpoint,
// region and profile come from the `sourceEndpoints` setting (`definition.endpoint`); the queue URL is
// looked up once with GetQueueUrl (`remoteName`, else the template's queue name; a URL is used as is).
//
// Credentials: the profile when one is named; for an endpoint override without one, the user's
// chain (environment, default profile) and otherwise fake ones, since local servers don't check
// them; for AWS itself, the SDK's default chain.

export interface SqsEndpointQueueOptions {
  /** SDK client settings merged over the ones derived from the definition (tests, custom handlers). */
  client?: SQSClientConfig;
}

/** SQS takes whole seconds; a shorter remainder is waited out locally after an empty short poll. */
const SHORT_WAIT_SLEEP_CAP_MS = 1000;

export class SqsEndpointQueue implements MessageQueue {
  private readonly client: SQSClient;
  private queueUrl: Promise<string> | undefined;
  private readonly closing = new AbortController();
  private closed = false;

  constructor(
    readonly definition: QueueDefinition,
    options: SqsEndpointQueueOptions = {},
  ) {
    const endpoint = definition.endpoint ?? {};
    const region = endpoint.region ?? regionOfArn(definition.arn);
    const config: SQSClientConfig = { region, maxAttempts: 3 };
    if (endpoint.url) config.endpoint = endpoint.url;
    if (endpoint.profile) {
      const profile = endpoint.profile;
      config.credentials = async () => {
        const { fromIni } = await import('@aws-sdk/credential-providers');
        return fromIni({ profile })();
      };
    } else if (endpoint.url) {
      const chain = userCredentialChain();
      config.credentials = async () => {
        const c = await chain();
        return {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration: c.expiresAt ? new Date(c.expiresAt) : undefined,
        };
      };
    }
    this.client = new SQSClient({ ...config, ...options.client });
  }

  /** The remote queue's URL (GetQueueUrl, once). */
  url(): Promise<string> {
    this.queueUrl ??= this.resolveUrl().catch((error: unknown) => {
      this.queueUrl = undefined;
      throw translate(error, this.definition);
    });
    return this.queueUrl;
  }

  async send(messages: SendMessageInput[]): Promise<SendMessageResult[]> {
    const QueueUrl = await this.url();
    const results: SendMessageResult[] = [];
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const response = await this.call(() =>
        this.client.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: chunk.map((m, i) => ({
              Id: String(i),
              MessageBody: m.body,
              DelaySeconds: m.delaySeconds,
              MessageAttributes: m.messageAttributes && toSdkAttributes(m.messageAttributes),
              MessageGroupId: m.messageGroupId,
              MessageDeduplicationId: m.messageDeduplicationId,
              MessageSystemAttributes: m.traceHeader === undefined ? undefined : { AWSTraceHeader: { DataType: 'String', StringValue: m.traceHeader } },
            })),
          }),
        ),
      );
      const failed = response.Failed?.[0];
      if (failed) {
        throw new WorkbenchError(
          failed.SenderFault ? 'InvalidParameterValueException' : 'ServiceException',
          failed.Message ?? `SendMessageBatch failed (${failed.Code})`,
          failed.Code,
        );
      }
      const byId = new Map((response.Successful ?? []).map((s) => [s.Id, s]));
      chunk.forEach((_, i) => {
        const ok = byId.get(String(i));
        if (!ok?.MessageId) throw new WorkbenchError('ServiceException', `SendMessageBatch did not report entry ${i}`);
        const result: SendMessageResult = { messageId: ok.MessageId, md5OfMessageBody: ok.MD5OfMessageBody ?? '' };
        if (ok.SequenceNumber) result.sequenceNumber = ok.SequenceNumber;
        results.push(result);
      });
    }
    return results;
  }

  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const QueueUrl = await this.url();
    const { signal, dispose } = options.signal ? anySignal(options.signal, this.closing.signal) : { signal: this.closing.signal, dispose: () => undefined };
    try {
      if (signal.aborted) return [];
      const wait = options.waitTimeSeconds;
      const whole = wait === undefined ? undefined : Math.floor(wait);
      let response;
      try {
        response = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: options.maxMessages,
            WaitTimeSeconds: whole,
            VisibilityTimeout: options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (signal.aborted) return [];
        throw translate(error, this.definition);
      }
      const messages = (response.Messages ?? []).map((m): ReceivedMessage => {
        const received: ReceivedMessage = {
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body ?? '',
          md5OfBody: m.MD5OfBody ?? '',
          attributes: { ...(m.Attributes ?? {}) } as Record<string, string>,
          messageAttributes: fromSdkAttributes(m.MessageAttributes),
        };
        if (m.MD5OfMessageAttributes) received.md5OfMessageAttributes = m.MD5OfMessageAttributes;
        return received;
      });
      if (messages.length === 0 && wait !== undefined && whole !== undefined && wait > whole) {
        await sleep(Math.min((wait - whole) * 1000, SHORT_WAIT_SLEEP_CAP_MS), signal);
      }
      return messages;
    } finally {
      dispose();
    }
  }

  async delete(receiptHandles: string[]): Promise<void> {
    if (receiptHandles.length === 0) return;
    const QueueUrl = await this.url();
    for (let start = 0; start < receiptHandles.length; start += 10) {
      const chunk = receiptHandles.slice(start, start + 10);
      const response = await this.call(() =>
        this.client.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: chunk.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })) })),
      );
      // Stale or unknown handles are ignored, as the interface says; anything else is an error.
      const failed = (response.Failed ?? []).find((f) => !/ReceiptHandleIsInvalid|InvalidParameterValue/.test(f.Code ?? ''));
      if (failed) throw new WorkbenchError('ServiceException', failed.Message ?? `DeleteMessageBatch failed (${failed.Code})`, failed.Code);
    }
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    const QueueUrl = await this.url();
    await this.call(() =>
      this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeoutSeconds })),
    );
  }

  async purge(): Promise<void> {
    const QueueUrl = await this.url();
    await this.call(() => this.client.send(new PurgeQueueCommand({ QueueUrl })));
  }

  async stats(): Promise<QueueStats> {
    const QueueUrl = await this.url();
    const response = await this.call(() =>
      this.client.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      ),
    );
    const a = response.Attributes ?? {};
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /** Ends long polls in progress and releases the client's sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.client.destroy();
  }

  private async resolveUrl(): Promise<string> {
    const remote = this.definition.endpoint?.remoteName;
    if (remote && /^https?:\/\//.test(remote)) return remote;
    const arn = remote ? /^arn:aws[a-zA-Z-]*:sqs:[^:]*:(\d{12}):(.+)$/.exec(remote) : null;
    const response = await this.client.send(
      new GetQueueUrlCommand(arn ? { QueueName: arn[2], QueueOwnerAWSAccountId: arn[1] } : { QueueName: remote ?? this.definition.name }),
    );
    if (!response.QueueUrl) throw new WorkbenchError('ResourceNotFoundException', `GetQueueUrl returned no URL for ${remote ?? this.definition.name}`);
    return response.QueueUrl;
  }

  /** One SDK call, its error translated. */
  private async call<O>(request: () => Promise<O>): Promise<O> {
    try {
      return await request();
    } catch (error) {
      throw translate(error, this.definition);
    }
  }
}

function toSdkAttributes(attributes: Record<string, MessageAttributeValue>): Record<string, SdkAttributeValue> {
  const result: Record<string, SdkAttributeValue> = {};
  for (const [name, a] of Object.entries(attributes)) {
    result[name] =
      a.BinaryValue !== undefined
        ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') }
        : { DataType: a.DataType, StringValue: a.StringValue };
  }
  return result;
}

function fromSdkAttributes(attributes: Record<string, SdkAttributeValue> | undefined): Record<string, MessageAttributeValue> {
  const result: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(attributes ?? {})) {
    const value: MessageAttributeValue = { DataType: a.DataType ?? 'String' };
    if (a.StringValue !== undefined) value.StringValue = a.StringValue;
    if (a.BinaryValue !== undefined) value.BinaryValue = Buffer.from(a.BinaryValue).toString('base64');
    result[name] = value;
  }
  return result;
}

/** SDK errors as the engine's: SQS's own code kept as the reason. */
function translate(error: unknown, definition: QueueDefinition): Error {
  if (error instanceof WorkbenchError) return error;
  const e = error as { name?: string; message?: string; $fault?: string; Code?: string };
  const name = e.name ?? 'Error';
  const where = `${definition.name} at ${definition.endpoint?.url ?? 'AWS'}`;
  let code: WorkbenchErrorCode = 'ServiceException';
  if (/NonExistentQueue|QueueDoesNotExist/.test(name)) code = 'ResourceNotFoundException';
  else if (/Throttl|RequestThrottled|OverLimit/.test(name)) code = 'TooManyRequestsException';
  else if (e.$fault === 'client') code = 'InvalidParameterValueException';
  return new WorkbenchError(code, `SQS queue ${where}: ${e.message ?? name}`, name);
}

/** A signal that aborts when either does (AbortSignal.any needs Node 20.3); dispose() drops the listeners. */
function anySignal(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const dispose = () => {
    a.removeEventListener('abort', abort);
    b.removeEventListener('abort', abort);
  };
  if (a.aborted || b.aborted) controller.abort();
  else {
    a.addEventListener('abort', abort, { once: true });
    b.addEventListener('abort', abort, { once: true });
  }
  return { signal: controller.signal, dispose };
}
