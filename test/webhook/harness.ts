/**
 * End-to-end harness for the webhook: the real handler (functions/webhook.ts, config from a
 * YAML file, env as deployed) against DynamoDB Local tables (testResources) and the fake Bot API.
 * `send` invokes it with an API Gateway v2 event, as the HTTP API would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stringify } from 'yaml';
import { makeWebhookHandler } from '../../functions/webhook.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import type { UserStore } from '../../lib/ports/users.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { tempDir } from '../support/temp-dir.js';

export const SECRET = 'test-webhook-secret_0123456789abcdef';
export const ADMIN_CHAT = 900_001;

/** 60 scanned symbols (S00/USDT … S59/USDT) plus the usual ones. */
export const MANY_SYMBOLS = Array.from({ length: 60 }, (_, i) => `S${String(i).padStart(2, '0')}/USDT`);

export interface HarnessOptions {
  readonly perMinute?: number;
  readonly burst?: number;
  readonly maxSubscriptionsPerChat?: number;
}

export interface Harness {
  readonly res: TestResources;
  readonly fake: FakeTelegram;
  readonly users: UserStore;
  readonly env: Record<string, string>;
  /** Every JSON line written to stdout/stderr since start (Powertools logs), raw. */
  readonly logs: string[];
  handler: ReturnType<typeof makeWebhookHandler>;
  send(body: unknown, options?: { secret?: string | null; raw?: string; base64?: boolean }): Promise<APIGatewayProxyStructuredResultV2>;
  /** A text message update from a private chat. */
  text(chatId: number, text: string, type?: string): Record<string, unknown>;
  /** A callback query on message `messageId` of the chat. */
  callback(chatId: number, messageId: number, data: string): Record<string, unknown>;
  /** Texts the fake delivered to the chat, after index `from`. */
  texts(chatId: number, from?: number): string[];
  close(): Promise<void>;
}

let nextUpdateId = 1;
let nextMessageId = 1;

export function configYaml(options: HarnessOptions = {}): string {
  return stringify({
    exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', ...MANY_SYMBOLS], timeframes: ['15m', '1h', '4h'] }],
    strategies: [{ name: 'ema-cross' }, { name: 'rsi-reversion', timeframes: ['1h', '4h'] }, { name: 'bollinger-breakout', timeframes: ['4h'] }],
    telegram: {
      adminChatIds: [ADMIN_CHAT],
      commands: { perMinute: options.perMinute ?? 600, burst: options.burst ?? 100 },
      maxSubscriptionsPerChat: options.maxSubscriptionsPerChat ?? 100,
    },
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const res = await testResources('webhook');
  const fake = await startFakeTelegram({ limits: false });
  const dir = tempDir('candlebot-webhook-');
  const configPath = join(dir, 'candlebot.config.yml');
  writeFileSync(configPath, configYaml(options));
  const env: Record<string, string> = {
    ...res.env,
    CANDLEBOT_CONFIG_PATH: configPath,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.apiRoot,
  };
  const logger = new Logger({ serviceName: 'candlebot-test', logLevel: 'DEBUG' });
  // Capture the JSON log lines (once for the whole harness: sends run concurrently).
  // Powertools writes debug/info to stdout and warn/error to stderr.
  const logs: string[] = [];
  const originals = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk === 'string' && chunk.startsWith('{')) {
        logs.push(chunk);
        return true;
      }
      return original.call(stream, chunk, ...rest);
    }) as typeof stream.write;
    return () => void (stream.write = original);
  });
  const harness: Harness = {
    res,
    logs,
    fake,
    env,
    users: createDynamoUserStore({ client: res.doc, table: res.env.USERS_TABLE }),
    handler: makeWebhookHandler({ env, logger }),
    async send(body, sendOptions = {}) {
      const raw = sendOptions.raw ?? JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (sendOptions.secret !== null) headers['x-telegram-bot-api-secret-token'] = sendOptions.secret ?? SECRET;
      const event = {
        version: '2.0',
        routeKey: 'POST /telegram/webhook',
        rawPath: '/telegram/webhook',
        rawQueryString: '',
        headers,
        requestContext: { http: { method: 'POST', path: '/telegram/webhook' } },
        body: sendOptions.base64 ? Buffer.from(raw).toString('base64') : raw,
        isBase64Encoded: sendOptions.base64 ?? false,
      } as unknown as APIGatewayProxyEventV2;
      return harness.handler(event, localContext('candlebot-webhook', 25_000, randomUUID())) as Promise<APIGatewayProxyStructuredResultV2>;
    },
    text(chatId, text, type = 'private') {
      return {
        update_id: nextUpdateId++,
        message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type }, from: { id: chatId, is_bot: false, first_name: 'Tester' }, text },
      };
    },
    callback(chatId, messageId, data) {
      return {
        update_id: nextUpdateId++,
        callback_query: { id: `cq-${nextUpdateId}`, from: { id: chatId, is_bot: false, first_name: 'Tester' }, chat_instance: '1', message: { message_id: messageId, date: 0, chat: { id: chatId, type: 'private' } }, data },
      };
    },
    texts(chatId, from = 0) {
      return fake.delivered(chatId).slice(from).map((m) => m.text ?? m.caption ?? '');
    },
    async close() {
      for (const restore of originals) restore();
      await fake.close();
      res.close();
    },
  };
  return harness;
}

export const status = (r: APIGatewayProxyStructuredResultV2): number | undefined => r.statusCode;
export const outcome = (r: APIGatewayProxyStructuredResultV2): unknown => (JSON.parse(String(r.body)) as { outcome?: unknown }).outcome;
