/** The command menu comes from the commands' own definitions, and matches the assembled bot exactly. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { commandMenu, listBotCommands } from '../../lib/bot/command-menu.js';
import { parseConfig } from '../../lib/config/load.js';
import { systemClock } from '../../lib/ports/clock.js';
import { silentLog } from '../../lib/ports/log.js';
import type { TelegramPort } from '../../lib/ports/telegram.js';
import { createAwsClients } from '../../lib/runtime/adapters.js';
import { allCommands } from '../../lib/runtime/bot-commands.js';

const info = (c: { name: string; usage: string; description: string; admin?: boolean }) => ({ name: c.name, usage: c.usage, description: c.description, admin: c.admin === true });

describe('command menu', () => {
  it('lists the same commands, in the same order, with the same texts and admin flags as the wired bot', () => {
    const config = parseConfig({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] });
    const { ddb, sqs } = createAwsClients({ AWS_REGION: 'us-east-1' });
    const unused = 'unused-by-the-test';
    // Building the commands calls nothing: the clients and the Telegram port are never used.
    const telegram = {} as TelegramPort;
    const env = { CANDLEBOT_CONFIG_PATH: unused, SIGNALS_TABLE: unused, STATE_TABLE: unused, POSITIONS_TABLE: unused, USERS_TABLE: unused, NOTIFY_QUEUE_URL: 'https://sqs.invalid/q', NOTIFY_DLQ_URL: 'https://sqs.invalid/d', TELEGRAM_BOT_TOKEN: '0:unused', AWS_REGION: 'us-east-1' };
    const wired = allCommands({ env, config, ddb, sqs, clock: systemClock, log: silentLog, telegram });
    assert.deepEqual(listBotCommands().map(info), wired.map(info));
  });
  it('users see the non-admin commands; admins all of them', () => {
    const all = listBotCommands();
    const user = commandMenu(all, { admin: false }).map((m) => m.command);
    const admin = commandMenu(all, { admin: true }).map((m) => m.command);
    assert.ok(!user.includes('pause') && !user.includes('stats') && user.includes('status') && user.includes('help'));
    assert.deepEqual(admin, all.map((c) => c.name));
    for (const m of commandMenu(all, { admin: true })) assert.ok(m.description.length > 0 && m.description.length <= 256, m.command);
  });
});
