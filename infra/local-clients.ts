/** AWS SDK clients pointed at the local emulators (region us-east-1, dummy credentials). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_CLIENT_CONFIG = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS } as const;

export function localDynamoDb(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
}

export function localDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(localDynamoDb(endpoint), { marshallOptions: { removeUndefinedValues: true } });
}

/** The endpoint must be explicit: with AWS_ENDPOINT_URL_SQS only, the SDK follows the QueueUrl host. */
export function localSqs(endpoint: string): SQSClient {
  return new SQSClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
}
