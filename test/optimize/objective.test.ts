import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../lib/backtest/engine.js';
import { combineResults } from '../../lib/backtest/summary.js';
import type { Trade } from '../../lib/backtest/types.js';
import { emaCross } from '../../lib/core/strategies/ema-cross.js';
import { compareScored, mergeByExitTime, metricsOf, rankOf, scoreOf, tradeSharpe } from '../../lib/optimize/objective.js';
import { loadCandles } from '../core/reference.js';

function trade(exitTime: number, pnl: number, symbol = 'A/B'): Trade {
  return { symbol, side: 'long', entryTime: exitTime - 1, entryPrice: 1, exitTime, exitPrice: 1, exitReason: 'target', pnl, fees: 0.1, bars: 1 };
}

describe('tradeSharpe', () => {
  it('is mean / sample sd of pnl/stake times sqrt(N), on a hand-made list', () => {
    // r = 0.02, -0.01, 0.03, 0: mean 0.01, sample variance 0.001 / 3 → 0.01 / sqrt(1/3000) · 2 = sqrt(1.2)
    const trades = [2, -1, 3, 0].map((p, i) => trade(i, p));
    assert.ok(Math.abs(tradeSharpe(trades, 100)! - Math.sqrt(1.2)) < 1e-12, String(tradeSharpe(trades, 100)));
    // scale-free: pnl and stake scaled together give the same value; a losing mirror is negated
    assert.ok(Math.abs(tradeSharpe([20, -10, 30, 0].map((p, i) => trade(i, p)), 1000)! - Math.sqrt(1.2)) < 1e-12);
    assert.ok(Math.abs(tradeSharpe([-2, 1, -3, 0].map((p, i) => trade(i, p)), 100)! + Math.sqrt(1.2)) < 1e-12);
    // more trades with the same mean and spread score higher (√N)
    const twice = [2, -1, 3, 0, 2, -1, 3, 0].map((p, i) => trade(i, p));
    assert.ok(tradeSharpe(twice, 100)! > tradeSharpe(trades, 100)!);
  });

  it('is null with fewer than 2 trades or no spread', () => {
    assert.equal(tradeSharpe([], 100), null);
    assert.equal(tradeSharpe([trade(1, 5)], 100), null);
    assert.equal(tradeSharpe([trade(1, 5), trade(2, 5), trade(3, 5)], 100), null);
    assert.equal(tradeSharpe([trade(1, 0.07), trade(2, 0.07), trade(3, 0.07)], 3), null, 'no rounding residue');
  });
});

describe('metricsOf', () => {
  it('merges series in exit-time order, ties by series order, like combineResults', () => {
    const a = { trades: [trade(10, 5, 'A'), trade(30, -2, 'A')] };
    const b = { trades: [trade(10, -4, 'B'), trade(20, 1, 'B')] };
    assert.deepEqual(mergeByExitTime([a, b]).map((t) => [t.exitTime, t.symbol]), [[10, 'A'], [10, 'B'], [20, 'B'], [30, 'A']]);
    const m = metricsOf([a, b], 100);
    // equity 5, 1, 2, 0: drawdown 5 (B first would give 4)
    assert.deepEqual(
      { ...m, sharpe: null },
      { trades: 4, wins: 2, losses: 2, winRate: 0.5, netProfit: 0, grossProfit: 6, grossLoss: -6, profitFactor: 1, maxDrawdown: 5, fees: 0.4, sharpe: null },
    );
    assert.ok(Math.abs(m.sharpe!) < 1e-12, String(m.sharpe));
    assert.equal(metricsOf([b, a], 100).maxDrawdown, 4);
    assert.equal(metricsOf([{ trades: [trade(1, 3), trade(2, 4)] }], 100).profitFactor, null, 'no losing trade');
  });

  it('equals combineResults on real series (same order, same sums)', () => {
    const eth = loadCandles('ETH_BTC-5m.json');
    const ltc = loadCandles('LTC_BTC-5m.json');
    const params = emaCross.params.parse({ fast: 5, slow: 13 });
    const results = [
      runBacktest({ symbol: 'ETH/BTC', timeframe: '5m', candles: eth, strategy: emaCross, params, stake: 100, feeRate: 0.001 }),
      runBacktest({ symbol: 'LTC/BTC', timeframe: '5m', candles: ltc, strategy: emaCross, params, stake: 100, feeRate: 0.001 }),
    ];
    const combined = combineResults(results);
    assert.deepEqual(mergeByExitTime(results), combined.trades);
    const { candles: _c, firstTime: _f, lastTime: _l, ...summary } = combined.summary;
    const { sharpe, ...m } = metricsOf(results, 100);
    assert.deepEqual(m, summary);
    assert.equal(sharpe, tradeSharpe(combined.trades, 100));
  });
});

describe('ranking', () => {
  it('orders by score descending, null last, ties by grid index', () => {
    const all = [
      { index: 3, score: 1 },
      { index: 1, score: null },
      { index: 2, score: 1 },
      { index: 0, score: 2 },
      { index: 4, score: -1 },
    ].sort(compareScored);
    assert.deepEqual(all.map((s) => s.index), [0, 2, 3, 4, 1]);
    assert.deepEqual([0, 2, 3, 4, 1].map((i) => rankOf(all, i)), [1, 2, 3, 4, 5]);
  });

  it('reads the objective from the metrics', () => {
    const m = metricsOf([{ trades: [trade(1, 3), trade(2, -1), trade(3, 2)] }], 100);
    assert.equal(scoreOf(m, 'netProfit'), 4);
    assert.equal(scoreOf(m, 'profitFactor'), 5);
    assert.equal(scoreOf(m, 'sharpe'), m.sharpe);
  });
});

describe('returnDd objective', () => {
  const m = (trades: number[]) => metricsOf([{ trades: trades.map((p, i) => trade(i, p)) }], 100);
  it('is netProfit − λ · maxDrawdown; zero drawdown scores the profit; no trade is unranked', () => {
    // equity 5, 2, 6, 1: peak 6 → drawdown 5; net 1
    assert.equal(scoreOf(m([5, -3, 4, -5]), 'returnDd', 1), 1 - 5);
    assert.equal(scoreOf(m([5, -3, 4, -5]), 'returnDd', 0.5), 1 - 2.5);
    assert.equal(scoreOf(m([5, -3, 4, -5]), 'returnDd', 0), scoreOf(m([5, -3, 4, -5]), 'netProfit'));
    assert.equal(scoreOf(m([2, 3]), 'returnDd'), 5, 'every trade won: no drawdown, no division by zero');
    assert.equal(scoreOf(m([]), 'returnDd'), null);
    assert.equal(scoreOf(m([-1]), 'returnDd', 1), -2, 'a first losing trade is a drawdown from 0');
  });
});
