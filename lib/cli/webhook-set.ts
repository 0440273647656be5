/**
 * `npm run webhook:set -- --url https://<api-id>.execute-api.<region>.amazonaws.com/telegram/webhook`
 *
 * Registers the deployed webhook with Telegram: the URL, the secret Telegram echoes in
 * X-Telegram-Bot-Api-Secret-Token (TELEGRAM_WEBHOOK_SECRET, the same value the function has),
 * allowed_updates (message, callback_query), and the command menu (setMyCommands: user commands
 * for everyone, plus the admin commands in each admin chat). Prints getWebhookInfo.
 *
 *   --url <https URL>          the function's URL (serverless output / API Gateway)
 *   --drop-pending-updates     forget updates Telegram queued while no webhook answered
 *   --delete                   remove the webhook instead (local long polling needs that)
 *   --config <file>            bot config for the command menu (default: $CANDLEBOT_CONFIG, else
 *                              candlebot.config.yml, else the shipped candlebot.config.example.yml)
 *
 * Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET; TELEGRAM_API_ROOT only for tests.
 * Neither the token nor the secret is ever printed.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { BotApi } from '../ports/telegram.js';
import { createBotApi } from '../telegram/bot-api.js';
import { commandMenu, listBotCommands } from '../bot/command-menu.js';
import { redactSecrets } from '../bot/redact.js';
import { listIssues } from '../core/zod-issues.js';
import { loadConfigFile } from '../config/load.js';
import { chooseConfigFile } from '../config/config-path.js';
import { telegramTokenSchema, webhookEnvSchema } from '../config/env.js';
import { ConfigError, describeError } from '../errors.js';
import { parseFlags } from './flags.js';
import { ALLOWED_UPDATES } from './long-polling.js';

export const WEBHOOK_SET_USAGE =
  'usage: npm run webhook:set -- --url https://<host>/telegram/webhook [--drop-pending-updates] [--config <file>]\n' +
  '       npm run webhook:set -- --delete [--drop-pending-updates]\n' +
  'env:   TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET (the value deployed with the webhook function)';

const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: telegramTokenSchema,
  TELEGRAM_WEBHOOK_SECRET: webhookEnvSchema.shape.TELEGRAM_WEBHOOK_SECRET.optional(),
  TELEGRAM_API_ROOT: z.url().optional(),
});

interface Args {
  readonly url: string | undefined;
  readonly drop: boolean;
  readonly del: boolean;
  /** --config as given (undefined: chooseConfigFile's default). */
  readonly config: string | undefined;
  readonly help: boolean;
}

function parse(argv: readonly string[]): Args {
  let values;
  try {
    values = parseFlags(argv, {
      url: { type: 'string' },
      'drop-pending-updates': { type: 'boolean', default: false },
      delete: { type: 'boolean', default: false },
      config: { type: 'string' },
    });
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n${WEBHOOK_SET_USAGE}`, { code: 'BAD_ARGS', cause });
  }
  if (values.help) return { url: undefined, drop: false, del: false, config: '', help: true };
  const args = { url: values.url, drop: values['drop-pending-updates'] ?? false, del: values.delete ?? false, config: values.config, help: false };
  if (args.del === (args.url !== undefined)) throw new ConfigError(`give either --url or --delete\n${WEBHOOK_SET_USAGE}`, { code: 'BAD_ARGS' });
  if (args.url !== undefined) {
    let url: URL;
    try {
      url = new URL(args.url);
    } catch {
      throw new ConfigError(`--url ${args.url} is not a URL\n${WEBHOOK_SET_USAGE}`, { code: 'BAD_ARGS' });
    }
    if (url.protocol !== 'https:') throw new ConfigError(`--url must be https:// (Telegram only calls HTTPS webhooks), got ${args.url}`, { code: 'BAD_ARGS' });
  }
  return args;
}

async function printInfo(api: BotApi, out: (line: string) => void): Promise<void> {
  const info = (await api.call('getWebhookInfo', {})) as Record<string, unknown>;
  out(`webhook url:          ${String(info.url) || '(none: long polling)'}`);
  out(`pending updates:      ${String(info.pending_update_count ?? 0)}`);
  if (info.allowed_updates) out(`allowed updates:      ${(info.allowed_updates as string[]).join(', ')}`);
  if (info.last_error_message) out(`last delivery error:  ${String(info.last_error_message)} (at ${new Date(Number(info.last_error_date) * 1000).toISOString()})`);
}

/** Runs the CLI; resolves with the exit code (2 for bad input/config, 1 for a failed call). */
export async function runWebhookSet(argv: readonly string[], env: NodeJS.ProcessEnv, out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const secrets = [env.TELEGRAM_BOT_TOKEN ?? '', env.TELEGRAM_WEBHOOK_SECRET ?? ''];
  try {
    const args = parse(argv);
    if (args.help) {
      out(WEBHOOK_SET_USAGE);
      return 0;
    }
    const parsedEnv = envSchema.safeParse(env);
    if (!parsedEnv.success) throw new ConfigError(`invalid environment:\n${listIssues(parsedEnv.error.issues)}`, { code: 'INVALID_ENV' });
    const { TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: secret, TELEGRAM_API_ROOT: apiRoot } = parsedEnv.data;
    const api = createBotApi({ token, apiRoot, timeoutMs: 15_000 });

    if (args.del) {
      await api.call('deleteWebhook', { drop_pending_updates: args.drop });
      out('webhook deleted: updates now wait for getUpdates (npm start polls them).');
      await printInfo(api, out);
      return 0;
    }
    if (!secret) throw new ConfigError('TELEGRAM_WEBHOOK_SECRET is not set: use the same value the webhook function is deployed with.', { code: 'INVALID_ENV' });
    const choice = chooseConfigFile(args.config, env);
    if (choice.notice) err(choice.notice);
    const config = loadConfigFile(choice.path);
    await api.call('setWebhook', { url: args.url, secret_token: secret, allowed_updates: ALLOWED_UPDATES, drop_pending_updates: args.drop });
    out(`webhook set: ${args.url} (secret token set, updates: ${ALLOWED_UPDATES.join(', ')})`);

    const commands = listBotCommands();
    const menu = commandMenu(commands, { admin: false });
    await api.call('setMyCommands', { commands: menu });
    const adminMenu = commandMenu(commands, { admin: true });
    for (const chatId of config.telegram.adminChatIds) {
      await api.call('setMyCommands', { commands: adminMenu, scope: { type: 'chat', chat_id: chatId } });
    }
    out(`command menu: ${menu.map((m) => `/${m.command}`).join(' ')}${config.telegram.adminChatIds.length ? ` (+ admin commands in ${config.telegram.adminChatIds.length} admin chat(s))` : ''}`);
    await printInfo(api, out);
    return 0;
  } catch (error) {
    err(`webhook:set: ${redactSecrets(describeError(error), secrets)}`);
    return error instanceof ConfigError ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runWebhookSet(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
