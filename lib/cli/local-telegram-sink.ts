import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { makeNotifyHandler } from '../../functions/notify.js';
import { notifyEnvSchema, parseEnv } from '../config/env.js';
import type { BotConfig } from '../config/schema.js';
import { createLocalNotifyPoller } from '../queue/local-notify-poller.js';
import { powertoolsLog } from '../aws/powertools-log.js';
import { createNotifyRuntime } from '../runtime/notify.js';

/** Same surface as the console sink (lib/cli/console-sink.ts), so npm start can use either. */
export interface LocalTelegramSink {
  start(): void;
  stop(): Promise<void>;
  /** Delivers until the queue is empty (nothing visible or in flight) `emptyPolls` checks in a row, at most `maxMs`. */
  drain(emptyPolls?: number, maxMs?: number): Promise<number>;
}

/**
 * npm start with TELEGRAM_BOT_TOKEN: the deployed delivery path on this machine — the local
 * poller feeds the notify queue of the local stack to the same notify handler, which sends
 * through the real Bot API (or TELEGRAM_API_ROOT).
 */
export function createLocalTelegramSink(options: { env: NodeJS.ProcessEnv; config: BotConfig; logger: Logger; sqs: SQSClient }): LocalTelegramSink {
  const env = parseEnv(notifyEnvSchema, options.env);
  const runtime = createNotifyRuntime(env, options.config, { log: powertoolsLog(options.logger) });
  const handler = makeNotifyHandler({ runtime, logger: options.logger });
  const poller = createLocalNotifyPoller({ sqs: options.sqs, queueUrl: env.NOTIFY_QUEUE_URL, handler, concurrency: 2, region: env.AWS_REGION });
  const depth = async () => {
    const out = await options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: env.NOTIFY_QUEUE_URL, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(out.Attributes?.['ApproximateNumberOfMessages'] ?? 0) + Number(out.Attributes?.['ApproximateNumberOfMessagesNotVisible'] ?? 0);
  };
  return {
    start: () => poller.start(),
    stop: () => poller.stop(),
    async drain(emptyPolls = 2, maxMs = 60_000) {
      const before = poller.stats.deleted;
      poller.start();
      const deadline = Date.now() + maxMs;
      for (let empty = 0; empty < emptyPolls && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 500));
        empty = (await depth()) === 0 ? empty + 1 : 0;
      }
      await poller.stop();
      return poller.stats.deleted - before;
    },
  };
}
