/**
 * The exit rule through reconcile's real wiring (lib/runtime/reconcile.ts): the registry's
 * strategy (the tutorial's `rsi-trend`, which has an exit rule), the candles through the ccxt
 * public port the runtime builds (markets kept in the container), keys from the local variables,
 * DynamoDB Local, the SQS emulator and the Binance simulator. The run evaluates the rule on the
 * candles closed since the signal's: the position is either sold (reason rule, with a note) or
 * still open with the last closed candle recorded as checked — and with ema-cross (no rule) the
 * same run fetches no candle.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../lib/config/load.js';
import { toSignal } from '../../lib/core/signal.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { silentLog } from '../../lib/ports/log.js';
import { createReconcileRuntime } from '../../lib/runtime/reconcile.js';
import { createDynamoLiveStore } from '../../lib/store/live/live-store.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { candleBefore, HOUR } from './fixture.js';

const KEYS = { apiKey: 'rule-runtime-key', secret: 'rule-runtime-secret' };

describe('live exit rule through the reconcile runtime (registry strategy, ccxt candles port → Binance simulator)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let env: Record<string, string>;
  const raw = (strategy: string) => ({
    exchanges: [
      {
        id: 'binance',
        symbols: ['BTC/USDT', 'ETH/USDT'],
        timeframes: ['1h'],
        apiBase: sim.url,
        timeoutMs: 5000,
        trading: { mode: 'live', sandbox: true, budget: 500, stake: 50, dailyLossLimit: 100, entryTimeoutMinutes: 15 },
      },
    ],
    strategies: [{ name: strategy }],
    scan: { candles: 300 },
    telegram: { adminChatIds: [901] },
  });

  before(async () => {
    r = await testResources('live-exit-rule-runtime');
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: Date.now(), account: { ...KEYS, balances: { USDT: 10_000 } } });
    sim.setPrice('BTC/USDT', 100);
    sim.setPrice('ETH/USDT', 50);
    env = { ...r.env, LIVE_TABLE: r.tables['LiveTable']!, CANDLEBOT_BINANCE_API_KEY: KEYS.apiKey, CANDLEBOT_BINANCE_SECRET: KEYS.secret };
  });
  after(async () => {
    await sim?.close();
    r?.close();
  });

  const openSignal = async (strategy: string, symbol: string, entry: number) => {
    const runtime = createReconcileRuntime(env, parseConfig(raw(strategy)), [901]);
    const candleTime = candleBefore(Date.now()) - 2 * HOUR;
    const signal = toSignal({ strategy, exchange: 'binance', symbol, timeframe: '1h' }, { side: 'long', index: 99, candleTime, entry, stop: entry * 0.97, target: entry * 1.06, indicators: { atr: entry * 0.01 } });
    const opened = await createLiveOpener(runtime.deps({ log: silentLog, remainingMs: () => 50_000 })).open(signal);
    assert.equal(opened.status, 'opened', JSON.stringify(opened));
    return { runtime, signal };
  };

  it('rsi-trend (exit rule): one klines request, the rule evaluated on the closed candles since the signal (sold with a note, or checked up to the last closed one)', async () => {
    const { runtime, signal } = await openSignal('rsi-trend', 'BTC/USDT', 100);
    const klines = sim.hits.klines;
    const lastClosed = candleBefore(Date.now());
    const run = await runReconcile(runtime.deps({ log: silentLog, remainingMs: () => 50_000 }));
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.equal(sim.hits.klines - klines, 1, 'one candles request for the position');
    const read = await createDynamoLiveStore({ client: r.doc, table: r.tables['LiveTable']! }).getPosition(signal.id);
    assert.ok(read?.ok);
    const p = read.value;
    if (p.status === 'closed') {
      assert.equal(p.exit?.reason, 'rule');
      assert.ok(p.exit?.note !== undefined && p.exit.note.length >= 1 && p.exit.note.length <= 40, JSON.stringify(p.exit));
    } else {
      assert.equal(p.status, 'open');
      assert.ok(p.ruleCheckedAt !== undefined && p.ruleCheckedAt >= lastClosed && p.ruleCheckedAt > signal.candleTime, `ruleCheckedAt ${p.ruleCheckedAt}`);
    }
  });

  it('ema-cross (no exit rule): the same run fetches no candle', async () => {
    const { runtime, signal } = await openSignal('ema-cross', 'ETH/USDT', 50);
    const klines = sim.hits.klines;
    const run = await runReconcile(runtime.deps({ log: silentLog, remainingMs: () => 50_000 }));
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.equal(sim.hits.klines, klines);
    const read = await createDynamoLiveStore({ client: r.doc, table: r.tables['LiveTable']! }).getPosition(signal.id);
    assert.ok(read?.ok);
    assert.deepEqual([read.value.status, read.value.ruleCheckedAt], ['open', undefined]);
  });
});
