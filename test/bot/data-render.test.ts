/** The pure parts of the market-data commands: text lines, argument parsing and the /chart spec. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandInputError } from '../../lib/bot/command.js';
import { chartForMarket } from '../../lib/bot/commands/data-chart-spec.js';
import { parseChartArgs } from '../../lib/bot/commands/data-chart.js';
import { parsePnlPeriod, periodStart } from '../../lib/bot/commands/data-pnl.js';
import { candleSummary, formatSigned, pnlLines, positionLine, positionsTitle, signalLine, type Valuation } from '../../lib/bot/commands/data-render.js';
import { parseSignalCount } from '../../lib/bot/commands/data-signals.js';
import { summarize } from '../../lib/backtest/summary.js';
import { parseConfig } from '../../lib/config/load.js';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { emaCross } from '../../lib/core/strategies/index.js';
import type { StoredOpenPosition, TradeRecord } from '../../lib/ports/positions.js';

const T = Date.UTC(2026, 0, 5, 10);
const inputError = (pattern: RegExp) => (e: unknown) => e instanceof CommandInputError && pattern.test(e.message);

const signal = {
  id: 's1',
  strategy: 'ema<cross>',
  exchange: 'bin&ance',
  symbol: 'BTC/<b>USDT',
  timeframe: '1h',
  candleTime: T,
  side: 'long' as const,
  entry: 43251.5,
  stop: 0.0123456789,
  target: 1e-7,
  createdAt: T + 3_600_000 + 5000,
};

const stored: StoredOpenPosition = {
  position: { id: 'p1', status: 'open', symbol: 'ETH/<USDT>', side: 'short', signalTime: T, stake: 100, stop: 110, target: 90, trail: 0, entryTime: T + 3_600_000, entryPrice: 100, qty: 1, best: 100, bars: 1 },
  meta: { strategy: 'rsi&reversion', exchange: 'binance', timeframe: '1h' },
  costs: { feeRate: 0.001, slippageBps: 0, maxBars: null },
  version: 1,
  lastChecked: T,
  openedAt: T,
} as unknown as StoredOpenPosition;

describe('market-data text (pure)', () => {
  it('a signal line escapes every stored string and formats the numbers', () => {
    const line = signalLine(signal, true);
    assert.equal(
      line,
      '<code>2026-01-05 11:00 UTC</code> <b>BTC/&lt;b&gt;USDT</b> (bin&amp;ance) 1h · ema&lt;cross&gt; · 🟢 LONG · entry 43251.5 · stop 0.0123457 · target 0.0000001',
    );
    assert.ok(!signalLine(signal, false).includes('bin&amp;ance'));
  });

  it('signed amounts', () => {
    assert.equal(formatSigned(1.23456789), '+1.23457');
    assert.equal(formatSigned(-0.5), '-0.5');
    assert.equal(formatSigned(0), '0');
  });

  it('a position line: live PnL with percent of stake, the stored mark when live fails, or "price unavailable"', () => {
    const live: Valuation = { kind: 'live', mark: { price: 95, unrealisedPnl: 4.8, at: T } };
    assert.match(positionLine(stored, live, false), /^<b>ETH\/&lt;USDT&gt;<\/b> 1h · rsi&amp;reversion · 🔴 SHORT · stake 100 · entry 100 · stop 110 · target 90 · now 95 · PnL \+4\.8 \(\+4\.8%\)$/);
    const old: Valuation = { kind: 'stored', mark: { price: 97, unrealisedPnl: 2.8, at: T } };
    assert.match(positionLine(stored, old, false), /now 97 · PnL \+2\.8 .*live price unavailable; mark of 2026-01-05 10:00 UTC/);
    assert.match(positionLine(stored, { kind: 'unavailable' }, false), /<i>price unavailable<\/i>$/);
  });

  it('the positions title totals stake and the PnL of the valued positions, counting the others', () => {
    const title = positionsTitle(
      [
        { stored, valuation: { kind: 'live', mark: { price: 95, unrealisedPnl: 4.8, at: T } } },
        { stored, valuation: { kind: 'unavailable' } },
        { stored, valuation: { kind: 'stored', mark: { price: 99, unrealisedPnl: -1.3, at: T } } },
      ],
      true,
    );
    assert.equal(title, '<b>Open positions: 3</b> · stake 300 · unrealised PnL +3.5 (1 without a price) — more are open than listed');
  });

  it('pnl lines: totals, profit factor without a loss, per-strategy lines only with several strategies', () => {
    const trade = (strategy: string, pnl: number): TradeRecord => ({ strategy, pnl, fees: 0.2, symbol: 'X/Y', side: 'long', entryTime: T, entryPrice: 1, exitTime: T, exitPrice: 1, exitReason: 'end', bars: 1 }) as unknown as TradeRecord;
    const span = { candles: 0, firstTime: null, lastTime: null };
    const one = pnlLines(summarize([trade('a', 2), trade('a', 3)], span), [{ strategy: 'a', summary: summarize([trade('a', 2)], span) }]);
    assert.deepEqual(one, ['Trades: <b>2</b> (2 won, 0 lost) · win rate 100.0%', 'Net PnL: <b>+5</b> (fees 0.4)', 'Profit factor: — (no losing trade) · max drawdown 0']);
    const ts = [trade('a', 4), trade('b<x>', -2), trade('a', -1)];
    const many = pnlLines(summarize(ts, span), [
      { strategy: 'a', summary: summarize([ts[0]!, ts[2]!], span) },
      { strategy: 'b<x>', summary: summarize([ts[1]!], span) },
    ]);
    assert.equal(many[2], 'Profit factor: 1.33 · max drawdown 3');
    assert.deepEqual(many.slice(3), ['', 'a: 2 trades · win rate 50.0% · net +3', 'b&lt;x&gt;: 1 trades · win rate 0.0% · net -2']);
  });

  it('the candle summary of the chart fallback', () => {
    const rows = [[T, 100, 110, 95, 105], [T + 3_600_000, 105, 120, 90, 110]] as const;
    assert.equal(candleSummary(rows), 'last close 110 (2026-01-05 11:00 UTC open) · +10% over 2 candles · high 120 · low 90');
    assert.equal(candleSummary([]), 'no candles');
  });
});

describe('market-data arguments', () => {
  it('/signals [n]: default 10, 1..50, anything else refused', () => {
    assert.equal(parseSignalCount([]), 10);
    assert.equal(parseSignalCount(['1']), 1);
    assert.equal(parseSignalCount(['50']), 50);
    for (const bad of ['0', '51', 'abc', '-1', '2.5', '1e1', '99999999999', '<b>']) assert.throws(() => parseSignalCount([bad]), inputError(/whole number from 1 to 50/), bad);
    assert.throws(() => parseSignalCount(['<b>']), inputError(/"&lt;b&gt;"/));
    assert.throws(() => parseSignalCount(['1', '2']), inputError(/Usage/));
  });

  it('/pnl [7d|30d|all]: default 7d, case-insensitive, anything else refused', () => {
    assert.equal(parsePnlPeriod([]), '7d');
    assert.equal(parsePnlPeriod(['30D']), '30d');
    assert.equal(parsePnlPeriod(['all']), 'all');
    assert.throws(() => parsePnlPeriod(['1y']), inputError(/Unknown period "1y"/));
    assert.throws(() => parsePnlPeriod(['<i>']), inputError(/"&lt;i&gt;"/));
    assert.throws(() => parsePnlPeriod(['7d', 'x']), inputError(/Usage/));
    assert.equal(periodStart('7d', 8 * 86_400_000), 86_400_000);
    assert.equal(periodStart('all', 1), null);
  });

  it('/chart <SYMBOL> [timeframe]: symbol normalised and validated, timeframe among the exchange\'s', () => {
    const config = parseConfig({
      exchanges: [
        { id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '4h'] },
        { id: 'bybit', symbols: ['SOL/USDT'], timeframes: ['15m'] },
      ],
      strategies: [{ name: 'ema-cross' }],
    });
    assert.deepEqual(
      { ...parseChartArgs(['btcusdt'], config), exchange: undefined },
      { symbol: 'BTC/USDT', timeframe: '1h', exchange: undefined },
    );
    const sol = parseChartArgs(['sol-usdt', '15M'], config);
    assert.deepEqual([sol.symbol, sol.timeframe, sol.exchange.id], ['SOL/USDT', '15m', 'bybit']);
    assert.equal(parseChartArgs(['ETH/USDT', '4h'], config).timeframe, '4h');
    assert.throws(() => parseChartArgs([], config), inputError(/Usage: \/chart &lt;SYMBOL&gt;/));
    assert.throws(() => parseChartArgs(['a', 'b', 'c'], config), inputError(/Usage/));
    assert.throws(() => parseChartArgs(['DOGE/USDT'], config), inputError(/not a market the bot scans/));
    assert.throws(() => parseChartArgs(['<x>'], config), inputError(/&lt;X&gt;/));
    assert.throws(() => parseChartArgs(['all'], config), inputError(/one symbol/));
    assert.throws(() => parseChartArgs(['BTC/USDT', '15m'], config), inputError(/Unknown timeframe "15m" for BTC\/USDT: use one of 1h, 4h/));
    assert.throws(() => parseChartArgs(['BTC/USDT', '1w'], config), inputError(/Unknown timeframe/));
  });
});

describe('/chart spec (pure)', () => {
  const rows: OhlcvRow[] = Array.from({ length: 200 }, (_, i) => {
    const c = 100 + Math.sin(i / 5) * 10;
    return [T + i * 3_600_000, c - 1, c + 2, c - 2, c, 10] as const;
  });

  it('the last `count` candles with the strategy lines warmed up on all of them', () => {
    const spec = chartForMarket({ rows, title: 'BTC/USDT · 1h', timeframeMs: 3_600_000, count: 150, strategy: { strategy: emaCross, params: {} } });
    assert.ok(spec);
    assert.equal(spec.candles.length, 150);
    assert.equal(spec.candles[0]![0], rows[50]![0]);
    assert.equal(spec.candles.at(-1)![4], Number(rows[199]![4].toPrecision(10)));
    assert.deepEqual(spec.levels, {});
    assert.ok(spec.lines.length > 0);
    for (const l of spec.lines) {
      assert.equal(l.values.length, 150);
      assert.ok(l.values.every((v) => v !== null), `${l.name} warmed up before the window`);
    }
  });

  it('without a strategy: no lines; fewer than 2 candles: no spec; a bad price: CHART_DATA_INVALID', () => {
    assert.deepEqual(chartForMarket({ rows, title: 't', timeframeMs: 3_600_000, count: 5 })?.lines, []);
    assert.equal(chartForMarket({ rows: rows.slice(0, 1), title: 't', timeframeMs: 3_600_000, count: 150 }), undefined);
    const bad = [...rows.slice(0, 10), [T + 10 * 3_600_000, 1, 2, 0.5, Number.NaN, 1] as const];
    assert.throws(() => chartForMarket({ rows: bad, title: 't', timeframeMs: 3_600_000, count: 150 }), (e: unknown) => (e as { code?: string }).code === 'CHART_DATA_INVALID');
  });
});
