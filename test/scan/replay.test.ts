import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { replayConfig, replayFiles } from '../../lib/cli/replay.js';
import { parseConfig } from '../../lib/config/load.js';
import { candlesFromRows, type OhlcvRow } from '../../lib/core/candle.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import { signalId } from '../../lib/core/signal.js';
import { silentLog } from '../../lib/ports/log.js';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { runtimeFor } from '../support/scan-fixture.js';
import { tempDir } from '../support/temp-dir.js';

describe('replay drives the live scan pipeline and matches the pure core', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('replay');
  });
  after(() => r.close());

  it('records exactly the signals evaluateAll finds on the same real candles, each notified once', async () => {
    const files = readOhlcvFiles('test/fixtures/replay').filter((f) => f.symbol === 'ETH/BTC');
    const fileConfig = parseConfig({
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
      strategies: [{ name: 'ema-cross' }, { name: 'rsi-reversion' }],
      scan: { candles: 100 },
      telegram: { adminChatIds: [9] },
    });
    const config = replayConfig(fileConfig, files);
    const summary = await replayFiles(runtimeFor(r, config), files, silentLog);

    const rows = files[0]!.rows as unknown as OhlcvRow[];
    const warmup = Math.max(...config.strategies.map((s) => s.warmup));
    const expected: string[] = [];
    for (const s of config.strategies) {
      // Live scans see the last `scan.candles` closed candles; the indicators' seeds differ with
      // the window, so the reference uses the same windows, evaluated strategy by strategy.
      // `warmup` is the fewest closed candles a strategy can fire on: the first close that can signal is candle warmup − 1's.
      for (let i = warmup - 1; i < rows.length; i++) {
        const window = rows.slice(Math.max(0, i + 1 - config.scan.candles), i + 1);
        const intent = getStrategy(s.name).evaluate(candlesFromRows(window), s.params, rows[i + 1]?.[1]);
        if (intent && intent.index === window.length - 1) {
          expected.push(signalId({ strategy: s.name, exchange: 'replay', symbol: 'ETH/BTC', timeframe: '5m', candleTime: rows[i]![0] }));
        }
      }
    }
    assert.ok(expected.length > 5, `fixture should signal several times (got ${expected.length})`);
    assert.equal(summary.steps, rows.length - warmup + 1);
    assert.equal(summary.failed, 0);
    assert.equal(summary.signalled, expected.length);
    const stored = ((await r.doc.send(new ScanCommand({ TableName: r.tables.SignalsTable! }))).Items ?? []).map((i) => i.id as string);
    assert.deepEqual(stored.sort(), expected.sort());
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.sourceId).sort(), expected.sort());
  });

  it('rejects badly named or malformed files with a clear error', () => {
    const dir = tempDir('candlebot-replay-');
    writeFileSync(join(dir, 'btc.json'), '[]');
    assert.throws(() => readOhlcvFiles(dir), /expected a file name like ETH_BTC-5m\.json/);
    const dir2 = tempDir('candlebot-replay-');
    writeFileSync(join(dir2, 'ETH_BTC-5m.json'), '{"not":"rows"');
    assert.throws(() => readOhlcvFiles(dir2), /not valid JSON/);
  });
});
