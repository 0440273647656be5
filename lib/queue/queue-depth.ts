import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.js';
import { PermanentError } from '../errors.js';
import type { QueueDepth } from '../ports/queue.js';

const count = (value: string | undefined, name: string): number => {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) {
    throw new PermanentError(`GetQueueAttributes returned ${name}=${String(value)}`, { code: 'BAD_QUEUE_ATTRIBUTES' });
  }
  return n;
};

/** Approximate depth of an SQS queue (GetQueueAttributes: visible and in-flight messages). */
export async function readQueueDepth(client: SQSClient, queueUrl: string, abortSignal?: AbortSignal): Promise<QueueDepth> {
  let attributes: Record<string, string> | undefined;
  try {
    const out = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      abortSignal ? { abortSignal } : {},
    );
    attributes = out.Attributes;
  } catch (error) {
    throw translateAwsError(error, 'read queue depth');
  }
  return {
    visible: count(attributes?.['ApproximateNumberOfMessages'], 'ApproximateNumberOfMessages'),
    inFlight: count(attributes?.['ApproximateNumberOfMessagesNotVisible'], 'ApproximateNumberOfMessagesNotVisible'),
  };
}
