import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toSignal } from '../../lib/core/signal.js';
import { isCandlebotError } from '../../lib/errors.js';
import { parseRow, rowToSignal, toRow } from '../../lib/store/signals/signal-row.js';

const T = Date.UTC(2026, 0, 5, 10);
const key = { strategy: 'ema-cross', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
const intent = { side: 'long' as const, index: 99, candleTime: T, entry: 100, stop: 97, target: 106, indicators: { atr: 2 } };
const candle = { time: T, open: 99, high: 101, low: 98, close: 100.5 };
const code = (c: string) => (e: unknown) => isCandlebotError(e) && e.code === c;

describe('signal row: the signal candle (bar)', () => {
  it('round-trips the bar through the stored row (what the outbox re-drive reads)', () => {
    const signal = toSignal(key, intent, candle);
    const back = rowToSignal(parseRow(toRow(signal, [7], T + 5000, T + 65_000, 90)));
    assert.deepEqual(back, signal);
    assert.deepEqual(back.bar, candle);
  });

  it('an old row without a bar stays valid and gives a signal without one', () => {
    const { bar: _none, ...old } = toRow(toSignal(key, intent, candle), [], T, T, 90);
    const back = rowToSignal(parseRow(old));
    assert.equal(back.bar, undefined);
    assert.ok(!('bar' in back));
  });

  it('a bar that is not the signal candle is refused: corrupt row on read, BAD_SIGNAL when built', () => {
    const row = { ...toRow(toSignal(key, intent), [], T, T, 90), bar: { ...candle, time: T - 3_600_000 } };
    assert.throws(() => parseRow(row), code('CORRUPT_ROW'));
    assert.throws(() => toSignal(key, intent, { ...candle, time: T + 1 }), code('BAD_SIGNAL'));
  });
});
