/** /pnl against DynamoDB Local: positions opened and closed through the real position store. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandInputError, type BotCommand } from '../../lib/bot/command.js';
import { marketDataCommands } from '../../lib/bot/market-data-commands.js';
import { createMarketDataDeps } from '../../lib/runtime/bot-commands.js';
import { summarize } from '../../lib/backtest/summary.js';
import { parseConfig } from '../../lib/config/load.js';
import { closeAt, openFromSignal, positionRules, settle } from '../../lib/core/positions/index.js';
import type { PositionStore, TradeRecord } from '../../lib/ports/positions.js';
import { createDynamoClosedTrades } from '../../lib/store/positions/closed-trades.js';
import { pnlLines } from '../../lib/bot/commands/data-render.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { HOUR, positionSignal, recordingLog, storeFor } from '../positions/fixture.js';
import { recordingContext, runCommand, wiringInput } from './data-fixture.js';

const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 1, 12);
const rules = positionRules({ feeRate: 0.001 });
const span = { candles: 0, firstTime: null, lastTime: null };

describe('/pnl (DynamoDB Local, real position store)', () => {
  let r: TestResources;
  let store: PositionStore;
  let command: BotCommand;
  const trades: TradeRecord[] = [];

  /** Opens a position at 100 and closes it at `exit`, the close recorded `daysAgo` before NOW. */
  async function trade(strategy: string, symbol: string, exit: number, daysAgo: number): Promise<void> {
    const closedAt = NOW - daysAgo * DAY;
    const signal = positionSignal({ strategy, symbol, candleTime: closedAt - 3 * HOUR, entry: 100, stop: 50, target: 200 });
    const position = openFromSignal({ id: signal.id, symbol, intent: signal, stake: 100 }, signal.candleTime + HOUR, 100, rules);
    assert.equal((await store.open({ position, meta: { strategy, exchange: 'binance', timeframe: '1h' }, costs: rules, maxOpen: 10, now: closedAt - 2 * HOUR })).status, 'opened');
    const read = await store.getPosition(position.id);
    assert.ok(read?.ok && read.value.status === 'open');
    const closed = settle(closeAt(position, position.entryTime + HOUR, exit, 'signal', rules));
    const result = await store.close({ stored: read.value.open, closed, now: closedAt });
    assert.equal(result.status, 'closed');
    if (result.status === 'closed') trades.push(result.trade);
  }

  before(async () => {
    r = await testResources('bot-pnl');
    store = storeFor(r);
    // Only ema-cross is configured now: rsi-reversion's older trades are still found through its statistics row.
    const config = parseConfig({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] });
    command = marketDataCommands(createMarketDataDeps(wiringInput(r, config, testClock(NOW), recordingLog()))).find((c) => c.name === 'pnl')!;
  });
  after(() => r.close());

  it('no closed trade: says so for the period', async () => {
    assert.deepEqual(await runCommand(command, [], NOW), { kind: 'text', html: 'No closed trades in the last 7 days.' });
    assert.deepEqual(await runCommand(command, ['all'], NOW), { kind: 'text', html: 'No closed trades yet.' });
  });

  it('7d (default), 30d and all count the trades closed in the window, with the backtester\'s statistics', async () => {
    await store.createPortfolio(1000, NOW - 100 * DAY);
    await trade('ema-cross', 'BTC/USDT', 110, 1);
    await trade('rsi-reversion', 'ETH/USDT', 95, 3);
    await trade('ema-cross', 'SOL/USDT', 90, 6.9);
    await trade('ema-cross', 'XRP/USDT', 120, 10);
    await trade('rsi-reversion', 'ADA/USDT', 80, 40);

    const expectFor = (days: number | null) => {
      const inWindow = trades.filter((t) => days === null || t.closedAt >= NOW - days * DAY).sort((a, b) => a.closedAt - b.closedAt);
      const names = [...new Set(inWindow.map((t) => t.strategy))].sort();
      return pnlLines(summarize(inWindow, span), names.map((strategy) => ({ strategy, summary: summarize(inWindow.filter((t) => t.strategy === strategy), span) })));
    };
    for (const [args, days, label, count] of [
      [[], 7, 'last 7 days', 3],
      [['30d'], 30, 'last 30 days', 4],
      [['ALL'], null, 'all time', 5],
    ] as const) {
      const reply = await runCommand(command, args, NOW);
      assert.ok(reply.kind === 'lines', JSON.stringify(reply));
      assert.equal(reply.title, `<b>Paper trading PnL</b> · ${label}`);
      assert.deepEqual(reply.lines, expectFor(days));
      assert.match(reply.lines[0]!, new RegExp(`^Trades: <b>${count}</b>`));
    }
    // Spot-check the numbers themselves for 7d: +10 −5 −10 gross on 100 stakes, minus fees.
    const seven = await runCommand(command, ['7d'], NOW);
    assert.ok(seven.kind === 'lines');
    assert.match(seven.lines[0]!, /\(1 won, 2 lost\) · win rate 33\.3%/);
    assert.match(seven.lines.join('\n'), /\nema-cross: 2 trades · win rate 50\.0%/);
    assert.match(seven.lines.join('\n'), /\nrsi-reversion: 1 trades · win rate 0\.0%/);
  });

  it('the trade reader is bounded: at most `limit` trades, `truncated` when more matched', async () => {
    const reader = createDynamoClosedTrades({ client: r.doc, table: r.tables.PositionsTable! });
    const two = await reader.listClosedSince(null, 2);
    assert.equal(two.trades.length, 2);
    assert.equal(two.truncated, true);
    const all = await reader.listClosedSince(null, 5);
    assert.deepEqual(all.trades.map((t) => t.positionId).sort(), trades.map((t) => t.positionId).sort());
    assert.equal(all.truncated, false);
    const week = await reader.listClosedSince(NOW - 7 * DAY, 100);
    assert.equal(week.trades.length, 3);
    assert.equal(week.truncated, false);
  });

  it('an unknown period is refused with the allowed ones', async () => {
    for (const args of [['1y'], ['7'], ['7d', '30d']]) {
      const ctx = recordingContext(args, NOW);
      await assert.rejects(command.run(ctx), (e: unknown) => e instanceof CommandInputError && /7d\|30d\|all/.test(e.message), args.join(' '));
      assert.equal(ctx.replies.length, 0);
    }
  });
});
