/**
 * A fake AWS Secrets Manager for tests: node:http on 127.0.0.1, random port, speaking the
 * service's JSON protocol (awsJson1_1: `POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`,
 * body `{"SecretId": …}`), answering GetSecretValue with the SecretString set here. It can
 * rotate a value (a new version), count calls per secret, and fail the next calls with
 * ResourceNotFoundException, AccessDeniedException, ThrottlingException or a 500. Any other
 * target answers 400 UnknownOperationException.
 *
 *   const sm = await startFakeSecretsManager();
 *   sm.put('candlebot/test/telegram', JSON.stringify({ botToken, webhookSecret }));
 *   env.CANDLEBOT_SECRETS_ENDPOINT = sm.endpoint;
 *   …
 *   assert.equal(sm.calls('candlebot/test/telegram'), 1);
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SecretFault = 'ResourceNotFoundException' | 'AccessDeniedException' | 'ThrottlingException' | 500;

export interface FakeSecretsManager {
  /** `http://127.0.0.1:PORT`, the SDK client's `endpoint`. */
  readonly endpoint: string;
  /** Creates the secret or stores a new version of it (put-secret-value). */
  put(secretId: string, secretString: string): void;
  /** Forgets the secret (GetSecretValue answers ResourceNotFoundException). */
  remove(secretId: string): void;
  /** The next `times` GetSecretValue calls (any secret) fail with `fault` (default: until cleared with `fail(undefined)`). */
  fail(fault: SecretFault | undefined, times?: number): void;
  /** GetSecretValue calls received for the secret (failed ones included), or for all secrets. */
  calls(secretId?: string): number;
  close(): Promise<void>;
}

const FAULT_STATUS: Readonly<Record<Exclude<SecretFault, 500>, number>> = { ResourceNotFoundException: 400, AccessDeniedException: 400, ThrottlingException: 400 };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, { value: string; versionId: string; created: number }>();
  const counts = new Map<string, number>();
  let fault: { kind: SecretFault; remaining: number } | undefined;

  const send = (res: ServerResponse, status: number, body: unknown, errorType?: string): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, message: string): void => send(res, status, { __type: type, message }, type);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const raw = await readBody(req);
    if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') return error(res, 400, 'UnknownOperationException', `unsupported: ${req.method} ${target}`);
    let input: { SecretId?: unknown };
    try {
      input = JSON.parse(raw) as { SecretId?: unknown };
    } catch {
      return error(res, 400, 'SerializationException', 'body is not JSON');
    }
    if (typeof input.SecretId !== 'string' || !input.SecretId) return error(res, 400, 'InvalidParameterException', 'SecretId is required');
    const id = input.SecretId;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    if (fault) {
      const kind = fault.kind;
      if (--fault.remaining <= 0) fault = undefined;
      if (kind === 500) return error(res, 500, 'InternalServiceError', 'An error occurred on the server side.');
      const messages: Record<Exclude<SecretFault, 500>, string> = {
        ResourceNotFoundException: "Secrets Manager can't find the specified secret.",
        AccessDeniedException: `User: arn:aws:sts::000000000000:assumed-role/test is not authorized to perform: secretsmanager:GetSecretValue on resource: ${id}`,
        ThrottlingException: 'Rate exceeded',
      };
      return error(res, FAULT_STATUS[kind], kind, messages[kind]);
    }
    const secret = secrets.get(id);
    if (!secret) return error(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    send(res, 200, {
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}-AbCdEf`,
      Name: id,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.created / 1000,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) error(res, 500, 'InternalServiceError', String(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    put(secretId, secretString) {
      secrets.set(secretId, { value: secretString, versionId: randomUUID(), created: Date.now() });
    },
    remove(secretId) {
      secrets.delete(secretId);
    },
    fail(kind, times = Number.POSITIVE_INFINITY) {
      fault = kind === undefined ? undefined : { kind, remaining: times };
    },
    calls(secretId) {
      return secretId === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(secretId) ?? 0);
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
