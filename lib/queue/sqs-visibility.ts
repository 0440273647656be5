import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.js';
import type { MessageVisibility } from '../ports/delivery.js';

/** Retry delays of received messages: ChangeMessageVisibility on the notify queue. */
export function createSqsVisibility(options: { client: SQSClient; queueUrl: string }): MessageVisibility {
  const { client, queueUrl } = options;
  return {
    async change(receiptHandle, seconds) {
      try {
        await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
      } catch (error) {
        throw translateAwsError(error, 'change message visibility');
      }
    },
  };
}
