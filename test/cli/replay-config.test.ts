/** replayConfig: which configured strategy entry runs on which recorded timeframe. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replayConfig } from '../../lib/cli/replay.js';
import { parseConfig } from '../../lib/config/load.js';
import type { OhlcvFile } from '../../lib/backtest/ohlcv-files.js';

const series = (timeframe: string): OhlcvFile => ({ symbol: 'ETH/BTC', timeframe, rows: [] }) as unknown as OhlcvFile;

describe('replayConfig', () => {
  const config = parseConfig({
    exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h', '4h'] }],
    strategies: [
      { name: 'ema-cross', timeframes: ['1h'], params: { fast: 5, slow: 20 } },
      { name: 'ema-cross', timeframes: ['4h'], params: { fast: 9, slow: 21 } },
      { name: 'rsi-reversion', timeframes: ['4h'] },
    ],
  });
  const runs = (tfs: string[]) =>
    replayConfig(config, tfs.map(series)).strategies.map((s) => `${s.name} ${(s.params as { fast?: number }).fast ?? '-'} ${s.timeframes?.join(',')}`);

  it('runs every strategy once per recorded timeframe: the entry configured for it, else the first entry', () => {
    assert.deepEqual(runs(['5m']), ['ema-cross 5 5m', 'rsi-reversion - 5m']);
    assert.deepEqual(runs(['4h']), ['ema-cross 9 4h', 'rsi-reversion - 4h']);
    assert.deepEqual(runs(['1h', '4h', '5m']), ['ema-cross 5 1h,5m', 'ema-cross 9 4h', 'rsi-reversion - 1h,4h,5m']);
  });

  it('the result passes the config validation (no two entries of one strategy share a timeframe)', () => {
    const replayed = replayConfig(config, ['1h', '4h', '5m'].map(series));
    const strategies = replayed.strategies.map((s) => ({ name: s.name, timeframes: [...(s.timeframes ?? [])], params: { ...s.params } }));
    assert.doesNotThrow(() => parseConfig({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h', '4h', '5m'] }], strategies }));
  });
});
