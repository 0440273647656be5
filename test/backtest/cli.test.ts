/** `npm run backtest`: spawned as users run it; --json output shape, tables, and the exit-2 error paths. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '../../lib/backtest/engine.js';
import { emaCross } from '../../lib/core/strategies/ema-cross.js';
import { loadCandles } from '../core/reference.js';
import { ROOT, runCli } from '../support/run-cli.js';

const ETH = 'test/fixtures/ohlcv/ETH_BTC-5m.json';
const REPLAY = 'test/fixtures/replay';

const cli = (...args: string[]) => runCli('lib/cli/backtest.ts', args, 60_000);

const TRADE_KEYS = ['entryPrice', 'entryTime', 'exitPrice', 'exitReason', 'exitTime', 'pnl', 'side', 'symbol'];
const SUMMARY_KEYS = ['candles', 'fees', 'firstTime', 'grossLoss', 'grossProfit', 'lastTime', 'losses', 'maxDrawdown', 'netProfit', 'profitFactor', 'trades', 'winRate', 'wins'];

describe('backtest CLI', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'candlebot-backtest-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: stdout is exactly one JSON document with the documented keys, equal to the engine', async () => {
    const out = await cli('--data', ETH, '--strategy', 'ema-cross', '--json');
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, '');
    const doc = JSON.parse(out.stdout) as { trades: Array<Record<string, unknown>>; summary: Record<string, unknown> };
    assert.deepEqual(Object.keys(doc).sort(), ['summary', 'trades']);
    assert.deepEqual(Object.keys(doc.summary).sort(), SUMMARY_KEYS);
    for (const t of doc.trades) {
      assert.deepEqual(Object.keys(t).sort(), TRADE_KEYS);
      assert.equal(typeof t.entryTime, 'number');
      assert.equal(typeof t.exitTime, 'number');
    }
    const r = runBacktest({ symbol: 'ETH/BTC', timeframe: '5m', candles: loadCandles('ETH_BTC-5m.json'), strategy: emaCross, params: emaCross.params.parse({}), stake: 0.001, feeRate: 0.001 }); // no --stake: the BTC default
    assert.deepEqual(doc.summary, r.summary);
    assert.deepEqual(doc.trades, r.trades.map(({ fees: _f, bars: _b, stop: _s, target: _t, ...t }) => t));
  });

  it('--json over a directory: all trades by exit time, flags and params applied', async () => {
    const out = await cli('--data', REPLAY, '--strategy', 'ema-cross', '--param', 'fast=5', '--param', 'slow=13', '--fee', '0', '--stake', '10', '--slippage-bps', '2', '--json');
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout) as { trades: Array<{ symbol: string; exitTime: number; pnl: number }>; summary: { trades: number; candles: number; fees: number; netProfit: number } };
    assert.equal(doc.summary.trades, doc.trades.length);
    assert.equal(doc.summary.candles, 1800);
    assert.equal(doc.summary.fees, 0);
    assert.deepEqual(new Set(doc.trades.map((t) => t.symbol)), new Set(['ETH/BTC', 'LTC/BTC', 'XLM/BTC']));
    for (let k = 1; k < doc.trades.length; k++) assert.ok(doc.trades[k]!.exitTime >= doc.trades[k - 1]!.exitTime);
    assert.ok(Math.abs(doc.summary.netProfit - doc.trades.reduce((s, t) => s + t.pnl, 0)) < 1e-9);
  });

  it('without --json: a table with a row per series and a total', async () => {
    const out = await cli('--data', REPLAY, '--strategy', 'rsi-reversion', '--html', join(dir, 'report.html'));
    assert.equal(out.code, 0, out.stderr);
    assert.ok(existsSync(join(dir, 'report.html')), 'the HTML report is written where asked');
    for (const label of ['ETH/BTC 5m', 'LTC/BTC 5m', 'XLM/BTC 5m', 'TOTAL', 'profit factor', 'max drawdown']) assert.ok(out.stdout.includes(label), label);
    // numbers: the currency named, the BTC default stake, signed % returns and buy & hold, no exponent notation
    assert.match(out.stdout, /stake 0\.001 BTC per trade \(default for the quote currency\)/);
    for (const label of ['net profit (BTC)', 'max drawdown (BTC)', 'fees (BTC)', 'return', 'buy & hold']) assert.ok(out.stdout.includes(label), label);
    assert.doesNotMatch(out.stdout, /\d[eE][-+]?\d/);
    assert.match(out.stdout, /TOTAL .* [-+]\d+\.\d\d% +[-+]\d+\.\d\d%/);
  });

  it('--stake: defaults by quote currency; required when there is none for it', async () => {
    copyFileSync(join(ROOT, 'test/fixtures/replay/ETH_BTC-5m.json'), join(dir, 'ETH_XYZ-5m.json'));
    const out = await cli('--data', join(dir, 'ETH_XYZ-5m.json'), '--strategy', 'ema-cross', '--json');
    assert.equal(out.code, 2);
    assert.match(out.stderr, /--stake is required: no default stake for quote currency "XYZ"/);
    const ok = await cli('--data', join(dir, 'ETH_XYZ-5m.json'), '--strategy', 'ema-cross', '--stake', '5', '--json');
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('reports gaps on stderr and still uses the rows as given', async () => {
    copyFileSync(join(ROOT, 'test/fixtures/ohlcv/GAPPY_BTC-1m.first2000.json'), join(dir, 'GAPPY_BTC-1m.json'));
    const out = await cli('--data', join(dir, 'GAPPY_BTC-1m.json'), '--strategy', 'ema-cross', '--json');
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /^GAPPY\/BTC 1m .*\d+ gap\(s\), \d+ missing candle\(s\).*rows used as given\n$/);
    assert.equal((JSON.parse(out.stdout) as { summary: { candles: number } }).summary.candles, 2000);
  });

  it('bad input: one line on stderr, exit code 2, nothing on stdout', async () => {
    writeFileSync(join(dir, 'BAD_JSON-5m.json'), '[[1, 2, 3');
    writeFileSync(join(dir, 'NEG_PRICE-5m.json'), JSON.stringify([[1515560100000, 1, 1, -1, 1, 1]]));
    writeFileSync(join(dir, 'NOT_ROWS-5m.json'), JSON.stringify({ rows: [] }));
    const cases: Array<[string[], RegExp]> = [
      [['--data', ETH, '--strategy', 'nope'], /Unknown strategy "nope"/],
      [['--data', ETH, '--strategy', 'ema-cross', '--param', 'fast=30'], /fast period must be smaller than slow period/],
      [['--data', ETH, '--strategy', 'ema-cross', '--param', 'fast=x'], /bad --param.*fast/],
      [['--data', ETH, '--strategy', 'ema-cross', '--param', 'speed=3'], /bad --param.*speed/],
      [['--data', ETH, '--strategy', 'ema-cross', '--param', 'fast'], /key=value/],
      [['--data', 'no/such/file.json', '--strategy', 'ema-cross'], /no such file or directory/],
      [['--data', join(dir, 'BAD_JSON-5m.json'), '--strategy', 'ema-cross'], /not valid JSON/],
      [['--data', join(dir, 'NEG_PRICE-5m.json'), '--strategy', 'ema-cross'], /Invalid candle at index 0.*must be > 0/],
      [['--data', join(dir, 'NOT_ROWS-5m.json'), '--strategy', 'ema-cross'], /expected an array/],
      [['--data', 'package.json', '--strategy', 'ema-cross'], /expected a file name like/],
      [['--data', ETH, '--strategy', 'ema-cross', '--bogus'], /Unknown option '--bogus'/],
      [['--data', ETH, '--strategy', 'ema-cross', '--fee', 'abc'], /--fee must be a number/],
      [['--data', ETH, '--strategy', 'ema-cross', '--fee', '0.5'], /--fee must be ≤ 0.05, got 0.5/],
      [['--data', ETH, '--strategy', 'ema-cross', '--stake', '0'], /--stake must be > 0/],
      [['--strategy', 'ema-cross'], /--data .* is required/],
      [['--data', ETH], /--strategy .* is required/],
    ];
    const outs = await Promise.all(cases.map(([args]) => cli(...args)));
    outs.forEach((out, k) => {
      const [args, message] = cases[k]!;
      const label = args.join(' ');
      assert.equal(out.code, 2, `${label}: exit ${out.code}, stderr ${out.stderr}`);
      assert.equal(out.stdout, '', label);
      const lines = out.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `${label}: ${out.stderr}`);
      assert.match(lines[0]!, /^candlebot backtest: /);
      assert.match(lines[0]!, message, label);
    });
  });
});
