/**
 * The live commands' answers on edge cases, through the bot's real CommandContext over a stub
 * LiveStore (the end-to-end flows on DynamoDB Local: test/webhook/live-commands.test.ts):
 * real money marked 🔴 LIVE, no budget row yet, unreadable rows, a failing panic request,
 * /resume's outcomes, the venues read from the config.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createActionCodec } from '../../lib/bot/action-buttons.js';
import { createCommandContext } from '../../lib/bot/context.js';
import type { BotCommand } from '../../lib/bot/command.js';
import { liveExchangeInfos, type LiveCommandDeps, type LiveCommandStore, type LiveExchangeInfo } from '../../lib/bot/commands/live-common.js';
import { balanceCommand } from '../../lib/bot/commands/live-balance.js';
import { ordersCommand } from '../../lib/bot/commands/live-orders.js';
import { panicCommand } from '../../lib/bot/commands/live-panic.js';
import { resumeLiveLines } from '../../lib/bot/commands/live-resume.js';
import { createPageCodec } from '../../lib/bot/pagination.js';
import { parseConfig } from '../../lib/config/load.js';
import type { LiveBudget, LiveStore } from '../../lib/ports/live.js';
import type { Log } from '../../lib/ports/log.js';
import { recordingTelegram } from './data-fixture.js';

const NOW = Date.UTC(2026, 11, 6, 18, 0);
const REAL: LiveExchangeInfo = { id: 'binance', venue: 'live', quote: 'USDT', budget: 200 };

function recordingLog(): Log & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (message: string) => void warnings.push(message), error() {} };
}

const emptyList = { items: [], corrupt: [], truncated: false };

/** A stub store: every read answers `overrides` or nothing; writes are recorded. */
function stubStore(overrides: Partial<LiveCommandStore> = {}): LiveCommandStore & { readonly calls: string[] } {
  const calls: string[] = [];
  const record = <T>(name: string, value: T) => async (...args: unknown[]) => {
    calls.push(`${name} ${args.slice(0, 2).join(' ')}`);
    return value;
  };
  return {
    calls,
    ensureBudget: record('ensureBudget', {} as LiveBudget),
    getBudget: record('getBudget', undefined),
    requestPanic: record('requestPanic', 'requested' as const),
    resume: record('resume', 'nothing' as const),
    listInFlightOrders: record('listInFlightOrders', emptyList),
    listRecentOrders: record('listRecentOrders', emptyList),
    listOpenPositions: record('listOpenPositions', emptyList),
    ...overrides,
  } as LiveCommandStore & { readonly calls: string[] };
}

/** Runs `command` through the real context; the texts it sent or edited. */
async function run(command: BotCommand, options: { action?: { name: string; issuedAt: number } } = {}): Promise<string[]> {
  const telegram = recordingTelegram();
  await command.run(createCommandContext({ telegram, chatId: 42, command: command.name, args: [], isAdmin: true, now: NOW, page: 1, pages: createPageCodec(randomBytes(32)), actions: createActionCodec(randomBytes(32)), ...(options.action ? { action: options.action, editMessageId: 1 } : {}) }));
  return telegram.texts.map((t) => t.text);
}

describe('live commands (stub store)', () => {
  it('venues come from the config: sandbox false is 🔴 LIVE (real money), sandbox true 🧪 TESTNET; paper exchanges are not listed', () => {
    const config = parseConfig({
      exchanges: [
        { id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'], trading: { mode: 'live', sandbox: false, confirmLive: true, budget: 200, stake: 20, dailyLossLimit: 30 } },
        { id: 'kraken', symbols: ['BTC/USD'], timeframes: ['1h'] },
      ],
      strategies: [{ name: 'ema-cross' }],
    });
    assert.deepEqual(liveExchangeInfos(config.exchanges), [REAL]);
  });

  it('/balance before the first trade shows the configured budget; an unreadable budget row is said and logged', async () => {
    const log = recordingLog();
    const fresh = await run(balanceCommand({ exchanges: [REAL], store: stubStore(), log }));
    assert.deepEqual(fresh, ['<b>Live balance</b>\n<b>🔴 LIVE binance</b>\nno trade yet: budget <code>200 USDT</code> (from the config)']);
    const corrupt = stubStore({ getBudget: async () => ({ ok: false, problem: { rowId: 'budget#binance', reason: 'available: expected number <script>' } }) });
    const text = (await run(balanceCommand({ exchanges: [REAL], store: corrupt, log }))).join('\n');
    assert.match(text, /⚠️ the budget row is unreadable \(logged\): available: expected number &lt;script&gt;/);
    assert.deepEqual(log.warnings, ['live budget row invalid']);
  });

  it('/orders says when rows could not be read, and counts a truncated list', async () => {
    const log = recordingLog();
    const store = stubStore({ listInFlightOrders: async () => ({ items: [], corrupt: [{ rowId: 'order#x', reason: 'status: invalid' }], truncated: true }) });
    const text = (await run(ordersCommand({ exchanges: [REAL], store, log }))).join('\n');
    assert.match(text, /<b>🔴 LIVE binance<\/b> — in flight: 0\+\n {2}none\n⚠️ 1 unreadable order row skipped \(logged\): status: invalid/);
    assert.deepEqual(log.warnings, ['live order: invalid rows skipped']);
  });

  it('/panic: a failing request is not reported as accepted (the error reaches the dispatcher)', async () => {
    const failing = stubStore({ requestPanic: async () => Promise.reject(new Error('throttled')) });
    await assert.rejects(run(panicCommand({ exchanges: [REAL], store: failing, log: recordingLog() }), { action: { name: 'confirm', issuedAt: NOW } }), /throttled/);
    const store = stubStore();
    const edited = await run(panicCommand({ exchanges: [REAL, { ...REAL, id: 'binance2', venue: 'testnet' }], store, log: recordingLog() }), { action: { name: 'confirm', issuedAt: NOW - 60_000 } });
    assert.match(edited.join('\n'), /🔴 LIVE binance: requested now\n🧪 TESTNET binance2: requested now/);
    assert.deepEqual(store.calls, ['requestPanic binance 42', 'requestPanic binance2 42'], 'no budget row created when it exists');
  });

  it('/resume: one line per live exchange and outcome; nothing when no exchange trades live', async () => {
    const outcomes = ['resumed', 'nothing', 'panic-pending', 'no-budget-row'] as const;
    const exchanges = outcomes.map((o) => ({ ...REAL, id: o }));
    const store = stubStore({ resume: async (exchange: string) => exchange as Awaited<ReturnType<LiveStore['resume']>> });
    const deps: LiveCommandDeps = { exchanges, store, log: recordingLog() };
    assert.deepEqual(await resumeLiveLines(deps, NOW), [
      '🔴 LIVE resumed: halt cleared: live entries open again',
      '🔴 LIVE nothing: was not halted: live trading running',
      '🔴 LIVE panic-pending: panic still being executed by reconcile: NOT resumed; send /resume again after its report',
      '🔴 LIVE no-budget-row: no trade yet: live trading running',
    ]);
    assert.deepEqual(await resumeLiveLines({ exchanges: [], store, log: recordingLog() }, NOW), []);
  });
});
