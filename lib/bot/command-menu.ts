/**
 * The command menu Telegram shows (setMyCommands), from the same assembled command list as
 * /help. Building the list needs a wiring input; commands only touch their ports when they run,
 * so an inert input (SDK clients that are never called, a Telegram port that refuses) suffices.
 */
import { createAwsClients } from '../runtime/adapters.js';
import type { BotConfig } from '../config/schema.js';
import { systemClock } from '../ports/clock.js';
import { silentLog } from '../ports/log.js';
import type { TelegramPort } from '../ports/telegram.js';
import type { BotCommand } from './command.js';
import { allCommands, type BotWiringInput } from '../runtime/bot-commands.js';

export interface MenuEntry {
  readonly command: string;
  readonly description: string;
}

const inertTelegram: TelegramPort = new Proxy({} as TelegramPort, {
  get: () => () => Promise.reject(new Error('the command menu does not send messages')),
});

/** Every command of the bot, without running anything. */
export function listBotCommands(config: BotConfig): readonly BotCommand[] {
  const { ddb, sqs } = createAwsClients({ AWS_REGION: 'us-east-1' });
  const unused = 'unused-by-the-menu';
  const input: BotWiringInput = {
    env: {
      CANDLEBOT_CONFIG_PATH: unused,
      SIGNALS_TABLE: unused,
      STATE_TABLE: unused,
      POSITIONS_TABLE: unused,
      USERS_TABLE: unused,
      NOTIFY_QUEUE_URL: 'https://sqs.invalid/unused',
      NOTIFY_DLQ_URL: 'https://sqs.invalid/unused',
      TELEGRAM_BOT_TOKEN: '0:unused',
      AWS_REGION: 'us-east-1',
    },
    config,
    ddb,
    sqs,
    clock: systemClock,
    log: silentLog,
    telegram: inertTelegram,
  };
  return allCommands(input);
}

/** setMyCommands entries: Telegram allows ≤ 100, names [a-z0-9_]{1,32}, descriptions 1-256 characters. */
export function commandMenu(commands: readonly BotCommand[], options: { admin: boolean }): MenuEntry[] {
  return commands
    .filter((c) => options.admin || !c.admin)
    .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
    .slice(0, 100)
    .map((c) => {
      const text = c.description.trim() || c.name;
      return { command: c.name, description: text.length > 256 ? `${text.slice(0, 255)}…` : text };
    });
}
