/**
 * One strategy may run as several config entries on different timeframes (with different
 * params). The bot's commands treat the strategy by name: its timeframes are the union of its
 * entries, and it is listed once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../lib/config/load.js';
import { strategyNames, strategyTimeframes } from '../../lib/config/schema.js';
import { parseSubscriptionArgs } from '../../lib/bot/commands/subscription-args.js';
import { CommandInputError } from '../../lib/bot/command.js';

const config = parseConfig({
  exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['15m', '1h', '4h'] }],
  strategies: [
    { name: 'ema-cross', timeframes: ['1h'], params: { fast: 5, slow: 20 } },
    { name: 'rsi-reversion', timeframes: ['4h'] },
    { name: 'ema-cross', timeframes: ['4h'], params: { fast: 9, slow: 21 } },
  ],
});
const usage = '/subscribe <SYMBOL|all> [strategy] [timeframe]';

describe('a strategy configured as several entries', () => {
  it('is named once, in config order, and runs on the union of its entries\' timeframes', () => {
    assert.deepEqual(strategyNames(config), ['ema-cross', 'rsi-reversion']);
    assert.deepEqual(strategyTimeframes(config, 'ema-cross'), ['1h', '4h']);
    assert.deepEqual(strategyTimeframes(config, 'rsi-reversion'), ['4h']);
  });

  it('/subscribe accepts it on the timeframe of any of its entries and refuses the others by name', () => {
    for (const tf of ['1h', '4h']) {
      assert.deepEqual(parseSubscriptionArgs(['BTC/USDT', 'ema-cross', tf], config, { usage, markets: ['BTC/USDT'] }), {
        symbol: 'BTC/USDT',
        strategy: 'ema-cross',
        timeframe: tf,
      });
    }
    assert.throws(
      () => parseSubscriptionArgs(['BTC/USDT', 'ema-cross', '15m'], config, { usage, markets: ['BTC/USDT'] }),
      (e: unknown) => e instanceof CommandInputError && /ema-cross does not run on 15m; it runs on 1h, 4h/.test(e.message),
    );
  });

  it('an entry without timeframes makes the strategy run on every scanned timeframe', () => {
    const everywhere = parseConfig({
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['15m', '1h'] }],
      strategies: [{ name: 'ema-cross' }],
    });
    assert.equal(strategyTimeframes(everywhere, 'ema-cross'), undefined);
    assert.equal(parseSubscriptionArgs(['BTC/USDT', 'ema-cross', '15m'], everywhere, { usage, markets: ['BTC/USDT'] }).timeframe, '15m');
  });
});
