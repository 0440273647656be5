/**
 * `exchanges[].trading` (issue 15): paper by default, live only on binance, real money only
 * with confirmLive, stake ≤ budget, one quote currency per live exchange, bounds with reasons.
 * Every refusal names its path and says why.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';
import { liveExchanges, liveTradingOf, quoteCurrencyOf, tradingOf, type LiveTradingConfig } from '../../lib/config/trading-schema.js';

const LIVE = { mode: 'live', budget: 200, stake: 20, dailyLossLimit: 30 };

function config(trading: unknown, exchange: Record<string, unknown> = {}) {
  return {
    exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h'], ...(trading === undefined ? {} : { trading }), ...exchange }],
    strategies: [{ name: 'ema-cross' }],
  };
}

function refused(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_CONFIG');
    return error.message;
  }
  assert.fail(`config was accepted: ${JSON.stringify(raw)}`);
}

describe('trading config: defaults', () => {
  it('absent trading is paper, and no exchange is live', () => {
    const parsed = parseConfig(config(undefined));
    assert.deepEqual(parsed.exchanges[0]!.trading, { mode: 'paper' });
    assert.deepEqual(tradingOf(parsed.exchanges[0]!), { mode: 'paper' });
    assert.equal(liveTradingOf(parsed.exchanges[0]!), undefined);
    assert.deepEqual(liveExchanges(parsed), []);
  });

  it('mode paper needs nothing else, and live-only settings next to it are validated but not kept', () => {
    assert.deepEqual(parseConfig(config({ mode: 'paper' })).exchanges[0]!.trading, { mode: 'paper' });
    // Switching back to paper by one line keeps the rest of the block valid.
    assert.deepEqual(parseConfig(config({ ...LIVE, mode: 'paper', sandbox: false })).exchanges[0]!.trading, { mode: 'paper' });
    assert.match(refused(config({ mode: 'paper', stake: 'lots' })), /exchanges\[0\]\.trading\.stake: .*expected number/);
  });

  it('live fills every default, is frozen, and is listed by liveExchanges with its quote currency', () => {
    const parsed = parseConfig({
      ...config(LIVE),
      exchanges: [...config(LIVE).exchanges, { id: 'bybit', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
    });
    const expected: LiveTradingConfig = {
      mode: 'live',
      sandbox: true,
      confirmLive: false,
      budget: 200,
      stake: 20,
      maxOpenPositions: 5,
      dailyLossLimit: 30,
      maxDrawdown: 0.25,
      cooldownMinutes: 60,
      entrySlippageBps: 20,
      entryTimeoutMinutes: 15,
      stopLimitBps: 50,
      exitOnProtectionFailure: true,
    };
    assert.deepEqual(parsed.exchanges[0]!.trading, expected);
    assert.ok(Object.isFrozen(parsed.exchanges[0]!.trading));
    assert.deepEqual(liveExchanges(parsed).map((e) => e.id), ['binance']);
    assert.deepEqual(liveTradingOf(parsed.exchanges[0]!), expected);
    assert.equal(quoteCurrencyOf(parsed.exchanges[0]!), 'USDT');
  });

  it('real money with confirmLive: true is accepted', () => {
    const trading = liveTradingOf(parseConfig(config({ ...LIVE, sandbox: false, confirmLive: true })).exchanges[0]!);
    assert.equal(trading?.sandbox, false);
    assert.equal(trading?.confirmLive, true);
  });

  it('the commented-out example in candlebot.config.example.yml, uncommented, is the contract example and parses', () => {
    const text = readFileSync(new URL('../../candlebot.config.example.yml', import.meta.url), 'utf8');
    const uncommented = text.replace(/^ {4}# (trading:|  [a-zA-Z]+: .*)$/gm, '    $1');
    assert.notEqual(uncommented, text);
    const parsed = parseConfig(parseYaml(uncommented));
    const binance = parsed.exchanges.find((e) => e.id === 'binance')!;
    assert.deepEqual(binance.trading, {
      mode: 'live', sandbox: true, confirmLive: false, budget: 200, stake: 20, dailyLossLimit: 30, maxOpenPositions: 5, maxDrawdown: 0.25,
      cooldownMinutes: 60, entrySlippageBps: 20, entryTimeoutMinutes: 15, stopLimitBps: 50, exitOnProtectionFailure: true,
    });
    assert.deepEqual(liveExchanges(parsed).map((e) => e.id), ['binance']);
  });
});

describe('trading config: refusals name the path and say why', () => {
  it('live on an exchange other than binance: implemented and tested for binance spot only', () => {
    const message = refused(config(LIVE, { id: 'bybit' }));
    assert.match(message, /exchanges\[0\]\.trading\.mode: live is not available for "bybit": live trading is implemented and tested for binance spot only/);
  });

  it('live without the sandbox and without confirmLive: real money', () => {
    for (const trading of [{ ...LIVE, sandbox: false }, { ...LIVE, sandbox: false, confirmLive: false }]) {
      const message = refused(config(trading));
      assert.match(message, /exchanges\[0\]\.trading\.confirmLive: must be true for mode live with sandbox false: REAL MONEY would be traded/);
      assert.match(message, /sandbox: true to use the testnet, or confirmLive: true/);
    }
  });

  it('live without budget, stake or daily loss limit: each one named with what it is', () => {
    const message = refused(config({ mode: 'live' }));
    assert.match(message, /trading\.budget: is required for mode live \(the quote currency the bot may commit/);
    assert.match(message, /trading\.stake: is required for mode live \(the quote currency per trade, at most the budget\)/);
    assert.match(message, /trading\.dailyLossLimit: is required for mode live \(the quote currency the bot may lose in one UTC day/);
  });

  it('stake above the budget, and a daily loss limit above the budget', () => {
    assert.match(refused(config({ ...LIVE, stake: 250 })), /trading\.stake: 250 is more than budget \(200\): not even the first order could be placed/);
    assert.match(refused(config({ ...LIVE, dailyLossLimit: 201 })), /trading\.dailyLossLimit: 201 is more than budget \(200\): the limit could never be reached/);
  });

  it('symbols of a live exchange in two quote currencies: the budget is one currency', () => {
    const message = refused(config(LIVE, { symbols: ['BTC/USDT', 'ETH/BTC', 'SOL/USDT'] }));
    assert.match(message, /exchanges\[0\]\.symbols\[1\]: "ETH\/BTC" is quoted in BTC, not USDT: .*every symbol must share it \(quotes here: USDT, BTC\)/);
    // The same symbols on paper are fine.
    assert.equal(parseConfig(config(undefined, { symbols: ['BTC/USDT', 'ETH/BTC'] })).exchanges[0]!.symbols.length, 2);
  });

  it('a stake below the exchange minimum in a USD stablecoin; other quotes only need the ledger minimum', () => {
    assert.match(refused(config({ ...LIVE, stake: 4.99 })), /trading\.stake: must be at least 5 USDT: Binance refuses orders below 5 USDT/);
    const btc = parseConfig(config({ mode: 'live', budget: 0.01, stake: 0.0002, dailyLossLimit: 0.001 }, { symbols: ['ETH/BTC'] }));
    assert.equal(liveTradingOf(btc.exchanges[0]!)?.stake, 0.0002);
    assert.match(refused(config({ ...LIVE, budget: 1e-7 })), /trading\.budget: must be at least 0\.000001 \(budget amounts are rounded to 1e-10/);
  });

  it('bounds: each with its reason', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ budget: 100_001 }, /trading\.budget: must be at most 100000: the live budget is kept to 10 decimal places/],
      [{ maxOpenPositions: 51 }, /trading\.maxOpenPositions: must be at most 50: reconcile checks every open position/],
      [{ maxOpenPositions: 0 }, /trading\.maxOpenPositions: /],
      [{ maxDrawdown: 1 }, /trading\.maxDrawdown: must be less than 1 \(a fraction of the peak equity: 1 would never stop/],
      [{ maxDrawdown: 0 }, /trading\.maxDrawdown: must be more than 0/],
      [{ dailyLossLimit: 0 }, /trading\.dailyLossLimit: must be more than 0 \(a loss limit of 0 would refuse every entry\)/],
      [{ cooldownMinutes: 10_081 }, /trading\.cooldownMinutes: must be at most 10080 \(one week\)/],
      [{ entrySlippageBps: 501 }, /trading\.entrySlippageBps: must be at most 500 \(5 %\): a limit that far above the signal's price is a market order/],
      [{ entryTimeoutMinutes: 0 }, /trading\.entryTimeoutMinutes: must be at least 1 \(reconcile, which cancels the rest, runs once a minute\)/],
      [{ entryTimeoutMinutes: 1441 }, /trading\.entryTimeoutMinutes: must be at most 1440 \(one day\)/],
      [{ stopLimitBps: 0 }, /trading\.stopLimitBps: must be more than 0: a stop-limit at exactly its trigger is often not filled/],
      [{ stopLimitBps: 1001 }, /trading\.stopLimitBps: must be at most 1000 \(10 %\)/],
      [{ mode: 'real' }, /trading\.mode: /],
      [{ leverage: 3 }, /trading: .*leverage/],
    ];
    for (const [patch, pattern] of cases) {
      assert.match(refused(config({ ...LIVE, ...patch })), pattern, JSON.stringify(patch));
    }
  });
});
