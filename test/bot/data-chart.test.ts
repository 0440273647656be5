/** /chart through the real ccxt adapter against the Binance simulator, markets cached in DynamoDB Local, rendered by lib/chart. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandInputError, type BotCommand } from '../../lib/bot/command.js';
import { marketDataCommands, type MarketDataDeps } from '../../lib/bot/market-data-commands.js';
import { createMarketDataDeps } from '../../lib/runtime/bot-commands.js';
import { parseConfig } from '../../lib/config/load.js';
import { formatPrice } from '../../lib/core/format.js';
import { lastClosedOpenTime } from '../../lib/core/timeframe.js';
import type { ChartSpec } from '../../lib/core/notification.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { recordingLog } from '../positions/fixture.js';
import { recordingContext, runCommand, textOf } from './data-fixture.js';
import { wiringInput } from './data-fixture.js';

const NOW = Date.UTC(2026, 10, 20, 12, 30);
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

describe('/chart (exchange simulator, DynamoDB Local, real renderer)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let deps: MarketDataDeps;
  const specs: ChartSpec[] = [];
  const log = recordingLog();
  const commandWith = (d: MarketDataDeps): BotCommand => marketDataCommands(d).find((c) => c.name === 'chart')!;

  before(async () => {
    r = await testResources('bot-chart');
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: NOW, seed: 3 });
    const config = parseConfig({
      // DOGE/USDT is scanned but the simulated exchange does not list it.
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'DOGE/USDT'], timeframes: ['1h', '4h'], apiBase: sim.url, timeoutMs: 1000 }],
      strategies: [{ name: 'ema-cross', timeframes: ['1h'] }],
    });
    const real = createMarketDataDeps(wiringInput(r, config, testClock(NOW), log));
    deps = {
      ...real,
      renderChart: async (spec) => {
        specs.push(spec);
        return real.renderChart(spec);
      },
    };
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('sends the PNG of the last 150 closed candles with the strategy lines, caption with the last close', async () => {
    const reply = await runCommand(commandWith(deps), ['btcusdt'], NOW);
    assert.equal(reply.kind, 'photo');
    if (reply.kind !== 'photo') return;
    assert.deepEqual([...reply.png.subarray(0, 4)], PNG_MAGIC);
    assert.ok(reply.png.length > 10_000, `${reply.png.length} bytes`);
    const spec = specs.at(-1)!;
    assert.equal(spec.candles.length, 150);
    assert.equal(spec.candles.at(-1)![0], lastClosedOpenTime(NOW, '1h'), 'ends on the last CLOSED candle');
    assert.equal(spec.timeframeMs, 3_600_000);
    assert.ok(spec.lines.length > 0 && spec.lines.every((l) => l.values.length === 150 && l.values.every((v) => v !== null)));
    assert.ok(reply.caption.startsWith('<b>BTC/USDT · 1h · binance</b>\nlast close '), reply.caption);
    assert.ok(reply.caption.includes(`last close ${formatPrice(spec.candles.at(-1)![4])} `), reply.caption);
    assert.ok(reply.caption.length <= 1024);
  });

  it('another configured timeframe: no strategy trades 4h, so candles only', async () => {
    const reply = await runCommand(commandWith(deps), ['ETH/USDT', '4h'], NOW);
    assert.equal(reply.kind, 'photo');
    const spec = specs.at(-1)!;
    assert.deepEqual(spec.lines, []);
    assert.equal(spec.candles.at(-1)![0], lastClosedOpenTime(NOW, '4h'));
  });

  it('unknown symbol, "all" and a timeframe that is not configured are refused before any request', async () => {
    const before = sim.hits.klines;
    for (const [args, pattern] of [
      [['SHIB/USDT'], /SHIB\/USDT is not a market the bot scans/],
      [['all'], /one symbol/],
      [['BTC/USDT', '15m'], /Unknown timeframe "15m" for BTC\/USDT: use one of 1h, 4h/],
      [['BTC/USDT', 'x<y'], /Unknown timeframe "x&lt;y"/],
      [[], /Usage/],
    ] as const) {
      const ctx = recordingContext(args, NOW);
      await assert.rejects(commandWith(deps).run(ctx), (e: unknown) => e instanceof CommandInputError && pattern.test(e.message), args.join(' '));
      assert.equal(ctx.replies.length, 0);
    }
    assert.equal(sim.hits.klines, before);
  });

  it('a scanned symbol the exchange does not list: says so', async () => {
    assert.deepEqual(await runCommand(commandWith(deps), ['DOGE/USDT'], NOW), { kind: 'text', html: 'DOGE/USDT is not listed on binance at the moment.' });
  });

  it('the exchange failing (5xx, or no answer in time): a clear "try later" reply, logged', async () => {
    sim.setFault('BTC/USDT', { kind: 'status', status: 502 });
    try {
      assert.deepEqual(await runCommand(commandWith(deps), ['BTC/USDT'], NOW), { kind: 'text', html: 'The exchange (binance) is unavailable right now; try again later.' });
      sim.setFault('BTC/USDT', { kind: 'timeout' });
      const started = Date.now();
      const reply = await runCommand(commandWith({ ...deps, chartTimeoutMs: 300 }), ['BTC/USDT'], NOW);
      // Bounded (the sim never answers): a hang would run into the test's timeout; 20 s holds under load.
      assert.ok(Date.now() - started < 20_000);
      assert.match(textOf(reply), /unavailable right now; try again later/);
      assert.ok(log.lines.filter((l) => l.message === 'chart: exchange unavailable').length >= 2);
    } finally {
      sim.setFault('BTC/USDT', undefined);
    }
  });

  it('a chart that cannot be rendered: a text summary of the same candles instead', async () => {
    const broken: MarketDataDeps = {
      ...deps,
      renderChart: () => {
        throw new Error('resvg exploded');
      },
    };
    const reply = await runCommand(commandWith(broken), ['BTC/USDT'], NOW);
    assert.equal(reply.kind, 'text');
    const spec = specs[0]!;
    assert.match(textOf(reply), new RegExp(`^<b>BTC/USDT · 1h · binance</b>\\nlast close ${formatPrice(spec.candles.at(-1)![4]).replace('.', '\\.')} .* over 150 candles .*\\n<i>The chart could not be drawn\\.</i>$`));
    assert.ok(log.lines.some((l) => l.message === 'chart: not rendered, sending text' && String(l.extra?.['error']).includes('resvg exploded')));
  });
});
