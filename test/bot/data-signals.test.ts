/** /signals against DynamoDB Local: signals recorded through the real signal store, read back through the `recent` GSI. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { CommandInputError, type BotCommand } from '../../lib/bot/command.js';
import { marketDataCommands } from '../../lib/bot/market-data-commands.js';
import { createMarketDataDeps } from '../../lib/runtime/bot-commands.js';
import { parseConfig } from '../../lib/config/load.js';
import { formatPrice } from '../../lib/core/format.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import type { SignalStore } from '../../lib/ports/signals.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { recordingLog } from '../positions/fixture.js';
import { allPages, recordingContext, runCommand, wiringInput } from './data-fixture.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1, 0);
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'];

function signalAt(i: number): Signal {
  const entry = 100 + i + 0.123456;
  return toSignal(
    { strategy: i % 2 ? 'rsi-reversion' : 'ema-cross', exchange: 'binance', symbol: SYMBOLS[i % SYMBOLS.length]!, timeframe: '1h' },
    { side: i % 3 ? 'long' : 'short', index: 99, candleTime: T0 + i * HOUR, entry, stop: entry * (i % 3 ? 0.97 : 1.03), target: entry * (i % 3 ? 1.06 : 0.94), indicators: { atr: 2 } },
  );
}

describe('/signals (DynamoDB Local, real signal store)', () => {
  let r: TestResources;
  let store: SignalStore;
  let command: BotCommand;
  const log = recordingLog();
  const signals = Array.from({ length: 60 }, (_, i) => signalAt(i));
  const recordedAt = (i: number) => T0 + (i + 1) * HOUR + 5000;
  const NOW = T0 + 100 * HOUR;

  before(async () => {
    r = await testResources('bot-signals');
    store = createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: 60_000, ttlDays: 90 });
    const config = parseConfig({ exchanges: [{ id: 'binance', symbols: SYMBOLS, timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }, { name: 'rsi-reversion' }] });
    command = marketDataCommands(createMarketDataDeps(wiringInput(r, config, testClock(NOW), log))).find((c) => c.name === 'signals')!;
  });
  after(() => r.close());

  it('no signal yet: says so', async () => {
    assert.deepEqual(await runCommand(command, [], NOW), { kind: 'text', html: 'No signals recorded yet.' });
  });

  it('the 10 newest by default, newest first, each with time, market, strategy, side and levels', async () => {
    // Recorded in a shuffled order: the listing follows the recorded time, not the write order.
    const order = signals.map((_, i) => i).sort((a, b) => ((a * 37) % 61) - ((b * 37) % 61));
    for (const i of order) assert.equal((await store.record(signals[i]!, [1], recordedAt(i))).status, 'recorded');
    assert.equal((await store.record(signals[59]!, [1], recordedAt(59) + 999)).status, 'duplicate');

    const reply = await runCommand(command, [], NOW);
    assert.equal(reply.kind, 'lines');
    if (reply.kind !== 'lines') return;
    assert.equal(reply.title, '<b>Last 10 signals</b> (newest first, times UTC)');
    assert.equal(reply.lines.length, 10);
    for (const [k, line] of reply.lines.entries()) {
      const s = signals[59 - k]!;
      const at = new Date(recordedAt(59 - k)).toISOString().slice(0, 16).replace('T', ' ');
      assert.ok(line.startsWith(`<code>${at} UTC</code> <b>${s.symbol}</b> 1h · ${s.strategy} · ${s.side === 'long' ? '🟢 LONG' : '🔴 SHORT'} · entry ${formatPrice(s.entry)} · stop ${formatPrice(s.stop)} · target ${formatPrice(s.target)}`), line);
    }
  });

  it('/signals 3 and /signals 50 (the maximum)', async () => {
    const three = await runCommand(command, ['3'], NOW);
    assert.equal(three.kind === 'lines' && three.lines.length, 3);
    const fifty = await runCommand(command, ['50'], NOW);
    assert.equal(fifty.kind === 'lines' && fifty.lines.length, 50);
  });

  it('bad counts are refused with a clear message and read nothing', async () => {
    for (const args of [['0'], ['abc'], ['51'], ['-3'], ['10', 'more']]) {
      const ctx = recordingContext(args, NOW);
      await assert.rejects(command.run(ctx), (e: unknown) => e instanceof CommandInputError && /1 to 50/.test(e.message), args.join(' '));
      assert.equal(ctx.replies.length, 0);
    }
  });

  it('50 signals are more than one Telegram message: every line is on some page, none cut, pages ≤ 4096', async () => {
    const reply = await runCommand(command, ['50'], NOW);
    assert.ok(reply.kind === 'lines');
    assert.ok(reply.lines.join('\n').length > 4096, 'the answer needs several pages');
    const pages = await allPages(command, ['50'], NOW);
    assert.ok(pages.length >= 2, `${pages.length} pages`);
    for (const page of pages) {
      assert.ok(page.length <= 4096, `page of ${page.length}`);
      assert.ok(page.startsWith('<b>Last 50 signals</b>'));
    }
    const shown = pages.flatMap((p) => p.split('\n'));
    for (const line of reply.lines) assert.equal(shown.filter((l) => l === line).length, 1, line);
  });

  it('an invalid row in the index is skipped and logged, the others shown', async () => {
    await r.doc.send(new PutCommand({ TableName: r.tables.SignalsTable!, Item: { id: 'broken', recentKey: 'signal', recentAt: NOW, symbol: 'X/Y', side: 'sideways' } }));
    const reply = await runCommand(command, ['3'], NOW);
    assert.ok(reply.kind === 'lines');
    assert.equal(reply.lines.length, 2);
    const warn = log.lines.find((l) => l.message.startsWith('signals: invalid rows'));
    assert.equal((warn?.extra?.['invalid'] as { id: string }[])[0]?.id, 'broken');
  });
});
