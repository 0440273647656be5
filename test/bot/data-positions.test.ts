/**
 * /positions against DynamoDB Local (positions opened through the real position store) and the
 * Binance simulator through the real ccxt adapter (markets cached in StateTable).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BotCommand } from '../../lib/bot/command.js';
import { marketDataCommands, type MarketDataDeps } from '../../lib/bot/market-data-commands.js';
import { createMarketDataDeps } from '../../lib/runtime/bot-commands.js';
import { parseConfig } from '../../lib/config/load.js';
import { formatPrice } from '../../lib/core/format.js';
import { openFromSignal, positionRules } from '../../lib/core/positions/index.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import { markOf, markPrice } from '../../lib/monitor/mark.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import type { PositionStore, StoredOpenPosition } from '../../lib/ports/positions.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { HOUR, positionSignal, recordingLog, storeFor } from '../positions/fixture.js';
import { allPages, runCommand, textOf, wiringInput } from './data-fixture.js';

const NOW = Date.UTC(2026, 10, 20, 12, 30); // the 12:00 1h candle is forming
const SIGNAL_TIME = Date.UTC(2026, 10, 20, 8);
const SYMBOLS = Array.from({ length: 45 }, (_, i) => `C${i}/USDT`);
const rules = positionRules({ feeRate: 0.001 });
const configFor = (apiBase: string) =>
  parseConfig({
    exchanges: [{ id: 'binance', symbols: SYMBOLS, timeframes: ['1h'], apiBase, timeoutMs: 1000 }],
    strategies: [{ name: 'ema-cross' }],
    risk: { startingBalance: 100_000, stakeFixed: 100, maxOpenPositions: 100, feeRate: 0.001 },
  });

describe('/positions (DynamoDB Local, exchange simulator)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let store: PositionStore;
  let deps: MarketDataDeps;
  let command: BotCommand;
  const log = recordingLog();
  const opened: StoredOpenPosition[] = [];
  let reference: ExchangePort | undefined;

  /** The price the monitor would mark at: what the simulator serves now. */
  async function expectedPrice(symbol: string): Promise<number> {
    const ex = (reference ??= await binanceAt(sim.url));
    await ex.prepare([symbol]);
    const v = validateCandles(await ex.fetchCandles(symbol, '1h', 2), '1h');
    assert.ok(v.ok);
    const { closed, forming } = splitClosed(v.rows, NOW, '1h');
    return markPrice(closed, forming)!;
  }

  before(async () => {
    r = await testResources('bot-positions');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: NOW, seed: 5 });
    store = storeFor(r);
    deps = createMarketDataDeps(wiringInput(r, configFor(sim.url), testClock(NOW), log));
    command = marketDataCommands(deps).find((c) => c.name === 'positions')!;
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('none open: says so', async () => {
    assert.deepEqual(await runCommand(command, [], NOW), { kind: 'text', html: 'No open positions.' });
  });

  it('each open position valued at the latest price (unrealised PnL as the monitor marks it), with totals', async () => {
    await store.createPortfolio(100_000, SIGNAL_TIME);
    for (const [i, symbol] of SYMBOLS.slice(0, 3).entries()) {
      const side = i === 1 ? 'short' : 'long';
      const entry = await expectedPrice(symbol);
      const signal = positionSignal({ symbol, candleTime: SIGNAL_TIME, side, entry, stop: side === 'long' ? entry * 0.5 : entry * 1.5, target: side === 'long' ? entry * 2 : entry * 0.5 });
      const position = openFromSignal({ id: signal.id, symbol, intent: signal, stake: 100 }, SIGNAL_TIME + HOUR, entry * (1 + (i - 1) * 0.01), rules);
      assert.equal((await store.open({ position, meta: { strategy: 'ema-cross', exchange: 'binance', timeframe: '1h' }, costs: { feeRate: 0.001, slippageBps: 0, maxBars: null }, maxOpen: 100, now: SIGNAL_TIME })).status, 'opened');
      const read = await store.getPosition(position.id);
      assert.ok(read?.ok && read.value.status === 'open');
      opened.push(read.value.open);
    }
    const reply = await runCommand(command, [], NOW);
    assert.equal(reply.kind, 'lines');
    if (reply.kind !== 'lines') return;
    assert.equal(reply.lines.length, 3);
    let total = 0;
    for (const stored of opened) {
      const price = await expectedPrice(stored.position.symbol);
      const mark = markOf(stored.position, price, NOW, rules);
      total += mark.unrealisedPnl;
      const line = reply.lines.find((l) => l.startsWith(`<b>${stored.position.symbol}</b>`));
      assert.ok(line, stored.position.symbol);
      assert.ok(line.includes(` · now ${formatPrice(price)} · PnL ${mark.unrealisedPnl > 0 ? '+' : ''}${formatPrice(mark.unrealisedPnl, 6)}`), line);
    }
    assert.match(reply.title, /^<b>Open positions: 3<\/b> · stake 300 · unrealised PnL /);
    assert.ok(reply.title.includes(formatPrice(total, 6)), `${reply.title} vs ${total}`);
    // The ccxt adapter's markets went through the DynamoDB cache.
    assert.ok((await r.doc.send(new GetCommand({ TableName: r.tables.StateTable!, Key: { pk: 'markets#binance' } }))).Item);
  });

  it('a market whose price cannot be had (5xx, or no answer within the timeout) is listed as "price unavailable"; the monitor\'s mark is used when stored', async () => {
    const [a, b, c] = opened as [StoredOpenPosition, StoredOpenPosition, StoredOpenPosition];
    assert.equal(await store.saveMark(c, { price: 123.5, unrealisedPnl: -4.25, at: NOW - 60_000 }), true);
    sim.setFault(b.position.symbol, { kind: 'status', status: 503 });
    sim.setFault(c.position.symbol, { kind: 'timeout' });
    try {
      const started = Date.now();
      const reply = await runCommand(marketDataCommands({ ...deps, priceTimeoutMs: 300 }).find((x) => x.name === 'positions')!, [], NOW);
      // The sim never answers: without the price timeout this hangs; 20 s holds under heavy load.
      assert.ok(Date.now() - started < 20_000, 'bounded by the price timeout');
      const text = textOf(reply);
      assert.match(text, new RegExp(`<b>${a.position.symbol.replace('/', '\\/')}</b>.* · now [\\d.]+ · PnL`));
      assert.match(text, new RegExp(`<b>${b.position.symbol.replace('/', '\\/')}</b>.* · <i>price unavailable</i>`));
      assert.match(text, new RegExp(`<b>${c.position.symbol.replace('/', '\\/')}</b>.* · now 123\\.5 · PnL -4\\.25 .*live price unavailable; mark of 2026-11-20 12:29 UTC`));
      assert.match(text, /\(1 without a price\)/);
      assert.ok(log.lines.some((l) => l.level === 'warn' && l.message === 'positions: price unavailable'));
    } finally {
      sim.setFault(b.position.symbol, undefined);
      sim.setFault(c.position.symbol, undefined);
    }
  });

  it('a forming candle opening in the future (at 1000 × the price) is no price: "price unavailable", as the monitor refuses it', async () => {
    const [a] = opened as [StoredOpenPosition];
    sim.setFault(a.position.symbol, { kind: 'futureForming', aheadMs: 100 * HOUR, priceFactor: 1000 });
    try {
      const text = textOf(await runCommand(command, [], NOW));
      assert.match(text, new RegExp(`<b>${a.position.symbol.replace('/', '\\/')}</b>.* · <i>price unavailable</i>`));
      assert.ok(log.lines.some((l) => l.level === 'warn' && l.message === 'positions: price unavailable' && /opens in the future/.test(JSON.stringify(l))));
    } finally {
      sim.setFault(a.position.symbol, undefined);
    }
  });

  it('the exchange down altogether: every position still listed, none valued live, no failure', async () => {
    const down = createMarketDataDeps(wiringInput(r, configFor('http://127.0.0.1:9'), testClock(NOW), log));
    const reply = await runCommand(marketDataCommands(down).find((x) => x.name === 'positions')!, [], NOW);
    assert.equal(reply.kind, 'lines');
    if (reply.kind !== 'lines') return;
    assert.equal(reply.lines.length, 3);
    assert.equal(reply.lines.filter((l) => l.endsWith('<i>price unavailable</i>')).length, 2);
    assert.equal(reply.lines.filter((l) => l.includes('live price unavailable; mark of')).length, 1);
  });

  it('45 open positions page over several messages with every position on exactly one page', async () => {
    for (const symbol of SYMBOLS.slice(3)) {
      const signal = positionSignal({ symbol, candleTime: SIGNAL_TIME, entry: 100, stop: 1, target: 10_000 });
      const position = openFromSignal({ id: signal.id, symbol, intent: signal, stake: 100 }, SIGNAL_TIME + HOUR, 100, rules);
      assert.equal((await store.open({ position, meta: { strategy: 'ema-cross', exchange: 'binance', timeframe: '1h' }, costs: { feeRate: 0.001, slippageBps: 0, maxBars: null }, maxOpen: 100, now: SIGNAL_TIME })).status, 'opened');
    }
    const pages = await allPages(command, [], NOW);
    assert.ok(pages.length >= 2, `${pages.length} pages`);
    const lines = pages.flatMap((p) => p.split('\n'));
    for (const symbol of SYMBOLS) assert.equal(lines.filter((l) => l.startsWith(`<b>${symbol}</b>`)).length, 1, symbol);
    for (const p of pages) assert.ok(p.length <= 4096 && p.startsWith('<b>Open positions: 45</b>'));
  });
});
